#!/usr/bin/env bash
# Sets up (Debian packages), builds with warnings as errors and runs the whole test suite.
#
#   scripts/test.sh                 build/ , every test
#   scripts/test.sh -L unit         extra arguments go to ctest
#   scripts/test.sh --sanitize      build-asan/ with AddressSanitizer + UBSan
#   HALLCAST_BUILD_DIR=DIR          build somewhere else (keeps DIR's CMake cache)
#
# Exit status: ctest's (0 = every test passed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

build="${HALLCAST_BUILD_DIR:-$root/build}"
cmake_args=(-G Ninja -DHALLCAST_WERROR=ON)
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize)
      build="${HALLCAST_BUILD_DIR:-$root/build-asan}"
      cmake_args+=(-DHALLCAST_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
      ;;
    -h|--help)
      sed -n '2,10s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) ctest_args+=("$arg") ;;
  esac
done

bash "$root/scripts/setup.sh"

# Keep the machine usable: at most two compile jobs (or the number of cores, if fewer).
jobs="$(nproc 2>/dev/null || echo 2)"
[ "$jobs" -gt 2 ] && jobs=2

cmake -S "$root" -B "$build" "${cmake_args[@]}"
nice ninja -C "$build" -j "$jobs"

if [[ " ${cmake_args[*]} " == *" -DHALLCAST_SANITIZE=ON "* ]]; then
  # Defaults only: options already in the environment win.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
  # One-time allocations inside system libraries (GLib's constructor, fontconfig's cache).
  export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/scripts/lsan.supp:fast_unwind_on_malloc=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
fi
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300 "${ctest_args[@]}"
