#!/usr/bin/env bash
# Installs the dependencies, then builds and runs every test twice: a plain
# Release build (the quickstart's flags), then an AddressSanitizer +
# UndefinedBehaviorSanitizer build. Exits non-zero on any failure; the last
# lines are ctest's summary.
#
# Last, a short bounded libFuzzer run (clang) of every decoder that reads bytes
# from outside (tests/fuzz/CMakeLists.txt lists them): 15 s each, 30 s for the
# protocol decoder.
#
#   deploy/test.sh                          all three
#   DSPT_TEST_SANITIZE=0 deploy/test.sh     the plain build only (quicker, local use)
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== plain build (Release) =="
run_suite build/test -DCMAKE_BUILD_TYPE=Release
if [ "${DSPT_TEST_SANITIZE:-1}" != 0 ]; then
  echo "== sanitizer build (ASan + UBSan) =="
  # -O1 keeps the instrumented tests quick; -g1 gives reports their line numbers.
  # tests/lsan.supp: fontconfig's process-long cache, loaded by the certificates' cairo text.
  # The plain build runs 1,000 seeds of the sync simulation; this one, 200.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
    run_suite build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DDSPT_SANITIZE=ON -DDSPT_SIM_SEEDS=200
fi
if [ "${DSPT_TEST_SANITIZE:-1}" != 0 ]; then
  echo "== libFuzzer: every decoder of outside bytes, a short bounded run each =="
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDSPT_FUZZ=ON -DDSPT_BUILD_TESTS=OFF >/dev/null
  cmake --build build/fuzz -j "$jobs" --target dspt_fuzz_targets
  ctest --test-dir build/fuzz --output-on-failure -j "$jobs"
fi
