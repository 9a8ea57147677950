// Child processes: starting one with its output in a file or a pipe (sweep workers), and running a
// program to collect what it printed: how the sweep talks to Slurm's
// commands (sbatch, squeue, sacct) without a shell, so no argument is ever re-parsed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::cli {

// Where a started process's stdout and stderr go: an open descriptor (`fd`, with `close_fd` closed
// in the child), or a file created or truncated (`file`). stdin is /dev/null.
struct ProcessOutput {
  int fd = -1;
  int close_fd = -1;
  std::filesystem::path file;
};

// Starts argv (argv[0] found on PATH unless it has a '/') with no signal blocked. Returns 0 and
// sets `pid`, or the error number (posix_spawn's) when it cannot start.
int start_process(const std::vector<std::string>& argv, const ProcessOutput& output, pid_t& pid);

struct ProgramOutput {
  int exit_status = 0;  // or 128 + the signal that ended it
  std::string output;   // stdout and stderr, interleaved
};

// The path of the running program (/proc/self/exe): what Slurm tasks run, where flashtwin-gui is.
std::filesystem::path this_program();

// std::nullopt when the program cannot be started (not installed).
std::optional<ProgramOutput> run_program(const std::vector<std::string>& argv);

}  // namespace flashtwin::cli
