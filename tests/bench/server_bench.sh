#!/usr/bin/env bash
# Server benchmarks. Prints figures; asserts nothing.
#
#   tests/bench/server_bench.sh [BUILD_DIR]     (default: build/test, must be built)
#
# Needs BUILD_DIR/server/dspt-server, BUILD_DIR/client/dspt and
# BUILD_DIR/tests/bench/dspt_server_bench. Starts a server on 127.0.0.1 with a
# temporary data directory, enrols one device, then measures:
#   - signed GET /v1/whoami on 8 keep-alive connections for 10 s: requests per
#     second and p50/p99/max latency;
#   - the same GET /v1/whoami MACed in a request session (one per connection,
#     opened with one signed request), likewise;
#   - the server's VmRSS (/proc/PID/status) before, while and after 1,000
#     keep-alive connections sit idle, each having made one signed request.
# Tunable through the environment: LOAD_CONNECTIONS, LOAD_SECONDS,
# IDLE_CONNECTIONS, IDLE_HOLD_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/test}
server_bin="$PWD/$build/server/dspt-server"
client_bin="$PWD/$build/client/dspt"
bench_bin="$PWD/$build/tests/bench/dspt_server_bench"
for bin in "$server_bin" "$client_bin" "$bench_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build targets dspt, dspt-server, dspt_server_bench" >&2; exit 2; }
done
load_connections=${LOAD_CONNECTIONS:-8}
load_seconds=${LOAD_SECONDS:-10}
idle_connections=${IDLE_CONNECTIONS:-1000}
idle_hold=${IDLE_HOLD_SECONDS:-15}

# 1,000 sockets on each side, plus the server's own files.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  ulimit -n 4096
fi

work=$(mktemp -d /tmp/dspt-server-bench.XXXXXX)
server_pid=""
bench_pid=""
cleanup() {
  for pid in $bench_pid $server_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export DSPT_PASSPHRASE="benchmark passphrase"

# Waits (at most $2 seconds) until file $1 has a line matching $3.
wait_for_line() {
  local file=$1 seconds=$2 pattern=$3
  for _ in $(seq $((seconds * 10))); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
threads_of() { awk '/^Threads:/ {print $2}' "/proc/$server_pid/status"; }
open_sessions() {
  curl -s --max-time 5 "http://127.0.0.1:$port/metrics" |
    awk '/^dspt_http_open_sessions/ {print $2; exit}' || true
}

# Every connection comes from 127.0.0.1, as from behind a proxy: the per-address
# limit is raised so the idle connections are all taken.
"$server_bin" serve --data "$work/server" --listen 127.0.0.1:0 \
  --max-connections-per-address "$((idle_connections + load_connections + 16))" \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
if ! wait_for_line "$work/server.out" 30 "listening on"; then
  echo "dspt-server did not start within 30 s:" >&2
  cat "$work/server.err" >&2
  exit 1
fi
port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/server.out" | head -1)
[ -n "$port" ] || { echo "no port in: $(cat "$work/server.out")" >&2; exit 1; }

admin() { timeout 60 "$server_bin" admin --data "$work/server" "$@"; }
admin create-org --ods AB1 --name "Bench Care" >/dev/null
admin add-site --org AB1 --ods VA001 --cqc 1-100000001 --name "Bench Home" >/dev/null
code=$(admin enrol-code --org AB1 --site VA001 --json |
  sed -n 's/.*"code": *"\([^"]*\)".*/\1/p')
[ -n "$code" ] || { echo "no enrolment code from the admin command" >&2; exit 1; }
timeout 60 "$client_bin" --home "$work/client" init --name "Bench Home" >/dev/null
timeout 60 "$client_bin" --home "$work/client" enrol --server "http://127.0.0.1:$port" \
  --code "$code" >/dev/null

rss_start=$(rss_kib)
threads_start=$(threads_of)

# 1. Throughput and latency.
timeout $((load_seconds + 90)) "$bench_bin" load --home "$work/client" --port "$port" \
  --connections "$load_connections" --seconds "$load_seconds" >"$work/load.out" 2>&1 &&
  load_status=0 || load_status=$?
timeout $((load_seconds + 90)) "$bench_bin" load --home "$work/client" --port "$port" \
  --connections "$load_connections" --seconds "$load_seconds" --auth session \
  >"$work/session.out" 2>&1 && session_status=0 || session_status=$?
field() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
rss_after_load=$(rss_kib)

# 2. Memory with idle connections.
sleep 1
rss_before_idle=$(rss_kib)
timeout $((idle_hold + 400)) "$bench_bin" idle --home "$work/client" --port "$port" \
  --connections "$idle_connections" --hold-seconds "$idle_hold" >"$work/idle.out" 2>&1 &
bench_pid=$!
rss_idle_samples=()
sessions_idle=""
threads_idle=""
if wait_for_line "$work/idle.out" 330 "^ready"; then
  # Sample through the hold, leaving its last 2 s alone.
  samples=$(( idle_hold > 4 ? (idle_hold - 2) / 2 : 1 ))
  for i in $(seq "$samples"); do
    sleep 1
    rss_idle_samples+=("$(rss_kib)")
    if [ "$i" -eq 1 ]; then
      sessions_idle=$(open_sessions)
      threads_idle=$(threads_of)
    fi
    sleep 1
  done
fi
wait "$bench_pid" && idle_status=0 || idle_status=$?
bench_pid=""
sleep 2
rss_after_idle=$(rss_kib)
sessions_after=$(open_sessions)
rss_idle_max=$(printf '%s\n' "${rss_idle_samples[@]:-0}" | sort -n | tail -1)
rss_idle_last=0
[ "${#rss_idle_samples[@]}" -eq 0 ] || rss_idle_last=${rss_idle_samples[${#rss_idle_samples[@]} - 1]}

echo "dspt-server benchmark ($(nproc) CPUs, loopback, plain HTTP, server threads: $threads_start)"
echo
# The figures of one load run: $1 its title, $2 its output, $3 its exit status.
print_load() {
  local title=$1 out=$2 status=$3
  echo "$title"
  if [ -n "$(field requests_ok "$out")" ]; then
    printf '   requests ok   %s in %s s (%s errors, %s reconnects after Connection: close or failure)\n' \
      "$(field requests_ok "$out")" "$(field seconds "$out")" \
      "$(field errors "$out")" "$(field reconnects "$out")"
    printf '   throughput    %s requests/s\n' "$(field rps "$out")"
    printf '   latency       p50 %s ms, p99 %s ms, max %s ms\n' "$(field p50_ms "$out")" \
      "$(field p99_ms "$out")" "$(field max_ms "$out")"
  fi
  grep -E '^ *error:|dspt_server_bench:' "$out" | sed 's/^ */   /' || true
  [ "$status" -eq 0 ] || echo "   (bench exit status $status)"
}
print_load "1. signed GET /v1/whoami, $load_connections keep-alive connections, ${load_seconds} s" \
  "$work/load.out" "$load_status"
echo
print_load "1b. GET /v1/whoami MACed in a request session, $load_connections keep-alive connections, ${load_seconds} s" \
  "$work/session.out" "$session_status"
echo
echo "2. server memory (VmRSS), $idle_connections idle keep-alive connections held ${idle_hold} s"
printf '   at start                  %8s KiB\n' "$rss_start"
printf '   after the load test       %8s KiB\n' "$rss_after_load"
printf '   before opening            %8s KiB\n' "$rss_before_idle"
printf '   while held (max / last)   %8s / %s KiB  (%s samples; open sessions per /metrics, its own request included: %s)\n' \
  "$rss_idle_max" "$rss_idle_last" "${#rss_idle_samples[@]}" "${sessions_idle:-?}"
printf '   after closing (+2 s)      %8s KiB  (open sessions, likewise: %s)\n' "$rss_after_idle" \
  "${sessions_after:-?}"
if [ "${#rss_idle_samples[@]}" -gt 0 ]; then
  delta=$((rss_idle_max - rss_before_idle))
  printf '   growth while held         %8s KiB, about %s bytes per connection\n' "$delta" \
    "$((delta * 1024 / idle_connections))"
fi
printf '   server threads            %s at start, %s while held\n' "$threads_start" "${threads_idle:-?}"
sed 's/^/   bench: /' "$work/idle.out"
[ "$idle_status" -eq 0 ] || echo "   (bench exit status $idle_status)"
