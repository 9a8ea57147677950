// Runs designs of a sweep as worker processes (design_workers.hpp: forks running `flashtwin run`'s
// code, with the design's --set overrides, into DESIGN.running/) into its folder
// (sweep_folder.hpp): at most `jobs` at once, a progress line per finished design, and on SIGINT /
// SIGTERM the running workers stopped and their partial folders removed (finished designs stay).
#pragma once

#include "interrupt_signals.hpp"
#include "sweep_folder.hpp"

#include <cstddef>
#include <vector>

namespace flashtwin::cli {

struct RunTally {
  std::size_t finished = 0;  // ran to the end (exit status 0 or 1)
  std::size_t failed = 0;    // did not (crashed, refused, killed)
};

// A worker stopped by SIGINT / SIGTERM (the terminal's Ctrl-C reaches the whole process group,
// Slurm's time limit sends SIGTERM): its design is not run, whatever this process saw.
bool interrupted(int exit_status);

// Runs `pending` (each with a distinct hash). `already` designs counted as done in the progress
// line out of `total`. Construct `workers` before `signals` (design_workers.hpp).
RunTally run_designs(const sim::SweepSpec& sweep, const SweepFolder& folder,
                     const std::vector<const PlannedDesign*>& pending, std::size_t total,
                     std::size_t already, class DesignWorkers& workers,
                     const InterruptSignals& signals);

}  // namespace flashtwin::cli
