#!/usr/bin/env bash
# Builds decode_fuzz with clang in its own build directory and fuzzes
# protocol::decode for a while, starting from one valid encoding of every
# message. A finding stops the run with a non-zero exit and leaves the input
# in <build>/tests/fuzz/artifacts/.
#
# Usage: tests/fuzz/run.sh [seconds (default 60)] [build directory (default build-fuzz)]
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${2:-$root/build-fuzz}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DDSPT_FUZZ=ON >/dev/null
cmake --build "$build" --target decode_fuzz decode_fuzz_seeds

out="$build/tests/fuzz"
mkdir -p "$out/corpus" "$out/artifacts"
"$out/decode_fuzz_seeds" "$out/corpus"
"$out/decode_fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" "$out/corpus"
