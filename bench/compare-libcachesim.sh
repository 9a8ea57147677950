#!/usr/bin/env bash
# Cache-only replay side by side with libCacheSim (docs/PERFORMANCE.md): the same vscsi trace
# (flashtwin-cachesim-trace: 10 M single-block 4 KiB reads, Zipf 0.9 over 2 Mi blocks plus a 10 %
# sequential scan), the same 1 GiB cache, one thread, LRU, ARC and 2Q; each pair run RUNS times
# alternately, printing wall seconds, peak memory and misses of each run.
#
#   bench/compare-libcachesim.sh LIBCACHESIM_CACHESIM [FLASHTWIN] [RUNS]
#
# LIBCACHESIM_CACHESIM is libCacheSim's `cachesim` built by you (never part of this repository:
# Debian's libglib2.0-dev is all it needs; cmake -DCMAKE_BUILD_TYPE=Release, target cachesim).
# FLASHTWIN defaults to build-release/sim/flashtwin (make check builds it), the trace generator to
# build/bench/flashtwin-cachesim-trace; TRACE (environment) names the trace file
# (default /tmp/flashtwin-zipf09-scan10.vscsi, written when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
lcs=${1:?usage: bench/compare-libcachesim.sh LIBCACHESIM_CACHESIM [FLASHTWIN] [RUNS]}
flashtwin=${2:-build-release/sim/flashtwin}
runs=${3:-3}
trace=${TRACE:-/tmp/flashtwin-zipf09-scan10.vscsi}
[ -f "$trace" ] || build/bench/flashtwin-cachesim-trace "$trace"

# Runs "$@" under /usr/bin/time; prints "wall_s peak_MiB" and leaves its output in $out and
# $out.err.
out=$(mktemp)
trap 'rm -f "$out" "$out".*' EXIT
timed() {
  /usr/bin/time -f '%e %M' -o "$out.time" "$@" >"$out" 2>"$out.err"
  awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$out.time"
}

printf '%-5s %-11s %8s %9s %10s\n' policy simulator wall_s peak_MiB misses
for policy in lru arc 2q; do
  case $policy in lru) theirs=LRU ;; arc) theirs=ARC ;; 2q) theirs=twoQ ;; esac
  for run in $(seq "$runs"); do
    read -r wall peak <<<"$(timed "$lcs" "$trace" vscsi "$theirs" 1073741824 --num-thread=1 \
      --output="$out.lcs")"
    ratio=$(cat "$out" "$out.err" | grep -o 'miss ratio [0-9.]*' | awk '{ print $3 }')
    printf '%-5s %-11s %8s %9s %10s\n' "$policy" libCacheSim "$wall" "$peak" "ratio $ratio"
    for check in --no-check ""; do
      read -r wall peak <<<"$(timed "$flashtwin" cachesim --trace "$trace" --policy "$policy" \
        --capacity-bytes 1GiB --admission none --mode write-through $check --json)"
      misses=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["counters"]["read_miss_blocks"])' "$out")
      printf '%-5s %-11s %8s %9s %10s\n' "$policy" "flashtwin${check:+ engine}" "$wall" "$peak" "$misses"
    done
  done
done
