#!/usr/bin/env bash
# Prints the link graph of the project's own libraries, one "from -> to" line
# an edge, as CMake sees it, and fails if it has a cycle.
# Usage: deploy/draw-dependencies.sh [build directory (default build/test)]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/test}
[ -f "$build/CMakeCache.txt" ] || { echo "no configured build in $build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cmake --graphviz="$out/deps.dot" "$build" >/dev/null
# Nodes are 'node12 [ label = "dspt_http\n(dspt::http)" ...'; edges 'node3 -> node7'.
awk '
  match($0, /"node[0-9]+" \[ label = "[^"\\]+/) {
    split(substr($0, RSTART, RLENGTH), f, "\""); name[f[2]] = f[4]
  }
  /"node[0-9]+" -> "node[0-9]+"/ {
    split($0, f, "\""); from[++n] = f[2]; to[n] = f[4]
  }
  function ours(x) { return x ~ /^dspt_/ && x !~ /test|catch|fuzz|bench|warnings|sim/ }
  END {
    for (i = 1; i <= n; ++i) {
      a = name[from[i]]; b = name[to[i]]
      if (ours(a) && ours(b)) { print a " -> " b; edge[a, b] = 1; node[a]; node[b] }
    }
    # Kahn: take away libraries nothing left depends on; a remainder is a cycle.
    do {
      removed = 0
      for (x in node) {
        free = 1
        for (y in node) if ((y, x) in edge) free = 0
        if (free) { delete node[x]; removed = 1 }
      }
    } while (removed)
    left = ""
    for (x in node) left = left " " x
    if (left != "") { print "cycle among:" left > "/dev/stderr"; exit 1 }
    print "no cycle"
  }' "$out/deps.dot"
