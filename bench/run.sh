#!/bin/sh
# The one benchmark command (docs/performance.md): builds the tools, installs the Node peer's
# locked dependencies, then runs relay and peer alternately. Extra arguments go to bench/run.mjs
# (e.g. --repeats 3, --servers peer, --smoke).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${HALLCAST_BUILD_DIR:-$repo/build}
[ -f "$build/build.ninja" ] || cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHALLCAST_PARTS=relay
nice ninja -C "$build" -j2 hallcast-relay hallcast-bench-load hallcast-bench-source hallcast-bench-floor
[ -d "$repo/bench/peer/node_modules/ws" ] || (cd "$repo/bench/peer" && npm ci --no-audit --no-fund)
exec node "$repo/bench/run.mjs" --bin-dir "$build/bin" --out-dir "$build/bench-results" "$@"
