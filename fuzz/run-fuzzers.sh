#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, starting from small valid seeds; fails on a crash.
# Usage: fuzz/run-fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$1
seconds=${2:-20}
corpus=$build/corpus
mkdir -p "$corpus/blktrace" "$corpus/vscsi"
# Seeds: one v7 blktrace Q record (little-endian) and one vscsi read record.
printf '\x07\x74\x61\x65\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x01\x00\x11\x00\x01\x00\x00\x00\x10\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00' > "$corpus/blktrace/seed"
printf '\x01\x00\x00\x00\x00\x10\x00\x00\x01\x00\x00\x00\x28\x00\x00\x01\x08\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00' > "$corpus/vscsi/seed"
# A tar bundle of the blktrace seed, so that the tar header reader is fuzzed too.
mkdir -p "$build/seed-bundle"
cp "$corpus/blktrace/seed" "$build/seed-bundle/t.blktrace.0"
tar -cf "$corpus/blktrace/seed-bundle.tar" -C "$build/seed-bundle" t.blktrace.0
for target in blktrace vscsi; do
  echo "fuzzing the $target reader for $seconds s"
  log=$build/$target-fuzz.log
  if ! "$build/fuzz/${target}_fuzz" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$build/$target-" \
      "$corpus/$target" > "$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: the $target reader failed (crash input saved beside $log)" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units" "$log"
done
