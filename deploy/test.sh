#!/usr/bin/env bash
# Installs the dependencies, then builds and runs every test twice: a plain
# Release build (the quickstart's flags), then an AddressSanitizer +
# UndefinedBehaviorSanitizer build. Exits non-zero on any failure.
#
# The PostgreSQL store's tests run on a throwaway cluster that ctest starts and
# removes (deploy/pg-cluster.sh); this script removes it too if a run stops half-way.
#
# Last, a short bounded libFuzzer run (clang) of every decoder that reads bytes
# from outside (tests/fuzz/CMakeLists.txt lists them): 15 s each, 30 s for the
# protocol decoder.
#
# At the end it prints each stage's wall time, so a change can see what it
# costs the test run (which must stay well inside CI's limit).
#
#   deploy/test.sh                          all three
#   DSPT_TEST_SANITIZE=0 deploy/test.sh     the plain build only (quicker, local use)
set -euo pipefail
cd "$(dirname "$0")/.."

stages=()
stage_start=0
stage_name=
begin() {
  echo "== $1 =="
  stage_name=$1
  stage_start=$(date +%s)
}
end() {
  stages+=("$(printf '%-34s %5d s' "$stage_name" $(($(date +%s) - stage_start)))")
  stage_name=
}
# The throwaway PostgreSQL clusters the builds' tests started (ctest starts and removes
# each; this removes one left by a run that was stopped or failed half-way).
pg_dirs=()
remove_clusters() {
  local dir
  for dir in "${pg_dirs[@]}"; do
    deploy/pg-cluster.sh remove "$dir" >/dev/null 2>&1 || true
  done
}
summary() {
  local status=$?
  remove_clusters
  if [ -n "$stage_name" ]; then
    stages+=("$(printf '%-34s %5d s  (failed)' "$stage_name" $(($(date +%s) - stage_start)))")
  fi
  if [ ${#stages[@]} -gt 0 ]; then
    echo "== stage times =="
    printf '%s\n' "${stages[@]}"
    printf '%-34s %5d s\n' "total" $(($(date +%s) - run_start))
  fi
  return $status
}
run_start=$(date +%s)
trap summary EXIT

begin "dependencies"
deploy/install-deps.sh
end

begin "include layers"
deploy/check-layers.sh
end

jobs=$(nproc 2>/dev/null || echo 2)
# Tests run two to a core: the integration suites spend most of their time
# waiting on their processes, deadlines and deliberately slow lines (the
# deadlines suite takes 49 s for 7 s of CPU), so one test a core leaves the
# cores idle.
test_jobs=$((jobs * 2))
build_and_test() {
  local name=$1 dir=$2; shift 2
  begin "$name: build"
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  end
  begin "$name: tests"
  if [ -f "$dir/postgresql-test-dir" ]; then
    pg_dirs+=("$(cat "$dir/postgresql-test-dir")")
  fi
  ctest --test-dir "$dir" --output-on-failure -j "$test_jobs" ${ctest_exclude:+-E "$ctest_exclude"}
  end
}

build_and_test "Release" build/test -DCMAKE_BUILD_TYPE=Release
begin "library graph"
deploy/draw-dependencies.sh build/test
end
if [ "${DSPT_TEST_SANITIZE:-1}" != 0 ]; then
  # clang: it compiles this instrumented -O0 build in about 40 % less time than GCC
  # (a client library batch: 30 s against 51 s).
  # -O0: an instrumented -O1 build costs over half as much again to compile, more
  # than the tests gain from running faster; -g1 gives reports their line numbers.
  # tests/lsan.supp: fontconfig's process-long cache, loaded by the certificates' cairo text.
  # The plain build runs 1,000 seeds of the sync simulation; this one, 200.
  # The benchmarks are built by the plain build only: they print figures, and
  # figures from an instrumented build mean nothing.
  # The store's cases run on PostgreSQL under the sanitizers too; the integration
  # suites' PostgreSQL runs exercise the same store code as the plain build's, so
  # they run there only.
  ctest_exclude='^integration\..*\.postgresql$' \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
    build_and_test "ASan + UBSan" build/sanitize -DCMAKE_C_COMPILER=clang-16 \
      -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" -DDSPT_SANITIZE=ON -DDSPT_SIM_SEEDS=200 \
      -DDSPT_BUILD_BENCH=OFF

  begin "libFuzzer: build"
  # -O1 with line tables: what AddressSanitizer needs for speed and readable
  # reports, at half the compile time of -O2 -g (the runs are bounded by time).
  CC=clang-16 CXX=clang++-16 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DDSPT_FUZZ=ON -DDSPT_BUILD_TESTS=OFF >/dev/null
  cmake --build build/fuzz -j "$jobs" --target dspt_fuzz_targets
  end
  begin "libFuzzer: a bounded run of each decoder"
  ctest --test-dir build/fuzz --output-on-failure -j "$jobs"
  end
fi
