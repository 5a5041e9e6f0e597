#!/usr/bin/env bash
# The whole system on the reference event (Thanh Hóa, Digital Transformation Day 2022) with
# test-pattern sources: installs what is missing, builds, starts the relay, one streamer per
# hall and (when a display is available) a hall display window, then prints what to open.
# Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
config="${HALLCAST_DEMO_CONFIG:-$root/config/thanh-hoa-2022.toml}"
port="${HALLCAST_DEMO_PORT:-8080}"

bash "$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$root/build" hallcast-relay hallcast-streamer hallcast-display

run_dir="$(mktemp -d /tmp/hallcast-demo.XXXXXX)"
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo stopped; logs were in $run_dir"
  exit 0
}
trap cleanup INT TERM EXIT

# Fresh tokens for this run (the reference config reads them from the environment).
token() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }
export HALLCAST_PUBLISHER_TOKEN="$(token)"
export HALLCAST_OPERATOR_TOKEN="$(token)"
export HALLCAST_CAPTIONER_TOKEN="$(token)"
export HALLCAST_RELAY_STATE_DIR="$run_dir/state"
export HALLCAST_RELAY_WEB_ROOT="$root/web"
export HALLCAST_OUTPUTS_RELAY_URL="ws://127.0.0.1:$port"
mkdir -p "$HALLCAST_RELAY_STATE_DIR"

bin="$root/build/bin"
"$bin/hallcast-relay" --config "$config" --listen "127.0.0.1:$port" \
  >"$run_dir/relay.out" 2>"$run_dir/relay.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q "listening on" "$run_dir/relay.out" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$run_dir/relay.log"; exit 1; }
  sleep 0.1
done

halls=$(sed -n '/^\[\[halls\]\]/,/^$/s/^id *= *"\(.*\)"/\1/p' "$config")
for hall in $halls; do
  "$bin/hallcast-streamer" --config "$config" --hall "$hall" >"$run_dir/streamer-$hall.log" 2>&1 &
  pids+=($!)
done
if [ -n "${DISPLAY:-}" ]; then
  screens=$(sed -n '/^\[\[displays\]\]/,/^$/s/^id *= *"\(.*\)"/\1/p' "$config")
  for screen in $screens; do
    "$bin/hallcast-display" --config "$config" --screen "$screen" >"$run_dir/display-$screen.log" 2>&1 &
    pids+=($!)
  done
fi

base="http://127.0.0.1:$port"
cat <<MSG

hallcast demo — $(basename "$config")
  Viewer (remote audience):   $base/            (other hall: $base/?hall=<id>; halls: $(echo $halls))
  Operator panel:             $base/operator    token: $HALLCAST_OPERATOR_TOKEN
  Captioner console:          $base/captioner   token: $HALLCAST_CAPTIONER_TOKEN
  Browser hall display:       $base/display
  Health / metrics / state:   $base/healthz  $base/metrics  $base/api/state
  Hall screens (SRT, MPEG-TS): ffplay 'srt://127.0.0.1:<hall srt port>?mode=caller'
$( [ -n "${DISPLAY:-}" ] && echo "  Display windows opened on $DISPLAY" || echo "  (no \$DISPLAY: hall display windows not started)")
Logs: $run_dir      Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
echo "a process exited; stopping the demo (see $run_dir)"
cleanup
