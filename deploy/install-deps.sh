#!/usr/bin/env bash
# Installs every Debian 12 package dsptsync needs to build, test and run.
# Idempotent: when everything is present it prints nothing and exits 0.
# Works as root, or as a user with sudo.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build mold pkg-config git
  # libraries
  libboost-dev libssl-dev libsqlite3-dev libsodium-dev libcereal-dev
  libcli11-dev nlohmann-json3-dev libxlsxwriter-dev libcairo2-dev libzstd-dev libpq-dev zlib1g-dev
  catch2
  # tools the tests and the quickstart use
  sqlite3 openssl curl clang-format clang-16 libclang-rt-16-dev procps
  # the PostgreSQL store's tests run a throwaway cluster; HAProxy fronts several servers
  postgresql haproxy
  # certificates: a font for cairo; pdftotext and a headless browser for their tests
  fonts-dejavu-core poppler-utils chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
