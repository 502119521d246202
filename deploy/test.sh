#!/usr/bin/env bash
# Installs the dependencies, then builds and runs every test twice: a plain
# build, then an AddressSanitizer + UndefinedBehaviorSanitizer build. Exits
# non-zero on any failure; the last line is ctest's summary.
#
#   deploy/test.sh            both builds
#   DSPT_TEST_SANITIZE=0 deploy/test.sh    the plain build only (quicker, local use)
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== plain build =="
run_suite build/test
if [ "${DSPT_TEST_SANITIZE:-1}" != 0 ]; then
  echo "== sanitizer build (ASan + UBSan) =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build/sanitize -DDSPT_SANITIZE=ON
fi
