#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz) for SECONDS each, with ASan and
# UBSan, and prints each target's executions and crashes, then the totals.
#
# Each target starts from its seeds and keeps what it learns in
# <build>/soak/<target>/corpus, so a later soak goes on where this one
# stopped. A crash, sanitizer report, leak, timeout or out-of-memory input is
# written to <build>/soak/<target>/artifacts/ and ends that target's run (the
# others still run); the script then exits 1. Logs: <build>/soak/<target>/log.
# (libFuzzer also leaves "slow-unit-*" inputs there, which are no findings.)
#
# Usage: tests/soak/fuzz_soak.sh SECONDS [build directory (default build/fuzz)]
#   FUZZ_SOAK_PARALLEL=N   run N targets at a time (default 1)
#   FUZZ_SOAK_TARGETS="a b" only these targets
#   FUZZ_SOAK_NO_BUILD=1   use the targets already built
#   FUZZ_SOAK_TIMEOUT=S    one input taking longer than S seconds is a finding
#                          (default 120: generous, as a soak at nice 19 on a
#                          busy machine can wait long for the processor)
set -euo pipefail

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -eq 0 ]; then
  echo "usage: $0 SECONDS [build directory]" >&2
  exit 2
fi
seconds=$1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$(realpath -m "${2:-$root/build/fuzz}")"
parallel="${FUZZ_SOAK_PARALLEL:-1}"
timeout="${FUZZ_SOAK_TIMEOUT:-120}"
targets="${FUZZ_SOAK_TARGETS:-decode_fuzz http_request_fuzz multipart_form_fuzz \
standards_csv_fuzz standards_json_fuzz zstd_fuzz enrolment_code_fuzz form_encoding_fuzz xlsx_fuzz}"

if [ "${FUZZ_SOAK_NO_BUILD:-0}" != 1 ]; then
  CC=clang-16 CXX=clang++-16 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDSPT_FUZZ=ON -DDSPT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target dspt_fuzz_targets
fi

soak="$build/soak"
# Inputs libFuzzer kept as findings (not its "slow-unit-" notes).
findings() {
  find "$1/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' \) | wc -l
}
run_one() {
  local target=$1 dir="$soak/$1"
  rm -f "$dir/result"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  if [ "$target" = decode_fuzz ]; then
    "$build/tests/fuzz/decode_fuzz_seeds" "$dir/corpus" >/dev/null
  else
    cp "$root/tests/fuzz/corpus/$target/"* "$dir/corpus/"
  fi
  local before status=0
  before=$(findings "$dir")
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout="$timeout" \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
    >"$dir/log" 2>&1 || status=$?
  local executions crashes
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  if [ -z "$executions" ]; then
    # Stopped by a finding: libFuzzer then prints no final stats, but its
    # last status line ("#N ...") gives the count reached.
    executions=$(grep -oE '^#[0-9]+' "$dir/log" | tail -1 | tr -d '#')
  fi
  crashes=$(($(findings "$dir") - before))
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1  # a finding libFuzzer could not write out
  fi
  echo "$target ${executions:-0} $crashes $status" >"$dir/result"
}

mkdir -p "$soak"
running=0
for target in $targets; do
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

total_executions=0
total_crashes=0
printf '%-22s %15s %8s\n' target executions crashes
for target in $targets; do
  if [ ! -f "$soak/$target/result" ]; then
    echo "$target 0 1 -1" >"$soak/$target/result"  # it did not even start
  fi
  read -r _ executions crashes _ <"$soak/$target/result"
  printf '%-22s %15s %8s\n' "$target" "$executions" "$crashes"
  total_executions=$((total_executions + executions))
  total_crashes=$((total_crashes + crashes))
done
printf '%-22s %15s %8s\n' total "$total_executions" "$total_crashes"
echo "($seconds s per target; logs and findings in $soak/<target>/)"
[ "$total_crashes" -eq 0 ]
