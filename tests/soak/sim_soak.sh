#!/usr/bin/env bash
# The fault simulation over many seeds (not in CI): 100,000 by default, split
# over the machine's cores, each worker a dspt_sim process on its own range.
# Prints each failing seed with the first invariant it broke, and the totals.
#
#   tests/soak/sim_soak.sh BUILD_DIR [SEEDS [FROM]]
#
# Needs BUILD_DIR/tests/sim/dspt_sim (target dspt_sim). Replay a failing seed
# with: BUILD_DIR/tests/sim/dspt_sim --seed N -v
# The simulation's stores live under TMPDIR; /dev/shm (when there is one)
# keeps the disk out of it.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/soak/sim_soak.sh BUILD_DIR [SEEDS [FROM]]}
seeds=${2:-100000}
from=${3:-1}
case $build in /*) ;; *) build="$PWD/$build" ;; esac
sim="$build/tests/sim/dspt_sim"
[ -x "$sim" ] || { echo "missing $sim: build target dspt_sim" >&2; exit 2; }
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

workers=$(nproc 2>/dev/null || echo 2)
out=$(mktemp -d "${TMPDIR:-/tmp}/dspt-sim-soak.XXXXXX")
trap 'rm -rf "$out"' EXIT
per=$(( (seeds + workers - 1) / workers ))
pids=()
start=$(date +%s)
for ((w = 0; w < workers; w++)); do
  first=$(( from + w * per ))
  n=$per
  if (( first + n > from + seeds )); then n=$(( from + seeds - first )); fi
  (( n > 0 )) || continue
  "$sim" --seeds "$n" --from "$first" > "$out/worker-$w.txt" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
elapsed=$(( $(date +%s) - start ))

cat "$out"/worker-*.txt | grep '^seed ' | sort -t' ' -k2,2n || true
echo "totals over $seeds seeds from $from ($workers workers, ${elapsed}s):"
cat "$out"/worker-*.txt | awk '
  /^seeds / { split($0, a, ": "); split(a[2], b, " "); run += b[1]; failed += b[3] }
  /^  broken: / { sub(/^  broken: /, ""); n = $(NF-1); $NF = ""; $(NF-1) = ""; broken[$0] += n }
  /^  fault: / { sub(/^  fault: /, ""); n = $NF; $NF = ""; fault[$0] += n }
  END {
    printf "  %d seeds run, %d failed\n", run, failed
    for (k in broken) printf "  broken: %s%d seed(s)\n", k, broken[k]
    for (k in fault) printf "  fault: %s%d\n", k, fault[k]
  }'
exit $status
