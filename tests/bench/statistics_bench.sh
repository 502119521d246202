#!/usr/bin/env bash
# The public statistics with 30,000 organisations: counted in-process on the embedded
# store (dspt_statistics_bench), then asked of a running dspt-server over HTTP on
# 127.0.0.1, as the public asks for them. Prints figures; asserts nothing.
#
#   tests/bench/statistics_bench.sh BUILD_DIR [--organisations N] [--requests K] [--cold C]
#
# N organisations (30,000; see tests/bench/statistics_bench.cpp for the store built).
# The server keeps counted statistics for 10 s (publish::StatisticsCache), so first C
# (3) requests for GET /api/v1/statistics are made 11 s apart, each counted afresh;
# then each of GET /api/v1/statistics, /api/v1/statistics.csv, /statistics and / (the
# register's front page, which shows the statistics too) is asked K times (30) after
# one untimed request, one at a time, as a burst of visitors would (mostly served
# from what was counted). Each request is timed by curl from its first byte sent to
# its last received; the median, p95 and max are printed.
#
# Needs BUILD_DIR/server/dspt-server, BUILD_DIR/tests/bench/dspt_statistics_bench, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/bench/statistics_bench.sh BUILD_DIR [--organisations N] [--requests K]}
shift
case $build in /*) ;; *) build="$PWD/$build" ;; esac
organisations=30000
requests=30
cold=3
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
  case $1 in
    --organisations) organisations=$2 ;;
    --requests) requests=$2 ;;
    --cold) cold=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
server_bin="$build/server/dspt-server"
bench_bin="$build/tests/bench/dspt_statistics_bench"
for bin in "$server_bin" "$bench_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build dspt-server and dspt_statistics_bench" >&2; exit 2; }
done

work=$(mktemp -d /tmp/dspt-statistics-bench.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== in-process, embedded store, $organisations organisations"
"$bench_bin" --organisations "$organisations" --work "$work/server"

# The per-address limit of the public routes is lifted: every request comes from here.
"$server_bin" serve --data "$work/server" --listen 127.0.0.1:0 --public-rate 0 \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 300); do
  grep -q "listening on" "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/server.out" | head -1)
[ -n "$port" ] || { echo "dspt-server did not start: $(cat "$work/server.err")" >&2; exit 1; }

summary() {
  sort -n | awk -v name="$1" '
    { t[NR] = $1 * 1000 }
    END {
      printf "%s median: %.1f ms\n", name, t[int((NR + 1) / 2)]
      p = int(NR * 0.95); if (p < 1) p = 1
      printf "%s p95: %.1f ms\n", name, t[p]
      printf "%s max: %.1f ms\n", name, t[NR]
    }'
}

echo "== over HTTP from dspt-server on 127.0.0.1, counted afresh"
for _ in $(seq "$cold"); do
  sleep 11
  curl -s -o /dev/null -w '%{time_total}\n' --max-time 10 \
    "http://127.0.0.1:$port/api/v1/statistics?year=2025-26"
done | summary "GET /api/v1/statistics?year=2025-26 counted"

echo "== over HTTP from dspt-server on 127.0.0.1, a burst"
for target in "/api/v1/statistics?year=2025-26" "/api/v1/statistics.csv?year=2025-26" \
              "/statistics?year=2025-26" "/"; do
  url="http://127.0.0.1:$port$target"
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$url")
  [ "$status" = 200 ] || { echo "GET $target answered $status" >&2; exit 1; }
  for _ in $(seq "$requests"); do
    curl -s -o /dev/null -w '%{time_total}\n' --max-time 10 "$url"
  done | summary "GET $target"
done
