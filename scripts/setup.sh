#!/usr/bin/env bash
# Installs every Debian package hallcast needs to build, run and test.
# Non-interactive and idempotent: packages already present are not fetched again,
# and `apt-get update` runs at most once per machine boot (marker in /run).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang-format git
  # libraries
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libwebsockets-dev libavformat-dev libavcodec-dev libavutil-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev nlohmann-json3-dev libtomlplusplus-dev
  libcli11-dev libsystemd-dev libsrt-gnutls-dev libglib2.0-dev
  # GStreamer elements used at run time
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools gstreamer1.0-x gstreamer1.0-gl
  gstreamer1.0-alsa gstreamer1.0-pulseaudio
  # fonts with every Vietnamese diacritic
  fonts-noto-core fonts-dejavu-core
  # test tools
  ffmpeg xvfb xauth x11-utils imagemagick chromium systemd curl ca-certificates
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  marker=/run/hallcast-apt-updated
  if [ ! -e "$marker" ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $SUDO touch "$marker" 2>/dev/null || true
  fi
  echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# Browser-test driver from npm (no browser download: tests use Debian's chromium).
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in tests/web bench/peer; do
  if [ -f "$root/$dir/package-lock.json" ] && [ ! -d "$root/$dir/node_modules" ]; then
    (cd "$root/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
