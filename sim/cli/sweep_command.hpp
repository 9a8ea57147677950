// `flashtwin sweep SWEEP.json [-o DIR] [-j N] [--shard i/N] [--dry-run] [--merge]`, `--slurm ...`,
// `--status DIR` (docs/SWEEPS.md): runs every design of a sweep in a worker process running
// `flashtwin run`'s code (sweep_runner.hpp), or submits them to Slurm (slurm_sweep.hpp); keeps each
// design's run under DIR/designs/HASH (a design whose resolved scenario already ran there is
// skipped), and merges the results into DIR/results.csv, results.json, summary.md, runs.csv and,
// with flashtwin-gui installed, report.html.
// Exit status: 0 ok; 1 when a design did not finish or failed the consistency check; 2 for bad
// input (a malformed sweep or any design's scenario, found before anything runs); 130 / 143 when
// interrupted (finished designs kept, merged results written).
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

void add_sweep_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
