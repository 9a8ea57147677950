#!/bin/sh
# A design whose run fails part way (a trace with a bad record 2 s in, found only when the replay
# reaches it) among good ones: the sweep exits 1 naming it, keeps its log in HASH.failed, lists it
# as failed in results.csv and on no Pareto front, merges the others; run again, only it runs again.
#   sweep_failed_design.sh FLASHTWIN SOURCE_DIR WORK_DIR
set -u
flashtwin=$1 source=$2 work=$3/sweep-failed-design
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
awk 'BEGIN { print "time_us,op,offset,length";
             for (i = 0; i < 5000; ++i) printf "%d,R,%d,4096\n", i * 1000, (i % 500) * 4096 }' \
  >"$work/good.csv"
awk 'BEGIN { print "time_us,op,offset,length";
             for (i = 0; i < 5000; ++i)
               if (i == 2000) print "garbage,R,0,4096"; else printf "%d,R,%d,4096\n", i * 1000, (i % 500) * 4096 }' \
  >"$work/late-bad.csv"
cat >"$work/sweep.json" <<JSON
{ "base": "$source/tests/gui/data/two-hosts.json",
  "axes": [
    { "name": "trace", "path": "vms[0].disks[0].workload", "values": [
        { "trace": "$work/good.csv" }, { "trace": "$work/late-bad.csv" } ] },
    { "name": "eviction", "path": "cache.eviction", "values": ["lru", "arc"] } ] }
JSON
"$flashtwin" sweep "$work/sweep.json" -j 2 -o "$work/out" >"$work/first.log" 2>&1
status=$?
cat "$work/first.log"
[ "$status" -eq 1 ] || fail "exit status $status, expected 1"
grep -q "design 2 (.*late-bad.csv.*) failed with exit status 70" "$work/first.log" || fail "names the failed design"
[ "$(grep -c ',failed,' "$work/out/results.csv")" -eq 2 ] || fail "two failed rows"
[ "$(grep -c ',ok,' "$work/out/results.csv")" -eq 2 ] || fail "two ok rows"
grep ',failed,' "$work/out/results.csv" | grep -qv ',0$' && fail "a failed design on the front"
grep -q "bad time_us 'garbage'" "$work"/out/designs/*.failed/run.log || fail "the failed run's log is kept"
"$flashtwin" sweep "$work/sweep.json" -j 2 -o "$work/out" >"$work/again.log" 2>&1
grep -q "4 designs, 2 already done, 2 to run" "$work/again.log" || { cat "$work/again.log"; fail "only the failed designs run again"; }
echo "ok: the failed design is recorded, reported and retried alone"
