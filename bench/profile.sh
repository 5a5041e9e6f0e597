#!/bin/sh
# Profiles one relay binary under the benchmark's load (docs/performance.md, Findings):
# runs bench/run.sh with the given arguments and `perf record -g` on the relay process for its
# whole run (slow-viewer test + ramp steps), then prints the top symbols of `perf report`.
#
#   bench/profile.sh OUT.perf.data RELAY_BINARY [run.sh arguments...]
#   e.g. bench/profile.sh /tmp/after.data build/bin/hallcast-relay --servers relay --steps 1000,2000 --repeats 1
# Benchmarks take the lock /tmp/hallcast-bench.lock (one at a time on a shared machine).
set -eu
out=$1; name=$(basename "$2"); shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
flock /tmp/hallcast-bench.lock "$repo/bench/run.sh" "$@" > "$out.bench.md" 2> "$out.bench.err" &
runner=$!
pid=""
i=0
while [ -z "$pid" ] && [ $i -lt 3000 ]; do  # the relay starts after the build step
  pid=$(pgrep -n -f "$name --config [^ ]*/hallcast-bench-" || true)
  i=$((i + 1))
  [ -n "$pid" ] || sleep 0.2
done
[ -n "$pid" ] || { echo "profile: $name never started" >&2; wait $runner; exit 1; }
perf record -q -e cpu-clock -g -p "$pid" -o "$out" 2> "$out.perf.err" || true
wait $runner
perf report -i "$out" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -40
