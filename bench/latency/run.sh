#!/bin/sh
# Glass-to-glass latency bench (docs/latency.md). Run it under the shared lock, without nice:
#   flock /tmp/hallcast-bench.lock bench/latency/run.sh [--seconds 60] [--smoke] [--only a,b]
# Builds what it needs in $HALLCAST_BUILD_DIR (default build/), then runs bench/latency/run.mjs.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${HALLCAST_BUILD_DIR:-$repo/build}
[ -f "$build/build.ninja" ] || cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
nice ninja -C "$build" -j2 hallcast-relay hallcast-streamer hallcast-display hallcast-latency-probe
[ -d "$repo/tests/web/node_modules/playwright-core" ] || (cd "$repo/tests/web" && npm ci --no-audit --no-fund)
exec node "$repo/bench/latency/run.mjs" --bin-dir "$build/bin" --out-dir "$build/bench-results" "$@"
