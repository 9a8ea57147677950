// Runs a program (found on PATH) and collects what it printed: how the sweep talks to Slurm's
// commands (sbatch, squeue, sacct) without a shell, so no argument is ever re-parsed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace flashtwin::cli {

struct ProgramOutput {
  int exit_status = 0;  // or 128 + the signal that ended it
  std::string output;   // stdout and stderr, interleaved
};

// std::nullopt when the program cannot be started (not installed).
std::optional<ProgramOutput> run_program(const std::vector<std::string>& argv);

}  // namespace flashtwin::cli
