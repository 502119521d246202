#!/usr/bin/env bash
# Fails when an #include crosses a layer the wrong way. The layers, each
# allowed to include only what is to its left:
#   common <- protocol <- client, server
#   common <- http (the HTTP server component) <- server, client/ui
#   client: store <- sync, actions <- ui <- cli, with format beside them all
# Usage: deploy/check-layers.sh   (from anywhere; prints each crossing found)
set -euo pipefail
cd "$(dirname "$0")/.."

# folder : include prefixes it must not use
rules=(
  "common:protocol/ http/ client/ server/ tests/"
  "protocol:http/ client/ server/ tests/"
  "http:protocol/ client/ server/ tests/"
  "server:client/ tests/"
  "client:server/ tests/"
  "client/store:http/ client/sync/ client/actions/ client/format/ client/ui/ client/cli/"
  "client/sync:http/ client/actions/ client/format/ client/ui/ client/cli/"
  "client/actions:http/ client/sync/ client/format/ client/ui/ client/cli/"
  "client/format:http/ client/store/ client/sync/ client/actions/ client/ui/ client/cli/"
  "client/cli:http/"
  "client/ui:client/cli/"
)
found=0
for rule in "${rules[@]}"; do
  folder=${rule%%:*}
  for prefix in ${rule#*:}; do
    if grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]+\"${prefix}" "$folder" \
         --include='*.cpp' --include='*.hpp'; then
      echo "check-layers: $folder must not include $prefix (above)" >&2
      found=1
    fi
  done
done
[ "$found" = 0 ] && echo "check-layers: every include follows the layers"
exit "$found"
