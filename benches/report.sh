#!/usr/bin/env bash
# Benchmark: `mockloop report --json` over five years of daily practice
# (`demo-data --weeks 260`), wall time of the whole command, next to the
# wall time of `mockloop --version` (what merely starting the binary costs).
# Prints figures; asserts nothing.
#   benches/report.sh [RUNS]        (after `make build`; MOCKLOOP_BIN picks another build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
bin=${MOCKLOOP_BIN:-target/debug/mockloop}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/time -f "demo-data --weeks 260: %e s wall" "$bin" --data-dir "$work" demo-data --weeks 260 --seed 1 2>&1 | tail -2

# Median wall time of RUNS runs of a command, in milliseconds.
median_ms() {
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}
"$bin" --data-dir "$work" report --json --timing 2>&1 >/dev/null | sed 's/^/report --json --timing: /'
echo "mockloop --version:     $(median_ms "$bin" --version) ms (median of $runs; the binary starting, nothing else)"
echo "mockloop report --json: $(median_ms "$bin" --data-dir "$work" report --json) ms (median of $runs; target 100 ms)"
echo "mockloop report (md):   $(median_ms "$bin" --data-dir "$work" report) ms"
