#!/usr/bin/env bash
# Installs the dependencies, builds dsptsync (Release) and shows it at work.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
echo "== building (Release) =="
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSPT_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)"
bin=build/release

echo
"$bin/client/dspt" --version
"$bin/server/dspt-server" --version
echo
echo "== the standards years this build knows =="
"$bin/client/dspt" standards list
echo
echo "== 2025-26, standard 4 (managing data access) =="
"$bin/client/dspt" standards items --year 2025-26 --standard 4
