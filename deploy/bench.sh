#!/usr/bin/env bash
# Installs the dependencies, builds dsptsync (Release, with the benchmark
# programs) and runs every benchmark under tests/bench/, printing figures.
# Benchmarks assert nothing; they are never part of deploy/test.sh.
#
#   deploy/bench.sh            the client, server, sync and deadline benchmarks
#
# The deadline load runs here at DEADLINE_SITES sites (1000); the full 30,000 is
# tests/bench/deadline_bench.sh BUILD_DIR alone (3 GB of evidence per setup).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
build=build/bench
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" \
  --target dspt dspt-server dspt_server_bench dspt_sync_bench dspt_deadline_bench

echo "== client =="
tests/bench/client_bench.sh "$build"
echo
echo "== server =="
tests/bench/server_bench.sh "$build"
echo
echo "== sync =="
tests/bench/sync_bench.sh "$build"
echo
echo "== deadline =="
tests/bench/deadline_bench.sh "$build" --sites "${DEADLINE_SITES:-1000}"
