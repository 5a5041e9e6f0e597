#!/usr/bin/env bash
# `BINARY --check-config`: exit 0 on the shipped configs; exit 78 on a broken one, with every
# problem listed as FILE:LINE:COLUMN: message.
set -euo pipefail
bin="$1"
root="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Only the variables set here: none of the caller's HALLCAST_* overrides.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^HALLCAST_' || true)
export HALLCAST_PUBLISHER_TOKEN=p HALLCAST_OPERATOR_TOKEN=o HALLCAST_CAPTIONER_TOKEN=c
for cfg in "$root/config/thanh-hoa-2022.toml" "$root/config/dev.toml" \
           "$root/config/examples/venue-hardware.toml"; do
  "$bin" --config "$cfg" --check-config || fail "$cfg: exit $? (want 0)"
done

# Each binary reads only the secrets it uses: a display box holds none, a streamer only the
# publisher's, the relay all three. With exactly those set it is valid; without one it is not.
ref="$root/config/thanh-hoa-2022.toml"
unset HALLCAST_PUBLISHER_TOKEN HALLCAST_OPERATOR_TOKEN HALLCAST_CAPTIONER_TOKEN
case "$(basename "$bin")" in
  hallcast-relay) needs=(PUBLISHER OPERATOR CAPTIONER) ;;
  hallcast-streamer) needs=(PUBLISHER) ;;
  *) needs=() ;;
esac
for role in "${needs[@]}"; do export "HALLCAST_${role}_TOKEN=$role-secret"; done
"$bin" --config "$ref" --check-config || fail "$ref with only ${needs[*]:-no} tokens: exit $?"
for role in "${needs[@]}"; do
  set +e
  out="$(env -u "HALLCAST_${role}_TOKEN" "$bin" --config "$ref" --check-config 2>&1)"
  code=$?
  set -e
  [ "$code" -eq 78 ] || fail "exit $code without HALLCAST_${role}_TOKEN (want 78)"
  grep -qF "HALLCAST_${role}_TOKEN is not set or empty" <<<"$out" || fail "not reported: $out"
done
export HALLCAST_PUBLISHER_TOKEN=p HALLCAST_OPERATOR_TOKEN=o HALLCAST_CAPTIONER_TOKEN=c

bad="$root/tests/common/bad-configs/bad-numbers.toml"
set +e
out="$("$bin" --config "$bad" --check-config 2>&1)"
code=$?
set -e
echo "$out"
[ "$code" -eq 78 ] || fail "exit $code for $bad (want 78)"
for want in "$bad:9:9: program.width: 1281 must be even" \
            "$bad:10:22: program.video_bitrate_kbps: -5 is out of range" \
            "$bad:11:22: program.audio_bitrate_kbps: 0 is out of range" \
            "$bad:12:13: program.framerate: 0 is out of range" \
            "$bad:15:16: watchdog.retry_max_ms: must not be less than retry_initial_ms" \
            "$bad:20:14: displays[0].font_scale: 10 is out of range" \
            "$bad:22:14: captions.max_length: 0 is out of range"; do
  grep -qF -- "$want" <<<"$out" || fail "missing: $want"
done
echo "ok"
