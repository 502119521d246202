#!/usr/bin/env bash
# Sync benchmark. Prints figures, one a line as `name: value unit`; asserts nothing.
#
#   tests/bench/sync_bench.sh BUILD_DIR [flags]     (BUILD_DIR relative to the repository, or absolute)
#
# Needs BUILD_DIR/server/dspt-server and BUILD_DIR/tests/bench/dspt_sync_bench.
# Starts one real dspt-server on 127.0.0.1 with a temporary data directory,
# registers the sites the flags ask for (`admin import-sites`), makes an
# enrolment code for each workload site and one for a headquarters device, runs
# dspt_sync_bench (the clients, in-process) and stops the server.
#
# Flags go to dspt_sync_bench (see tests/bench/sync_bench.cpp): --sites S
# --rounds R --files K --file-bytes B --concurrency C --throughput-sites N
# --throughput-answers A --throughput-connections T --throughput-protocol sync|push
# --incremental-runs I --upload-bytes U --upload-lanes L.
# DSPT_SERVER_THREADS=N in the environment runs the server with --threads N
# (default: one per core).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/bench/sync_bench.sh BUILD_DIR [flags]}
shift
case $build in /*) ;; *) build="$PWD/$build" ;; esac
server_bin="$build/server/dspt-server"
bench_bin="$build/tests/bench/dspt_sync_bench"
for bin in "$server_bin" "$bench_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build targets dspt-server, dspt_sync_bench" >&2; exit 2; }
done

work=$(mktemp -d /tmp/dspt-sync-bench.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The registry first: the bench program knows which sites its flags need.
"$bench_bin" registry "$@" >"$work/registry.csv"
admin() { timeout 60 "$server_bin" admin --data "$work/server" --create "$@"; }
admin import-sites "$work/registry.csv" >/dev/null
code_of() { sed -n 's/.*"code": *"\([^"]*\)".*/\1/p'; }
awk -F, 'NR > 1 && $3 == "no" {print $1}' "$work/registry.csv" | while read -r ods; do
  echo "$ods $(admin enrol-code --org "$ods" --site "$ods" --json | code_of)"
done >"$work/codes.txt"
hq=$(awk -F, 'NR > 1 && $3 == "yes" {print $1; exit}' "$work/registry.csv")
hq_code=$(admin enrol-code --org "$hq" --json | code_of)
[ -n "$hq_code" ] || { echo "no enrolment code from the admin command" >&2; exit 1; }

"$server_bin" serve --data "$work/server" --listen 127.0.0.1:0 \
  ${DSPT_SERVER_THREADS:+--threads "$DSPT_SERVER_THREADS"} \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 300); do
  grep -q "listening on" "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/server.out" | head -1)
if [ -z "$port" ]; then
  echo "dspt-server did not start within 30 s:" >&2
  cat "$work/server.err" >&2
  exit 1
fi

status=0
timeout 1800 "$bench_bin" run --port "$port" --codes "$work/codes.txt" --hq-code "$hq_code" \
  --work "$work/clients" "$@" || status=$?
echo "# server: $(grep -c . "$work/server.err" || true) access log lines, data directory" \
  "$(du -sm "$work/server" | cut -f1) MB"
exit "$status"
