#!/usr/bin/env bash
# Client benchmarks. Prints figures; asserts nothing.
#
#   tests/bench/client_bench.sh [BUILD_DIR]     (default: build/release, built if missing)
#
# Measures, on a temporary store:
#   - `dspt status` with every item answered and 100 MB of evidence (median of 20 runs);
#   - `evidence add` and `evidence get` of a 200 MB file: throughput and peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
if [ ! -x "$build/client/dspt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSPT_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target dspt >/dev/null
fi
dspt="$PWD/$build/client/dspt"
work=$(mktemp -d /tmp/dspt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export DSPT_HOME="$work/home" DSPT_PASSPHRASE="benchmark passphrase"

now_ns() { date +%s%N; }
peak_kib() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

"$dspt" init --name "Bench Care Home" >/dev/null
"$dspt" items | tail -n +2 | while read -r id type _; do
  case "$type" in
    confirm) "$dspt" answer "$id" yes ;;
    text) "$dspt" answer "$id" "Text answer for $id" ;;
    date) "$dspt" answer "$id" 2025-11-04 ;;
    document) "$dspt" answer "$id" --location "Cabinet $id" ;;
  esac >/dev/null
done
for i in 1 2 3 4; do
  head -c $((25 * 1024 * 1024)) /dev/urandom >"$work/e$i.bin"
  "$dspt" evidence add 1.1.2 "$work/e$i.bin" >/dev/null
  rm "$work/e$i.bin"
done
echo "store: $("$dspt" items | tail -n +2 | wc -l) items answered, 100 MB of evidence," \
     "$(du -m "$DSPT_HOME"/store.db | cut -f1) MB on disk"

times=()
for _ in $(seq 20); do
  t0=$(now_ns); "$dspt" status >/dev/null; t1=$(now_ns)
  times+=($(( (t1 - t0) / 1000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "dspt status: median $(echo "$sorted" | sed -n 10p) us, min $(echo "$sorted" | head -1) us," \
     "max $(echo "$sorted" | tail -1) us over 20 runs (includes the Argon2id unlock)"
echo "dspt status peak memory: $(peak_kib "$dspt" status) KiB"

head -c $((200 * 1024 * 1024)) /dev/urandom >"$work/big.bin"
t0=$(now_ns)
mem=$(peak_kib "$dspt" evidence add 1.1.3 "$work/big.bin")
t1=$(now_ns)
ms=$(( (t1 - t0) / 1000000 ))
echo "evidence add 200 MiB: ${ms} ms, $(( 200 * 1000 / (ms > 0 ? ms : 1) )) MiB/s, peak memory ${mem} KiB"

id=$("$dspt" evidence list 1.1.3 --json | grep '"id"' | head -1 | sed 's/.*"id": "\(.*\)".*/\1/')
t0=$(now_ns)
mem=$(peak_kib "$dspt" evidence get "$id" "$work/out.bin")
t1=$(now_ns)
ms=$(( (t1 - t0) / 1000000 ))
cmp -s "$work/big.bin" "$work/out.bin" && same=identical || same=DIFFERENT
echo "evidence get 200 MiB: ${ms} ms, $(( 200 * 1000 / (ms > 0 ? ms : 1) )) MiB/s, peak memory ${mem} KiB, bytes $same"
