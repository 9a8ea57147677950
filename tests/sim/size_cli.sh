#!/bin/sh
# `flashtwin size` as a user runs it, on a two-host scenario (LRU, no admission, prewarm):
# a reachable goal is confirmed by its timed run (exit 0), each run's read hit ratio equals what
# the curves predicted within 0.01, the rule of thumb is run too, and the files are written; an
# unreachable goal exits 1 saying so; a bad goal exits 2 saying what was expected.
#   size_cli.sh FLASHTWIN SOURCE_DIR WORK_DIR
set -u
flashtwin=$1 source=$2 work=$3/size-cli
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
scenario=$source/tests/sim/data/size-two-hosts.json

"$flashtwin" size "$scenario" --target read-hit=0.5 -o "$work/met" >"$work/met.log" 2>&1
status=$?
cat "$work/met.log"
[ "$status" -eq 0 ] || fail "exit status $status, expected 0"
grep -q "confirmed: its timed run meets the goal" "$work/met.log" || fail "confirmed"
grep -q '"confirmed": true' "$work/met/sizing.json" || fail "sizing.json confirmed"
[ -f "$work/met/runs/rule-of-thumb/summary.json" ] || fail "the rule of thumb ran"
[ -f "$work/met/runs/curve/summary.json" ] || fail "the recommendation ran"
[ "$(wc -l <"$work/met/curves.csv")" -eq 103 ] || fail "curves.csv: a header and 51 points per host"
# Predicted against measured, run by run.
python3 - "$work/met/sizing.json" <<'PY' || fail "curves predict the timed runs within 0.01"
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
assert len(runs) >= 2 and runs[0]["name"] == "rule-of-thumb", runs
for r in runs:
    print(r["name"], r["predicted_read_hit_ratio"], r["read_hit_ratio"])
    assert abs(r["predicted_read_hit_ratio"] - r["read_hit_ratio"]) <= 0.01, r
assert runs[-1]["read_hit_ratio"] >= 0.5 and runs[-1]["meets_goal"], runs[-1]
PY

"$flashtwin" size "$scenario" --target read-hit=0.95 -o "$work/missed" --max-runs 2 >"$work/missed.log" 2>&1
status=$?
cat "$work/missed.log"
[ "$status" -eq 1 ] || fail "unreachable goal: exit status $status, expected 1"
grep -q "NOT MET" "$work/missed.log" || fail "says NOT MET"
grep -q "the most its curve or device gives" "$work/missed.log" || fail "says the curve's limit"
grep -q "they do not reach the goal at any size" "$work/missed.log" || fail "says the curves cannot"

"$flashtwin" size "$scenario" --target hit=0.9 -o "$work/bad" >"$work/bad.log" 2>&1
status=$?
cat "$work/bad.log"
[ "$status" -eq 2 ] || fail "bad goal: exit status $status, expected 2"
grep -q "expected read-hit=R or offload=R" "$work/bad.log" || fail "says what was expected"
[ ! -e "$work/bad" ] || fail "bad input leaves no folder"
echo "size: all checks passed"
