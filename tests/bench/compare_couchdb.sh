#!/usr/bin/env bash
# dsptsync's sync beside CouchDB-style replication, on one workload, in one run.
# Prints both sides' figures and their ratios; asserts nothing.
#
#   tests/bench/compare_couchdb.sh BUILD_DIR [--sites S] [--rounds R] [--files K]
#                                  [--file-bytes B] [--concurrency C]
#
# The workload (defaults: 50 sites, 5 rounds, 3 evidence files of 256 KiB per
# site, 8 sites syncing at a time): every site answers every item and adds its
# files, and syncs; then, each round, every site changes one answer and syncs.
#   - dsptsync: tests/bench/sync_bench.sh BUILD_DIR with those flags (one real
#     dspt-server, the client library in-process; its other phases run small).
#   - the peer: PouchDB 9 on LevelDB replicating (PouchDB.sync, both ways, one
#     shot per site) to express-pouchdb on LevelDB, a database per site,
#     evidence as separate documents with attachments, keep-alive on. Its
#     packages come from npm at the versions in tests/bench/couchdb/package-lock.json
#     (`npm ci`, once; needs node and npm: apt-get install nodejs npm).
# Both sides carry the same answers (`dspt_sync_bench answers` prints them) and
# files of the same size of random bytes. Wire bytes are counted at the
# server's side of each connection on the peer, and by a TCP relay on
# dsptsync's side: headers and bodies as sent, both ways. The peer runs with
# its own settings, untuned.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/bench/compare_couchdb.sh BUILD_DIR [--sites S] [--rounds R] [--files K] [--file-bytes B] [--concurrency C]}
shift
case $build in /*) ;; *) build="$PWD/$build" ;; esac
sites=50 rounds=5 files=3 file_bytes=262144 concurrency=8
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "compare_couchdb: $1 needs a value" >&2; exit 2; }
  case $1 in
    --sites) sites=$2 ;;
    --rounds) rounds=$2 ;;
    --files) files=$2 ;;
    --file-bytes) file_bytes=$2 ;;
    --concurrency) concurrency=$2 ;;
    *) echo "compare_couchdb: unknown flag $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ "$rounds" -ge 1 ] || { echo "compare_couchdb: --rounds must be at least 1" >&2; exit 2; }
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "compare_couchdb: needs $tool (apt-get install nodejs npm)" >&2; exit 2; }
done
bench_bin="$build/tests/bench/dspt_sync_bench"
[ -x "$bench_bin" ] || { echo "missing $bench_bin: build target dspt_sync_bench" >&2; exit 2; }

peer_dir=tests/bench/couchdb
if [ ! -f "$peer_dir/node_modules/.package-lock.json" ] ||
   [ "$peer_dir/package-lock.json" -nt "$peer_dir/node_modules/.package-lock.json" ]; then
  echo "# installing the peer's packages (npm ci, versions from package-lock.json)" >&2
  timeout 600 npm ci --prefix "$peer_dir" --no-audit --no-fund --loglevel=error >&2
fi

work=$(mktemp -d /tmp/dspt-compare.XXXXXX)
peer_pid=""
cleanup() {
  if [ -n "$peer_pid" ] && kill -0 "$peer_pid" 2>/dev/null; then
    kill "$peer_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$peer_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$peer_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

workload=(--sites "$sites" --rounds "$rounds" --files "$files" --file-bytes "$file_bytes"
          --concurrency "$concurrency")
"$bench_bin" answers "${workload[@]}" >"$work/answers.json"

echo "# dsptsync: tests/bench/sync_bench.sh ${workload[*]}"
tests/bench/sync_bench.sh "$build" "${workload[@]}" --throughput-sites 1 --throughput-answers 1 \
  --incremental-runs 1 --upload-bytes 1 | tee "$work/dspt.txt"

echo "# the peer: PouchDB -> express-pouchdb"
mkdir -p "$work/peer-server" "$work/peer-clients"
node "$peer_dir/peer_server.js" "$work/peer-server" >"$work/peer-server.out" 2>"$work/peer-server.err" &
peer_pid=$!
for _ in $(seq 300); do
  grep -q '^listening' "$work/peer-server.out" 2>/dev/null && break
  kill -0 "$peer_pid" 2>/dev/null || break
  sleep 0.1
done
read -r _ peer_port stats_port < <(grep '^listening' "$work/peer-server.out" || true)
if [ -z "${peer_port:-}" ]; then
  echo "the peer's server did not start within 30 s:" >&2
  cat "$work/peer-server.err" >&2
  exit 1
fi
timeout 1800 node "$peer_dir/peer_clients.js" --port "$peer_port" --stats-port "$stats_port" \
  --work "$work/peer-clients" --answers "$work/answers.json" "${workload[@]}" |
  tee "$work/peer.txt"

# The figures of one side: first push, each round's time, wire bytes and requests.
summary() {
  awk -v sites="$sites" -v rounds="$rounds" -F': ' '
    function num(s) { split(s, parts, " "); return parts[1] + 0 }
    $1 == "first push" { first = num($2) }
    $1 ~ /^round [0-9]+$/ { t = num($2); time += t; if (min == "" || t < min) min = t; if (t > max) max = t }
    $1 ~ /^round [0-9]+ wire bytes$/ { bytes += num($2) }
    $1 ~ /^round [0-9]+ HTTP requests$/ { requests += num($2) }
    END {
      printf "%s %s %s %s %s %s\n", first, min, max, first + time,
        bytes / sites / rounds, requests / sites / rounds
    }' "$1"
}
read -r d_first d_min d_max d_total d_bytes d_requests < <(summary "$work/dspt.txt")
read -r p_first p_min p_max p_total p_bytes p_requests < <(summary "$work/peer.txt")
single=$(sed -n 's/^wire bytes for a single changed answer (one sync): \([0-9.]*\).*/\1/p' "$work/dspt.txt")

echo
echo "# $sites sites, $rounds rounds, $files x $file_bytes-byte evidence files per site, $concurrency at a time; $(nproc) CPUs, both sides on loopback"
printf '%-46s %14s %14s %8s\n' "figure" "CouchDB-style" "dsptsync" "ratio"
row() {  # name, peer value, dsptsync value, unit
  awk -v n="$1" -v p="$2" -v d="$3" -v u="$4" 'BEGIN {
    ratio = (d > 0) ? sprintf("%.1fx", p / d) : "-"
    printf "%-46s %14s %14s %8s\n", n, sprintf("%.0f %s", p, u), sprintf("%.0f %s", d, u), ratio }'
}
row "first push of all sites" "$p_first" "$d_first" ms
row "one round (fastest)" "$p_min" "$d_min" ms
row "one round (slowest)" "$p_max" "$d_max" ms
row "whole run, first push + $rounds rounds" "$p_total" "$d_total" ms
row "bytes on the wire per site per round" "$p_bytes" "$d_bytes" B
awk -v p="$p_requests" -v d="$d_requests" 'BEGIN {
  printf "%-46s %14.1f %14.1f %7.1fx\n", "HTTP requests per site per round", p, d, (d > 0) ? p / d : 0 }'
echo "dsptsync, bytes for one changed answer, one whole sync: ${single:-?} B"
