#!/bin/sh
# A sweep on a real single-node Slurm: this script starts munged, slurmctld and slurmd (one node on
# loopback, private ports and folders), submits the 12-design sweep as a job array (two designs a
# task) with its merge job, waits for the merge, and checks that the merged results are byte for
# byte those of the local `-j 2` run; then removes one design's result and checks that submitting
# again submits that design alone. Daemons are stopped on exit.
#   slurm_sweep.sh FLASHTWIN SWEEP_FILE WORK_DIR
# Exit 77 (skipped, visibly) when Slurm cannot start here: not installed, not root; under CI=true
# that is a failure instead.
set -u
flashtwin=$1 sweep=$2 work=$3/slurm-sweep
skip() {
  echo "SKIPPED: $* (the set-up script installs slurm-wlm and munge; they run as root)"
  if [ "${CI:-}" = "true" ]; then echo "FAIL: under CI=true Slurm must run"; exit 1; fi
  exit 77
}
fail() { echo "FAIL: $*"; for f in "$state"/log/*.log; do echo "== $f"; tail -n 20 "$f"; done; exit 1; }

for program in munged slurmctld slurmd sbatch squeue sinfo; do
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || skip "$program is not installed"
done
[ "$(id -u)" -eq 0 ] || skip "not root (slurmd must start jobs)"
PATH="$PATH:/usr/sbin"

rm -rf "$work"
mkdir -p "$work"
state=$(mktemp -d /tmp/flashtwin-slurm.XXXXXX)  # short: a socket path must fit 108 bytes
mkdir -p "$state/spool" "$state/ctld" "$state/log" "$state/run"
stop() {
  for pid_file in "$state/run/slurmd.pid" "$state/run/slurmctld.pid" "$state/run/munged.pid"; do
    [ -s "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null
  done
  sleep 0.5
  rm -rf "$state"
}
trap stop EXIT

port=$((20000 + $$ % 20000))
node=$(hostname -s)
export SLURM_CONF="$state/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=flashtwin-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/run/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
dd if=/dev/urandom of="$state/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$state/munge.key"
munged --force --key-file="$state/munge.key" --socket="$state/run/munge.socket" \
  --pid-file="$state/run/munged.pid" --log-file="$state/log/munged.log" \
  --seed-file="$state/run/munge.seed" || skip "munged does not start"
slurmctld -f "$SLURM_CONF" || skip "slurmctld does not start"
slurmd -f "$SLURM_CONF" || skip "slurmd does not start"
waited=0
until sinfo --noheader --format=%t 2>/dev/null | grep -q idle; do
  waited=$((waited + 1))
  [ "$waited" -le 150 ] || skip "the node never became idle: $(sinfo 2>&1 | tail -n 2)"
  sleep 0.2
done
echo "slurm: node $node idle, controller on port $port"

"$flashtwin" sweep "$sweep" -j 2 -o "$work/local" >"$work/local.log" 2>&1 || { cat "$work/local.log"; fail "local sweep"; }
"$flashtwin" sweep "$sweep" --slurm --designs-per-task 2 --time-limit 10 -o "$work/slurm" \
  >"$work/submit.log" 2>&1 || { cat "$work/submit.log"; fail "submission"; }
cat "$work/submit.log"
grep -q "submitted 12 designs as job array [0-9]* (6 tasks, [0-9]*M each), merge job [0-9]*" \
  "$work/submit.log" || fail "submission line"
grep -q "estimated before any run" "$work/submit.log" || fail "memory estimated before any run"
waited=0
until [ -n "$(ls "$work/slurm/slurm" | grep '^merge-[0-9]*\.log$')" ] &&
      [ -z "$(squeue --noheader 2>/dev/null)" ]; do
  waited=$((waited + 1))
  [ "$waited" -le 1200 ] || fail "the job array and merge did not end in 240 s: $(squeue 2>&1)"
  sleep 0.2
done
"$flashtwin" sweep --status "$work/slurm" >"$work/status.log" 2>&1 || fail "--status"
cat "$work/status.log"
grep -q "12 designs: 12 with results, 0 failed, 0 not run" "$work/status.log" || fail "status counts"
grep -q "submission: job array [0-9]* (6 tasks, 12 designs" "$work/status.log" || fail "status jobs"
cmp "$work/local/results.csv" "$work/slurm/results.csv" || fail "results.csv differs from the local run"
cmp "$work/local/results.json" "$work/slurm/results.json" || fail "results.json differs"
cmp "$work/local/summary.md" "$work/slurm/summary.md" || fail "summary.md differs"

# One design loses its result (as when its task was killed): --status lists the task, and
# submitting again submits the design alone; the merge restores the same results.
victim=$(ls "$work/slurm/designs" | head -n 1)
rm -rf "$work/slurm/designs/$victim"
"$flashtwin" sweep --status "$work/slurm" >"$work/status2.log" 2>&1 || fail "--status after a loss"
grep -q "11 with results, 0 failed, 1 not run" "$work/status2.log" || { cat "$work/status2.log"; fail "status counts the lost design"; }
grep -q "failed task: [0-9]*_[0-9]* ended without designs [0-9]* (log .*/slurm/task-[0-9]*_[0-9]*.log)" \
  "$work/status2.log" || { cat "$work/status2.log"; fail "the task that lacks a design is listed"; }
"$flashtwin" sweep "$sweep" --slurm -o "$work/slurm" >"$work/resubmit.log" 2>&1 || { cat "$work/resubmit.log"; fail "resubmission"; }
grep -q "submitted 1 designs as job array [0-9]* (1 tasks" "$work/resubmit.log" || { cat "$work/resubmit.log"; fail "resubmits one design"; }
grep -q "memory per task [0-9]*M: from the peaks measured" "$work/resubmit.log" || { cat "$work/resubmit.log"; fail "memory from measured peaks"; }
waited=0
until [ "$(ls "$work/slurm/slurm" | grep -c '^merge-[0-9]*\.log$')" -eq 2 ] &&
      [ -z "$(squeue --noheader 2>/dev/null)" ]; do
  waited=$((waited + 1))
  [ "$waited" -le 1200 ] || fail "the resubmission did not end in 240 s"
  sleep 0.2
done
cmp "$work/local/results.csv" "$work/slurm/results.csv" || fail "results differ after the resubmission"
echo "ok: Slurm job array + merge job give the local run's results byte for byte; one design resubmitted alone"
