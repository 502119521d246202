#!/usr/bin/env bash
# Installs the dependencies, builds dsptsync (Release) and shows it at work:
# a care home manager's offline session with the `dspt` client, from an empty
# encrypted store to Approaching Standards and then Standards Met.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh
echo "== building (Release) =="
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DDSPT_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)"
dspt="$PWD/build/release/client/dspt"

demo=$(mktemp -d /tmp/dspt-quickstart.XXXXXX)
trap 'rm -rf "$demo"' EXIT
export DSPT_HOME="$demo/home" DSPT_PASSPHRASE="quickstart demo passphrase" DSPT_USER="Registered manager"

step() { printf '\n== %s ==\n' "$*"; }
run() {  # shows the command as a user would type it, then runs it
  local shown="$ dspt" arg
  for arg in "$@"; do
    case "$arg" in *" "*) shown+=" \"$arg\"" ;; *) shown+=" $arg" ;; esac
  done
  printf '%s\n' "$shown"
  "$dspt" "$@"
}

step "The standards years this build knows"
run standards list

step "A new encrypted store for one care home (works offline)"
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
