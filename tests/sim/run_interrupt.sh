#!/bin/sh
# `flashtwin run` stopped by a signal: exit status 128 + signal, partial results written and
# marked interrupted, the baseline child process stopped and reaped.
#   run_interrupt.sh FLASHTWIN SCENARIO WORK_DIR INT|TERM EXPECTED_STATUS
# No fixed sleeps: it waits (polling) until the baseline child exists and the run has started,
# then signals; CTest's TIMEOUT bounds the wait.
set -u
flashtwin=$1 scenario=$2 work=$3 sig=$4 expected=$5
out="$work/interrupt-$sig"
log="$work/interrupt-$sig.log"
rm -rf "$out" "$log"
"$flashtwin" run "$scenario" -o "$out" --set duration_s=100000 --set events=[] \
  --set expectations={} --set output.baseline=true >"$log" 2>&1 &
pid=$!
child=""
while [ -z "$child" ] || ! grep -q "flashtwin: running" "$log"; do
  kill -0 "$pid" 2>/dev/null || { echo "flashtwin ended before the signal:"; cat "$log"; exit 1; }
  [ -n "$child" ] || child=$(pgrep -P "$pid" | head -n 1)
  sleep 0.05
done
kill -s "$sig" "$pid"
wait "$pid"
status=$?
cat "$log"
[ "$status" -eq "$expected" ] || { echo "exit status $status, expected $expected"; exit 1; }
grep -q "interrupted by SIG$sig" "$log" || { echo "no 'interrupted by SIG$sig' message"; exit 1; }
grep -q "\"signal\": \"SIG$sig\"" "$out/summary.json" || { echo "summary.json not marked"; exit 1; }
[ -s "$out/timeseries.csv" ] || { echo "timeseries.csv missing"; exit 1; }
# Reaped by flashtwin before it exited: no such process any more (not even a zombie).
if kill -0 "$child" 2>/dev/null; then echo "baseline child $child still exists"; exit 1; fi
echo "ok: exit $status, summary.json marked interrupted, baseline child $child reaped"
