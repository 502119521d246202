#!/bin/sh
# The partner summary page's time with 30,000 organisations registered and a
# partner holding 500 grants (tests/bench/partner_summary_bench.cpp). Run from the
# repository after building:  tests/bench/partner_summary_bench.sh [BUILD_DIR] [extra flags]
set -eu
build=${1:-build/unity}
[ $# -gt 0 ] && shift
exec "$build/tests/bench/dspt_partner_summary_bench" --organisations 30000 --grants 500 --runs 20 "$@"
