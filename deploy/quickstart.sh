#!/usr/bin/env bash
# Installs the dependencies, builds dsptsync (Release) and shows it at work:
#  1. dspt-server on its embedded SQLite store, a demo provider with a
#     headquarters and two branches, and a device enrolled for each: the
#     headquarters with a code from the server's administrator, the branches
#     with codes the headquarters device makes, which carry the organisation key;
#     then two devices of one branch sync, change the same item offline, and
#     settle the conflict that sync keeps; a branch's evidence file travels
#     sealed to its other device and to headquarters, which also writes
#     organisation-wide answers that every branch receives;
#     headquarters publishes at Standards Met for the branch that is ready, the
#     public search finds it, and its certificate is written to
#     build/quickstart/acorn-homecare-2025-26.pdf; headquarters sees every
#     branch's progress, a support partner it grants access sees levels and
#     counts only, and the dashboard opens in a browser through a one-time
#     login link (run from a terminal, the script prints a fresh link at the
#     end and keeps the server up until Enter);
#  2. a care home manager's offline session with the `dspt` client, from an
#     empty encrypted store to Approaching Standards and then Standards Met;
#  3. the care manager's screen, `dspt ui`, for a branch: refused without its
#     one-time address, showing the overview with it, stopped with Ctrl-C (run
#     from a terminal, the script keeps one open for you until Enter).
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
echo "== building (Release) =="
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSPT_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)"
dspt="$PWD/build/release/client/dspt"
server_bin="$PWD/build/release/server/dspt-server"

demo=$(mktemp -d /tmp/dspt-quickstart.XXXXXX)
server_pid=
ui_pid=
cleanup() {
  if [ -n "$ui_pid" ] && kill -0 "$ui_pid" 2>/dev/null; then
    kill -INT "$ui_pid" 2>/dev/null || true
    wait "$ui_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$demo"
}
trap cleanup EXIT
export DSPT_PASSPHRASE="quickstart demo passphrase" DSPT_USER="Registered manager"

step() { printf '\n== %s ==\n' "$*"; }
show() {  # prints a command as a user would type it
  local shown="$" arg
  for arg in "$@"; do
    case "$arg" in *" "*) shown+=" \"$arg\"" ;; *) shown+=" $arg" ;; esac
  done
  printf '%s\n' "$shown"
}
run() { show dspt "$@"; "$dspt" "$@"; }
# Starts `dspt ui` on $DSPT_HOME's store in the background (ui_pid) and waits,
# bounded, for its one-time address (ui_link).
start_screen() {
  "$dspt" ui --port 0 >"$demo/ui.out" 2>"$demo/ui.err" &
  ui_pid=$!
  for _ in $(seq 1 100); do
    grep -q 'Stop with Ctrl-C' "$demo/ui.out" 2>/dev/null && break
    sleep 0.1
  done
  ui_link=$(grep -o 'http://127.0.0.1:[0-9]*/?token=[0-9a-f]*' "$demo/ui.out")
}
admin() { show dspt-server admin --data "$demo/server" "$@"; "$server_bin" admin --data "$demo/server" "$@"; }
answer_all() {  # answers each listed item in the way its type asks for
  "$dspt" items --missing "$1" | tail -n +2 | while read -r id type _; do
    case "$type" in
      confirm) "$dspt" answer "$id" yes >/dev/null ;;
      text) "$dspt" answer "$id" "See the branch handbook, section $id" >/dev/null ;;
      date) "$dspt" answer "$id" 2025-11-04 >/dev/null ;;
      document) "$dspt" answer "$id" --location "Office cabinet, folder $id" >/dev/null ;;
    esac
  done
}

step "The server on its embedded store (loopback, an ephemeral port)"
show dspt-server serve --data "$demo/server" --listen 127.0.0.1:0
"$server_bin" serve --data "$demo/server" --listen 127.0.0.1:0 >"$demo/server.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 1 300); do  # at most 30 s
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$demo/server.log" || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$demo/server.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start"; cat "$demo/server.log"; exit 1; }
echo "listening on $url"
curl -fsS "$url/healthz" && echo

step "The registry: a provider with a headquarters and two branches"
admin create-org --ods AB1 --name "Acorn Homecare Ltd" --hq
admin add-site --org AB1 --ods VA001 --cqc 1-100000001 --name "Acorn Homecare Leeds"
admin add-site --org AB1 --ods VA002 --cqc 1-100000002 --name "Acorn Homecare York"

step "The headquarters device enrols with a code from the administrator"
code_of() { sed -n 's/.*"code": "\([^"]*\)".*/\1/p' "$demo/code.json"; }
admin enrol-code --org AB1 --json | tee "$demo/code.json"
code=$(code_of)
export DSPT_HOME="$demo/hq"
run init --name "Acorn Homecare head office" --year 2025-26 >/dev/null
run enrol --server "$url" --code "$code"

step "The headquarters invites each branch; the code carries the organisation key"
for site in VA001:Leeds VA002:York; do
  ods=${site%%:*} town=${site#*:}
  DSPT_HOME="$demo/hq" run invite --site "$ods" --json | tee "$demo/code.json"
  code=$(code_of)
  export DSPT_HOME="$demo/$ods"
  run init --name "Acorn Homecare $town" --year 2025-26 >/dev/null
  run enrol --server "$url" --code "$code"
done

step "Who is who, as the server sees it"
DSPT_HOME="$demo/VA001" run whoami
DSPT_HOME="$demo/hq" run org
admin list-devices

step "Roles: the Leeds branch may not read its sister site"
show dspt org AB1
if DSPT_HOME="$demo/VA001" "$dspt" org AB1; then
  echo "a branch read its organisation's other sites"; exit 1
fi

step "Sync: the Leeds branch works offline, then a second Leeds laptop joins"
export DSPT_HOME="$demo/VA001"
run answer 1.1.1 ZA123456 --comment "Renewed in May"
run answer 2.1.1 yes
run sync
run invite --site VA001 --json | tee "$demo/code.json"
code=$(code_of)
export DSPT_HOME="$demo/VA001-laptop"
run init --name "Acorn Homecare Leeds" --year 2025-26 >/dev/null
run enrol --server "$url" --code "$code" --name "Leeds office laptop"
run sync
run show 1.1.1

step "Both Leeds devices change the same item offline; sync keeps both values"
DSPT_HOME="$demo/VA001" run answer 1.1.1 ZA654321 --comment "New certificate"
DSPT_HOME="$demo/VA001-laptop" run answer 1.1.1 ZA999999 --comment "Typed from the letter"
DSPT_HOME="$demo/VA001" run sync
DSPT_HOME="$demo/VA001-laptop" run sync
DSPT_HOME="$demo/VA001" run sync
DSPT_HOME="$demo/VA001" run conflicts
keep=$(DSPT_HOME="$demo/VA001" "$dspt" conflicts --json |
  sed -n 's/.*"replica_id": "\([^"]*\)".*/\1/p' | head -n 1)
DSPT_HOME="$demo/VA001" run resolve 1.1.1 --keep "${keep:0:8}"
DSPT_HOME="$demo/VA001" run sync
DSPT_HOME="$demo/VA001-laptop" run sync
DSPT_HOME="$demo/VA001-laptop" run status

step "Evidence: Leeds adds its fire policy; the file travels sealed, in 1 MiB chunks"
export DSPT_HOME="$demo/VA001"
{ yes "Acorn Leeds fire safety policy: evacuation, drills, alarms and named wardens." || true; } |
  head -c 2500000 >"$demo/fire-policy.pdf"
run evidence add 1.1.2 "$demo/fire-policy.pdf"
run status
run sync
DSPT_HOME="$demo/VA001-laptop" run sync
DSPT_HOME="$demo/VA001-laptop" run evidence list

step "Headquarters: its own organisation-wide answers and the Leeds branch's assessment"
export DSPT_HOME="$demo/hq"
run answer 1.1.6 yes --comment "One policy for every branch"
run sync
run evidence list --site VA001
id=$("$dspt" evidence list --site VA001 --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -n 1)
run evidence get "$id" "$demo/hq-copy.pdf" --site VA001
cmp "$demo/fire-policy.pdf" "$demo/hq-copy.pdf" && echo "byte for byte the file Leeds added"
run show 1.1.1 --site VA001
DSPT_HOME="$demo/VA002" run sync
DSPT_HOME="$demo/VA002" run show 1.1.6
if DSPT_HOME="$demo/VA002" "$dspt" evidence list --site VA001 2>/dev/null; then
  echo "the York branch reached Leeds' evidence"; exit 1
fi
if cat "$demo/server"/server.db* | grep -a -q "fire safety policy"; then
  echo "the server holds readable evidence"; exit 1
fi
echo "grep finds none of the file's words on the server: it holds sealed chunks only"

step "Publishing: headquarters publishes at Standards Met for the branches that are ready"
export DSPT_HOME="$demo/hq"
echo "(headquarters answers, for the whole organisation, every item Standards Met needs)"
answer_all met
echo "(York records on its own that two new carers have not yet had data security in their induction)"
DSPT_HOME="$demo/VA002" run answer 2.1.1 no --comment "Two new carers start induction next week"
DSPT_HOME="$demo/VA002" run sync >/dev/null
show dspt publish --level met --sites VA001,VA002
if "$dspt" publish --level met --sites VA001,VA002; then
  echo "York was published without reaching Standards Met"; exit 1
fi
run publish --level met --sites VA001
run publications

step "What the public sees: the search, and the certificate"
show curl "$url/api/v1/organisations?q=acorn"
curl -fsS "$url/api/v1/organisations?q=acorn"; echo
show curl "$url/api/v1/organisations.csv?q=VA001"
curl -fsS "$url/api/v1/organisations.csv?q=VA001"
if curl -fsS "$url/api/v1/organisations?q=acorn" | grep -q "branch handbook\|ZA123456"; then
  echo "the public search shows answers"; exit 1
fi
mkdir -p build/quickstart
certificate="$PWD/build/quickstart/acorn-homecare-2025-26.pdf"
run certificate --out "$certificate"
pdftotext -layout "$certificate" - | sed -e '/^\s*$/d' -e 's/^ */  /'
curl -fsS -o "$PWD/build/quickstart/acorn-homecare-2025-26.png" "$url/certificates/AB1/2025-26.png"
echo "the certificate is kept in $certificate (and as a PNG beside it)"

step "Head office: every branch's progress, from what the branches synced"
DSPT_HOME="$demo/VA002" run sync >/dev/null
run sites
run sites --missing met

step "A support partner reads progress, and nothing more"
admin create-partner --name "County Care Association"
admin enrol-code --partner "County Care Association" --json >"$demo/code.json"
code=$(code_of)
DSPT_HOME="$demo/partner" run init --name "County Care Association" --year 2025-26 >/dev/null
DSPT_HOME="$demo/partner" run enrol --server "$url" --code "$code"
until=$(date -u -d '+1 year' +%F)
run grant --partner "County Care Association" --until "$until"
DSPT_HOME="$demo/partner" run grants
DSPT_HOME="$demo/partner" run partner progress
if DSPT_HOME="$demo/partner" "$dspt" partner progress --json |
  grep -q "branch handbook\|Two new carers\|fire-policy\|Office cabinet"; then
  echo "the partner saw answer text"; exit 1
fi
echo "the partner's report holds levels, counts and item titles: no answer, comment or file name"

step "The same tables in a browser, after a one-time login link"
DSPT_HOME="$demo/hq" run web-login
link=$("$dspt" web-login --json | sed -n 's/.*"url": "\([^"]*\)".*/\1/p')
curl -fsS -c "$demo/cookies" -b "$demo/cookies" -L -o "$demo/dashboard.html" "$link"
grep -q "Acorn Homecare York" "$demo/dashboard.html" || { echo "the dashboard lacks York"; exit 1; }
echo "curl opened a link and got the dashboard: $(grep -o 'Acorn Homecare [A-Z][a-z]*' "$demo/dashboard.html" | sort -u | paste -sd, -)"
if curl -fsS -o /dev/null "$link" 2>/dev/null; then
  echo "a login link opened twice"; exit 1
fi
echo "the same link opened again is refused: each link signs in one browser, once"

step "The server's log: one line per request"
tail -n 3 "$demo/server.log"

step "Offline: a care home's own store, with no server at all"
export DSPT_HOME="$demo/home"
run standards list
run init --name "Rosewood Care Home" --year 2025-26

step "A few answers, a document's location and an evidence file"
run answer 1.1.1 ZA123456 --comment "Renewed in May"
run answer 1.1.2 --location "Office cabinet, Information Governance folder"
printf 'Rosewood Care Home privacy notice\nWho we are, what we hold, why, who we share it with.\n' \
  >"$demo/privacy-notice.txt"
run evidence add 1.1.3 "$demo/privacy-notice.txt"
run answer 2.1.1 yes
run status

step "Answering every item mandatory for Approaching Standards"
answer_all approaching
run status

step "The action plan for what Standards Met still needs"
run plan set 3.2.1 --action "Book data security training for night staff" \
  --owner "Registered manager" --due 2026-03-31
run plan list

step "Answering the rest: Standards Met"
answer_all met
run status

step "The answers spreadsheet for head office (responses only, never evidence)"
run export "$demo/rosewood-2025-26.xlsx"
run export "$demo/rosewood-2025-26.csv"
head -c 400 "$demo/rosewood-2025-26.csv" | tail -c +4; echo " ..."

step "Nothing readable in the store file itself"
if cat "$DSPT_HOME"/store.db* | grep -a -q "ZA123456\|Office cabinet\|privacy notice"; then
  echo "plain text found in the store"; exit 1
fi
echo "grep finds no answer, location or file content in $DSPT_HOME/store.db or its log"

step "The care manager's screen: dspt ui, a local web page for the whole assessment"
export DSPT_HOME="$demo/VA001"
show dspt ui --port 0
start_screen
cat "$demo/ui.out"
ui_origin=${ui_link%%/?token=*}
if curl -fsS -o /dev/null "$ui_origin/" 2>/dev/null; then
  echo "the screen answered without its token"; exit 1
fi
echo "without the printed address's token the screen shows nothing (403)"
curl -fsS -L -c "$demo/ui.cookies" -b "$demo/ui.cookies" -o "$demo/ui-overview.html" "$ui_link"
echo "a browser holding the token sees the overview: level reached \"$(grep -o '<span id="level">[^<]*' "$demo/ui-overview.html" | cut -d'>' -f2)\", $(grep -o '<strong id="pending">[0-9]*' "$demo/ui-overview.html" | cut -d'>' -f2) change(s) waiting to sync"
curl -fsS -b "$demo/ui.cookies" "$ui_origin/standard/1" | grep -o '<h2 id="title-[^>]*>[^<]*' | head -n 3 | sed 's/.*>/  item: /'
kill -INT "$ui_pid"
wait "$ui_pid"
ui_pid=
tail -n 1 "$demo/ui.out"
echo
echo "On a care home's own computer: dspt ui --open (it opens the default browser at the screen)."

if [ -t 0 ] && [ -t 1 ]; then
  step "The headquarters dashboard and Acorn Leeds' screen, for you to open"
  export DSPT_HOME="$demo/hq"
  run web-login
  echo "Open the link in a browser on this machine (it works once, for five minutes)."
  export DSPT_HOME="$demo/VA001"
  start_screen
  echo "The care manager's screen for Acorn Leeds (VA001), from this machine's browser:"
  echo "  $ui_link"
  echo "It works with the server stopped too; the address works once."
  read -r -p "Press Enter to stop the screen and the server. " _
  kill -INT "$ui_pid"
  wait "$ui_pid" || true
  ui_pid=
fi

step "The server stops cleanly on SIGTERM"
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=
tail -n 1 "$demo/server.log"
