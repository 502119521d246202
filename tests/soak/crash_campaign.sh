#!/usr/bin/env bash
# A crash campaign with the real binaries, not run by CI: two branch devices of
# one site and a headquarters device write answers and evidence files, while
# `kill -9` strikes the server and the clients at random moments of their
# syncs and publishes. Then the network heals, every device syncs until
# nothing waits, and the campaign checks:
#   - PRAGMA integrity_check is "ok" on every store and on the server's;
#   - every device shows the same value, or the same conflict, for every item written;
#   - every evidence file is byte-identical on every device;
#   - nothing waits to be sent.
#
#   tests/soak/crash_campaign.sh [BUILD_DIR] [KILLS] [SEED]
#
# BUILD_DIR defaults to build/test; KILLS (default 100) is the number of
# kill -9 to deal; SEED (default: the time) makes the schedule repeatable.
# Prints a line per kill, then the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build/test}
kills=${2:-100}
seed=${3:-$(date +%s)}
client="$PWD/$build/client/dspt"
server="$PWD/$build/server/dspt-server"
[ -x "$client" ] && [ -x "$server" ] || { echo "build $build first (dspt, dspt-server)" >&2; exit 2; }
RANDOM=$seed

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { disown "$server_pid" 2>/dev/null; kill -9 "$server_pid" 2>/dev/null; } || true
  rm -rf "$work"
}
trap cleanup EXIT
export DSPT_PASSPHRASE="crash campaign passphrase"
data="$work/server"
port=""

start_server() {
  local listen=${port:-0}
  "$server" serve --data "$data" --listen "127.0.0.1:$listen" >"$work/server.out" 2>>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    if grep -q "listening on" "$work/server.out" 2>/dev/null; then
      port=$(grep -o '127.0.0.1:[0-9]*' "$work/server.out" | tail -1 | cut -d: -f2)
      : >"$work/server.out"
      return 0
    fi
    sleep 0.1
  done
  echo "the server did not start" >&2; cat "$work/server.err" >&2; exit 1
}

admin() { "$server" admin --data "$data" --create "$@"; }
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
dspt() { local home=$1; shift; "$client" --home "$work/$home" "$@"; }

admin create-org --ods AB1 --name "Acorn Homecare" --hq >/dev/null
admin add-site --org AB1 --ods VA001 --cqc 1-100000001 --name "Acorn Leeds" >/dev/null
start_server
url="http://127.0.0.1:$port"

dspt hq init --name "Acorn Homecare" >/dev/null
dspt hq enrol --server "$url" --code "$(admin enrol-code --org AB1 --json | field code)" >/dev/null
for device in b1 b2; do
  dspt $device init --name "Acorn Leeds" >/dev/null
  code=$(dspt hq invite --site VA001 --json | field code)
  dspt $device enrol --server "$url" --code "$code" >/dev/null
done
dspt hq sync >/dev/null

devices=(b1 b2 hq)
view() { [ "$1" = hq ] && echo "--site VA001" || true; }
items=(1.1.1 1.1.5 1.3.6 2.1.1 1.1.6 1.3.1)
client_kills=0; server_kills=0; writes=0; files=0

write_something() {
  local device=$1 item=${items[$((RANDOM % ${#items[@]}))]}
  case $item in
    2.1.1|1.1.6|1.3.1) value=$([ $((RANDOM % 2)) = 0 ] && echo yes || echo no) ;;
    *) value="$device-$RANDOM" ;;
  esac
  # An item in conflict is refused a plain answer: resolve it instead.
  if dspt $device answer "$item" "$value" $(view $device) >/dev/null 2>&1 ||
     dspt $device resolve "$item" --value "$value" $(view $device) >/dev/null 2>&1; then
    writes=$((writes + 1))
  fi
  if [ $((RANDOM % 4)) = 0 ]; then
    local file="$work/$device-file-$RANDOM.bin"
    head -c $((200000 + RANDOM * 40)) /dev/urandom >"$file"
    if dspt $device evidence add 1.1.2 "$file" $(view $device) >/dev/null 2>&1; then
      files=$((files + 1))
    fi
  fi
}

for kill in $(seq 1 "$kills"); do
  device=${devices[$((RANDOM % 3))]}
  write_something "$device"
  after_ms=$((RANDOM % 800))
  if [ $((RANDOM % 3)) = 0 ]; then
    # The server dies under a sync.
    dspt $device sync --attempts 1 >/dev/null 2>&1 &
    syncing=$!
    sleep "$(printf '0.%03d' "$after_ms")"
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    wait "$syncing" 2>/dev/null || true
    server_kills=$((server_kills + 1))
    start_server
    echo "kill $kill: server during $device's sync after ${after_ms} ms"
  else
    dspt $device sync --attempts 1 >/dev/null 2>&1 &
    syncing=$!
    sleep "$(printf '0.%03d' "$after_ms")"
    kill -9 "$syncing" 2>/dev/null || true
    wait "$syncing" 2>/dev/null || true
    client_kills=$((client_kills + 1))
    echo "kill $kill: $device during its sync after ${after_ms} ms"
  fi
done

# Heal: every device syncs until nothing waits, two full rounds.
for round in 1 2 3; do
  for device in "${devices[@]}"; do
    dspt $device sync --retry-delay 50 >/dev/null 2>"$work/sync.err" || {
      echo "heal round $round: $device's sync failed: $(cat "$work/sync.err")"; }
  done
done

failures=0
check() { if ! eval "$2"; then echo "FAILED: $1"; failures=$((failures + 1)); fi; }
for device in "${devices[@]}"; do
  check "$device store integrity" "[ \"\$(sqlite3 '$work/$device/store.db' 'PRAGMA integrity_check')\" = ok ]"
  check "$device has nothing waiting" "[ \"\$(dspt $device status --json $(view $device) | field pending_changes)\" = 0 ]"
done
check "server store integrity" "[ \"\$(sqlite3 '$data/server.db' 'PRAGMA integrity_check')\" = ok ]"
for item in "${items[@]}"; do
  reference=""
  for device in "${devices[@]}"; do
    shown=$( (dspt $device show "$item" --json $(view $device); dspt $device conflicts --json $(view $device)) \
      | python3 -c '
import json, sys
item = sys.argv[1]
text = sys.stdin.read()
decoder = json.JSONDecoder(); docs = []; i = 0
while i < len(text):
    if text[i].isspace(): i += 1; continue
    doc, i = decoder.raw_decode(text, i); docs.append(doc)
show, conflicts = docs[0], docs[1]
values = sorted((s["value"] or {}).get("value") or "" for c in conflicts if c["register"] == "answer/" + item for s in c["values"])
print(values if values else (show.get("answer") or {}).get("value"))
' "$item")
    if [ -z "$reference" ]; then reference=$shown; fi
    check "$item the same on $device ($shown) as on b1 ($reference)" "[ \"\$shown\" = \"\$reference\" ]"
  done
done
for device in b2 hq; do
  for id in $(dspt b1 evidence list --json | python3 -c 'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)))'); do
    dspt b1 evidence get "$id" "$work/ref.bin" --force >/dev/null
    check "evidence $id on $device" "dspt $device evidence get '$id' '$work/copy.bin' --force $(view $device) >/dev/null && cmp -s '$work/ref.bin' '$work/copy.bin'"
  done
done

echo "seed $seed: $kills kills ($client_kills of a client, $server_kills of the server), $writes answers and $files evidence files written; $failures check(s) failed"
[ "$failures" = 0 ]
