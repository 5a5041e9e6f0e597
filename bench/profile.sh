#!/bin/sh
# Profiles one server under the benchmark's load (docs/performance.md, Findings): runs
# bench/run.sh with the given arguments and `perf record -g` on the server process for its whole
# run (slow-viewer test + ramp steps), then prints where its CPU went: the kernel's share, the
# share under tcp_sendmsg (every socket send: send, write, writev, with the loopback receive the
# kernel runs in the sender's context), poll/epoll, and the top symbols.
#
#   bench/profile.sh OUT.perf.data RELAY_BINARY|peer [run.sh arguments...]
#   e.g. bench/profile.sh /tmp/relay.data build/bin/hallcast-relay --servers relay --steps 1000,2000 --repeats 1
#        bench/profile.sh /tmp/peer.data peer --servers peer --steps 1000,2000 --repeats 1
# Benchmarks take the lock /tmp/hallcast-bench.lock (one at a time on a shared machine).
set -eu
out=$1; server=$2; shift 2
if [ "$server" = peer ]; then pattern="bench/peer/server.mjs --listen"
else pattern="$(basename "$server") --config [^ ]*/hallcast-bench-"; fi
repo=$(cd "$(dirname "$0")/.." && pwd)
flock /tmp/hallcast-bench.lock "$repo/bench/run.sh" "$@" > "$out.bench.md" 2> "$out.bench.err" &
runner=$!
pid=""
i=0
while [ -z "$pid" ] && [ $i -lt 3000 ]; do  # the server starts after the build step
  pid=$(pgrep -n -f "$pattern" || true)
  i=$((i + 1))
  [ -n "$pid" ] || sleep 0.2
done
[ -n "$pid" ] || { echo "profile: $server never started" >&2; wait $runner; exit 1; }
perf record -q -e cpu-clock -g -p "$pid" -o "$out" 2> "$out.perf.err" || true
wait $runner
report() { perf report -i "$out" "$@" --stdio 2>/dev/null | grep -E '^ +[0-9]' | sed 's/[ -]*$//; s/  */ /g'; }
echo "kernel share of the server's samples:"
report --no-children --sort dso | grep -F '[kernel'
echo "children (all its callees) of socket sends, the loopback receive they run, poll/epoll:"
report --children --sort symbol |
  grep -E '\] (sock_write_iter|__x64_sys_sendto|__x64_sys_writev|__x64_sys_write|tcp_sendmsg|net_rx_action|__x64_sys_poll|__x64_sys_epoll_wait|__x64_sys_epoll_pwait)$'
echo "top symbols (self):"
report --no-children --sort symbol | head -30
