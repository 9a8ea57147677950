#!/bin/sh
# A sweep's own cost (docs/PERFORMANCE.md, "Sweeps"): 100 short designs (the two-host test
# scenario, DURATION simulated seconds each, seeds 1-25 x four flash sizes) run with one worker,
# then the time outside the simulations, and a 1,000-design dry run.
#   bench/sweep-overhead.sh [FLASHTWIN] [DURATION_S] [WORK_DIR]
# Prints, from the sweep's own runs.csv and the workers' logs:
#   sweep overhead  = wall time of the sweep - sum of the workers' wall times (planning, starting
#                     workers, moving folders, merging, the report)
#   outside the simulations = wall time of the sweep - sum of the simulations' own wall times
#                     (what `flashtwin run` prints: "simulated N VM I/Os in X s"), i.e. also each
#                     worker's start, scenario set-up, baseline wait and result files
set -eu
flashtwin=${1:-build/sim/flashtwin}
duration=${2:-20}
work=${3:-/tmp/flashtwin-sweep-bench}
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work"
mkdir -p "$work"
cat >"$work/sweep-100.json" <<JSON
{ "name": "100 short designs",
  "base": "$here/tests/gui/data/two-hosts.json",
  "set": { "duration_s": $duration },
  "axes": [
    { "name": "seed", "path": "seed", "range": { "from": 1, "to": 25, "step": 1 } },
    { "name": "flash_gib", "paths": ["cluster.hosts[*].flash[0].capacity_gib"], "values": [0.5, 1, 1.5, 2] }
  ] }
JSON
cat >"$work/sweep-1000.json" <<JSON
{ "name": "1000 designs",
  "axes": [
    { "name": "flash_gib", "paths": ["cluster.hosts[*].flash[0].capacity_gib"], "range": { "from": 30, "to": 300, "step": 30 } },
    { "name": "device", "paths": ["cluster.hosts[*].flash[0].device"], "values": ["nvme-1.6t", "sata-ssd-960g", "nvme-p4500-1t", "nvme-optane-375g", "ram"] },
    { "name": "replicas", "path": "datastores[0].policy.replicas", "values": [0, 1] },
    { "name": "seed", "path": "seed", "range": { "from": 1, "to": 10, "step": 1 } }
  ] }
JSON
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
percent() { awk -v part="$1" -v whole="$2" 'BEGIN { printf "%.2f", 100 * part / whole }'; }
start=$(now)
"$flashtwin" sweep "$work/sweep-1000.json" --dry-run -o "$work/dry" >"$work/dry.txt"
dry=$(since "$start")
start=$(now)
"$flashtwin" sweep "$work/sweep-100.json" -j 1 -o "$work/out" >"$work/sweep.log" 2>&1
total=$(since "$start")
workers=$(awk -F, 'NR > 1 { s += $4 } END { printf "%.3f", s }' "$work/out/runs.csv")
simulations=$(cat "$work"/out/designs/*/run.log |
  sed -n 's/.*VM I\/Os in \([0-9.]*\) s.*/\1/p' | awk '{ s += $1 } END { printf "%.3f", s }')
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "dry run of $(grep -cE '^ *[0-9]+  [0-9a-f]{16}' "$work/dry.txt") designs: $dry s"
echo "sweep of 100 designs (${duration} s simulated each, -j 1): $total s wall"
echo "  workers' wall time, summed: $workers s; sweep overhead" \
  "$(percent "$(awk -v t="$total" -v w="$workers" 'BEGIN { print t - w }')" "$total") %"
echo "  simulations' own wall time, summed: $simulations s; outside the simulations" \
  "$(percent "$(awk -v t="$total" -v s="$simulations" 'BEGIN { print t - s }')" "$total") %"
