#!/usr/bin/env bash
# Sets up (Debian packages), then runs the whole test suite twice: a -Werror build in build/,
# and an AddressSanitizer + UndefinedBehaviorSanitizer build of every part in build-asan/
# (optimised, -Og, with every test deadline scaled by HALLCAST_TEST_TIME_SCALE, default 3 there).
# Both carry line tables only (-g1): enough for file:line in every stack, and a faster build.
#
#   scripts/test.sh                 both passes, every test (this is what CI runs)
#   scripts/test.sh --plain         only the -Werror pass (build/)
#   scripts/test.sh --sanitize      only the sanitizer pass (build-asan/)
#   scripts/test.sh -L unit         extra arguments go to ctest, in each pass
#   HALLCAST_BUILD_DIR=DIR          build the plain pass somewhere else (keeps DIR's CMake cache)
#   HALLCAST_ASAN_BUILD_DIR=DIR     the same for the sanitizer pass
#   HALLCAST_TEST_TIME_SCALE=N      deadline multiplier of the sanitizer pass (whole number)
#   HALLCAST_SANITIZE_PARTS=LIST    parts built in the sanitizer pass (default all:
#                                   "relay;streamer;display"; "relay" = common + relay + tests)
#
# Exit status: 0 when every test of every pass passed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

passes=(plain sanitize)
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --plain) passes=(plain) ;;
    --sanitize) passes=(sanitize) ;;
    -h|--help)
      sed -n '2,17s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) ctest_args+=("$arg") ;;
  esac
done

bash "$root/scripts/setup.sh"

# Keep the machine usable: at most two compile jobs (or the number of cores, if fewer).
jobs="$(nproc 2>/dev/null || echo 2)"
[ "$jobs" -gt 2 ] && jobs=2

# run_pass NAME BUILD_DIR CMAKE_ARGS...: configure, build, run ctest; prints a summary line.
run_pass() {
  local name="$1" build="$2"
  shift 2
  local start=$SECONDS rc=0
  echo "=== test.sh: $name pass in $build"
  cmake -S "$root" -B "$build" -G Ninja -DHALLCAST_WERROR=ON \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "$@"
  nice ninja -C "$build" -j "$jobs"
  local built=$SECONDS
  ctest --test-dir "$build" --output-on-failure -j2 --timeout "$timeout" \
    ${ctest_args[@]+"${ctest_args[@]}"} || rc=$?
  echo "=== test.sh: $name pass: build $((built - start)) s, tests $((SECONDS - built)) s," \
       "ctest exit $rc"
  return "$rc"
}

status=0
for pass in "${passes[@]}"; do
  if [ "$pass" = plain ]; then
    timeout=300
    run_pass plain "${HALLCAST_BUILD_DIR:-$root/build}" || status=1
  else
    scale="${HALLCAST_TEST_TIME_SCALE:-3}"
    timeout=$((300 * scale))
    build="${HALLCAST_ASAN_BUILD_DIR:-$root/build-asan}"
    # Every report of every process (tests and the binaries they start, whose stderr a test
    # may not show) is also written to a file here; any file at the end fails the pass.
    reports="$build/sanitizer-reports"
    rm -rf "$reports" && mkdir -p "$reports"
    # Defaults only: options already in the environment win. Leaks inside system libraries
    # that are allocated once and kept (GLib's constructor, fontconfig's cache) are suppressed
    # by name in lsan.supp; any UB report stops the process (-fno-sanitize-recover, halt).
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:check_initialization_order=1:log_path=$reports/asan}"
    export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/scripts/lsan.supp:fast_unwind_on_malloc=0:print_suppressions=0}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan}"
    run_pass sanitize "$build" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHALLCAST_SANITIZE=ON \
      -DHALLCAST_PARTS="${HALLCAST_SANITIZE_PARTS:-relay;streamer;display}" \
      -DHALLCAST_TEST_TIME_SCALE="$scale" || status=1
    if compgen -G "$reports/*" >/dev/null; then
      echo "=== test.sh: sanitizer reports (from $reports):"
      for f in "$reports"/*; do
        echo "--- $f"
        head -n 60 "$f"
      done
      status=1
    else
      echo "=== test.sh: no AddressSanitizer, LeakSanitizer or UBSan report from any process"
    fi
  fi
done
exit "$status"
