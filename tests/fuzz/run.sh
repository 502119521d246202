#!/usr/bin/env bash
# Builds one libFuzzer target with clang in its own build directory and fuzzes
# it for a while, from its seeds (decode_fuzz: one valid encoding of every
# message; the others: tests/fuzz/corpus/<target>/). A finding stops the run
# with a non-zero exit and leaves the input in <build>/tests/fuzz/artifacts/.
# tests/soak/fuzz_soak.sh runs every target and counts what they did.
#
# Usage: tests/fuzz/run.sh [seconds (default 60)] [build directory (default build-fuzz)]
#                          [target (default decode_fuzz)]
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${2:-$root/build-fuzz}"
target="${3:-decode_fuzz}"

CC=clang-16 CXX=clang++-16 cmake -S "$root" -B "$build" -G Ninja -DDSPT_FUZZ=ON >/dev/null
cmake --build "$build" --target "$target" decode_fuzz_seeds

out="$build/tests/fuzz"
corpus="$out/corpus/$target"
mkdir -p "$corpus" "$out/artifacts"
if [ "$target" = decode_fuzz ]; then
  "$out/decode_fuzz_seeds" "$corpus"
else
  cp "$root/tests/fuzz/corpus/$target/"* "$corpus/"
fi
"$out/$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" "$corpus"
