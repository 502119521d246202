#!/usr/bin/env bash
# The deadline load: every site syncing its whole assessment at once. Prints figures;
# asserts nothing.
#
#   tests/bench/deadline_bench.sh BUILD_DIR [--sites S] [--concurrency C]
#                                 [--setups "sqlite pg pg2"] [--enrol-concurrency E]
#                                 [--evidence-bytes B] [--old-requests]
#
# S sites (30,000), each a single-site provider with one device that makes its first
# sync: 45 answers and a 100 KB evidence file (B bytes with --evidence-bytes), in the 3 requests of dspt sync (two
# sync exchanges and the chunk, in a request session), or with --old-requests the 8
# of the client before sync exchanges (dspt_deadline_bench, in
# tests/bench/deadline_bench.cpp, says which requests), C devices at a time (16),
# against each setup named:
#   sqlite  one dspt-server on the embedded store
#   pg      one dspt-server on PostgreSQL
#   pg2     two dspt-servers on one PostgreSQL database behind HAProxy
# PostgreSQL is a throwaway cluster (deploy/pg-cluster.sh) with fsync,
# full_page_writes and synchronous_commit turned back on, as in production.
# Registering the organisations (admin import-sites), making the enrolment codes
# and enrolling the devices (through the protocol, E at a time) is setup and is not
# measured. For each setup it prints the time to absorb the load, changes and
# requests per second, p50/p99 latency, and the database's size; then a table.
# A full run stores S x 100 KB of evidence per setup (3 GB at 30,000): mind df -h /tmp.
#
# Needs BUILD_DIR/server/dspt-server and BUILD_DIR/tests/bench/dspt_deadline_bench,
# and haproxy for pg2.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/bench/deadline_bench.sh BUILD_DIR [--sites S] [--concurrency C] [--setups LIST]}
shift
case $build in /*) ;; *) build="$PWD/$build" ;; esac
sites=30000
concurrency=16
enrol_concurrency=16
setups="sqlite pg pg2"
evidence_bytes=100000
old_requests=()
while [ $# -gt 0 ]; do
  if [ "$1" = --old-requests ]; then
    old_requests=(--old-requests)
    shift
    continue
  fi
  [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
  case $1 in
    --sites) sites=$2 ;;
    --concurrency) concurrency=$2 ;;
    --enrol-concurrency) enrol_concurrency=$2 ;;
    --evidence-bytes) evidence_bytes=$2 ;;
    --setups) setups=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
server_bin="$build/server/dspt-server"
bench_bin="$build/tests/bench/dspt_deadline_bench"
for bin in "$server_bin" "$bench_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build targets dspt-server, dspt_deadline_bench" >&2; exit 2; }
done
for setup in $setups; do
  case $setup in sqlite | pg | pg2) ;; *) echo "unknown setup $setup" >&2; exit 2 ;; esac
done

work=$(mktemp -d /tmp/dspt-deadline-bench.XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  [ ! -d "$work/pg" ] || deploy/pg-cluster.sh remove "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  ulimit -n 4096
fi

echo "# deadline_bench: $sites sites, concurrency $concurrency, $(nproc) CPUs;" \
  "free in /tmp before: $(df -h --output=avail /tmp | tail -1 | tr -d ' ')"
"$bench_bin" registry --sites "$sites" >"$work/registry.csv"

# Starts `dspt-server serve` with the store flags given; sets $started_port.
start_server() {
  local name=$1
  shift
  "$server_bin" serve "$@" --listen 127.0.0.1:0 --max-connections-per-address 10000 \
    >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 300); do
    grep -q "listening on" "$work/$name.out" 2>/dev/null && break
    sleep 0.1
  done
  local port
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/$name.out" | head -1)
  [ -n "$port" ] || { echo "dspt-server did not start within 30 s:" >&2; cat "$work/$name.err" >&2; exit 1; }
  started_port=$port
}

stop_servers() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}

# HAProxy on a free port in front of the ports given, as deploy/production/haproxy.cfg
# (without TLS); sets $started_port.
start_haproxy() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  {
    printf 'global\n    maxconn 1000\ndefaults\n    mode http\n    timeout connect 5s\n'
    printf '    timeout client 120s\n    timeout server 120s\n    timeout http-request 30s\n'
    printf '    retries 2\n    retry-on conn-failure\n    option redispatch 1\n'
    printf 'frontend devices\n    bind 127.0.0.1:%s\n    default_backend servers\n' "$port"
    printf 'backend servers\n    balance leastconn\n    option httpchk\n'
    printf '    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host dspt\n'
    printf '    default-server check inter 2s fall 2 rise 2\n'
    local n=0
    for backend in "$@"; do
      n=$((n + 1))
      printf '    server s%s 127.0.0.1:%s\n' "$n" "$backend"
    done
  } >"$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.out" 2>&1 &
  pids+=($!)
  local up=no
  for _ in $(seq 100); do
    curl -sf --max-time 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && { up=yes; break; }
    sleep 0.1
  done
  [ "$up" = yes ] || { echo "haproxy did not start within 10 s:" >&2; cat "$work/haproxy.out" >&2; exit 1; }
  started_port=$port
}

pg_location=""
# A new database in the throwaway cluster; sets $pg_store to its location.
pg_database() {
  if [ -z "$pg_location" ]; then
    pg_location=$(deploy/pg-cluster.sh start "$work/pg")
    psql -q "$pg_location" -c "ALTER SYSTEM SET fsync = on" \
      -c "ALTER SYSTEM SET full_page_writes = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
      -c "SELECT pg_reload_conf()" >/dev/null
  fi
  psql -q "$pg_location" -c "CREATE DATABASE $1" >/dev/null
  pg_store="postgresql:///$1?host=$work/pg&user=dspt"
}

declare -A row
run_setup() {
  local setup=$1 store_flags=() url
  case $setup in
    sqlite) store_flags=(--data "$work/sqlite") ;;
    pg | pg2)
      pg_database "deadline_$setup"
      store_flags=(--store "$pg_store")
      ;;
  esac
  echo
  echo "== $setup"
  local setup_start=$SECONDS
  timeout 600 "$server_bin" admin "${store_flags[@]}" --create import-sites "$work/registry.csv" >/dev/null
  timeout 1800 "$bench_bin" codes "${store_flags[@]}" --sites "$sites" >"$work/codes-$setup.txt"
  start_server "$setup-1" "${store_flags[@]}"
  local port=$started_port
  url="http://127.0.0.1:$port"
  if [ "$setup" = pg2 ]; then
    start_server "$setup-2" "${store_flags[@]}"
    start_haproxy "$port" "$started_port"
    url="http://127.0.0.1:$started_port"
  fi
  echo "# registry and codes: $((SECONDS - setup_start)) s"
  local status=0
  timeout 7200 "$bench_bin" run --url "$url" --codes "$work/codes-$setup.txt" --sites "$sites" \
    --concurrency "$concurrency" --enrol-concurrency "$enrol_concurrency" --evidence-bytes "$evidence_bytes" \
    "${old_requests[@]}" \
    | tee "$work/$setup.figures" || status=$?
  [ "$status" -eq 0 ] || echo "# (bench exit status $status)"
  stop_servers
  local size
  if [ "$setup" = sqlite ]; then
    size=$(du -sh "$work/sqlite" | cut -f1)
  else
    size=$(psql -Atq "${store_flags[1]}" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
  fi
  echo "database size: $size"
  field() { sed -n "s/^$1: \([0-9.]*\).*/\1/p" "$work/$setup.figures"; }
  local latency
  latency=$(sed -n 's/^latency all requests ([0-9]*): p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2/p' \
    "$work/$setup.figures")
  row[$setup]=$(printf '%-7s %9s %11s %11s %8s %8s %9s %7s' "$setup" \
    "$(field 'time to absorb the load')" "$(field 'changes per second')" \
    "$(field 'requests per second')" "${latency% *}" "${latency#* }" "$size" "$(field errors)")
  # The evidence of this setup is not needed by the next.
  [ "$setup" != sqlite ] || rm -rf "$work/sqlite"
}

for setup in $setups; do
  run_setup "$setup"
done
echo
requests="3 requests as dspt sync"
[ ${#old_requests[@]} -eq 0 ] || requests="the 8 requests of the client before sync exchanges"
echo "# $sites sites x (45 answers + a $evidence_bytes-byte file), concurrency $concurrency, $requests"
printf '%-7s %9s %11s %11s %8s %8s %9s %7s\n' setup "absorb s" changes/s requests/s "p50 ms" \
  "p99 ms" "db size" errors
for setup in $setups; do
  echo "${row[$setup]}"
done
