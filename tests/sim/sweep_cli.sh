#!/bin/sh
# `flashtwin sweep` as a user runs it: a 12-design grid run with two workers; run again (every
# design skipped, results byte-identical); two shards into one folder (together the same
# results); interrupted with SIGINT after the first design (exit 130, finished designs kept) and
# resumed (the same results again).
#   sweep_cli.sh FLASHTWIN SWEEP_FILE WORK_DIR
set -u
flashtwin=$1 sweep=$2 work=$3/sweep-cli
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$flashtwin" sweep "$sweep" --dry-run -o "$work/all" >"$work/dry.log" 2>&1 || fail "dry run"
grep -q ": 12 designs" "$work/dry.log" || { cat "$work/dry.log"; fail "dry run lists 12 designs"; }

"$flashtwin" sweep "$sweep" -j 2 -o "$work/all" >"$work/all.log" 2>&1 || { cat "$work/all.log"; fail "sweep -j 2"; }
[ "$(wc -l <"$work/all/results.csv")" -eq 13 ] || fail "results.csv: a header and 12 rows"
grep -q ",not-run,\|,failed," "$work/all/results.csv" && fail "every design ran"
grep -q "12 of 12 designs have results" "$work/all.log" || fail "summary line"
cp "$work/all/results.csv" "$work/first.csv"

"$flashtwin" sweep "$sweep" -j 2 -o "$work/all" >"$work/again.log" 2>&1 || fail "second run"
grep -q "12 already done, 0 to run" "$work/again.log" || { cat "$work/again.log"; fail "resume skips"; }
cmp "$work/first.csv" "$work/all/results.csv" || fail "results changed on a run with nothing to do"

"$flashtwin" sweep "$sweep" --shard 1/2 -o "$work/shards" >"$work/shard1.log" 2>&1 || fail "shard 1/2"
grep -q "6 designs in shard 1/2" "$work/shard1.log" || { cat "$work/shard1.log"; fail "shard size"; }
grep -q "6 of 12 designs have results" "$work/shard1.log" || fail "shard 1 merges its half"
"$flashtwin" sweep "$sweep" --shard 2/2 -o "$work/shards" >"$work/shard2.log" 2>&1 || fail "shard 2/2"
cmp "$work/first.csv" "$work/shards/results.csv" || fail "two shards differ from the whole sweep"
cmp "$work/all/results.json" "$work/shards/results.json" || fail "results.json differs"

"$flashtwin" sweep "$sweep" -j 1 -o "$work/stopped" >"$work/stopped.log" 2>&1 &
pid=$!
while ! grep -q "1/12 designs done" "$work/stopped.log"; do
  kill -0 "$pid" 2>/dev/null || { cat "$work/stopped.log"; fail "sweep ended before the signal"; }
  sleep 0.02
done
kill -s INT "$pid"
wait "$pid"
status=$?
cat "$work/stopped.log"
[ "$status" -eq 130 ] || fail "exit status $status after SIGINT, expected 130"
grep -q ",not-run," "$work/stopped/results.csv" || fail "an interrupted sweep lists designs not run"
ls "$work/stopped/designs" | grep -q "running" && fail "a partial design folder was left"
"$flashtwin" sweep "$sweep" -j 2 -o "$work/stopped" >"$work/resumed.log" 2>&1 || fail "resume"
grep -q "[1-9][0-9]* already done" "$work/resumed.log" || { cat "$work/resumed.log"; fail "resume kept nothing"; }
cmp "$work/first.csv" "$work/stopped/results.csv" || fail "resumed sweep differs"
echo "ok: sweep, resume, shards and interruption give the same results"
