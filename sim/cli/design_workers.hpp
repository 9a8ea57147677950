// Worker processes of a sweep: each design runs as its own `flashtwin run` (the same worker as the
// GUI's, docs/GUI.md), at most `jobs` at once. A process per design keeps SimGrid's one engine
// per process, and a design that crashes takes nothing else with it.
//
// Contract: construct the pool before InterruptSignals (it blocks SIGCHLD in the calling thread,
// which threads created later inherit, so that wait() can sleep until a child ends). Children
// start with no signal blocked and their stdout and stderr in `log`. Not thread-safe; the
// destructor stops (SIGTERM) and reaps any child still running.
#pragma once

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace flashtwin::cli {

class DesignWorkers {
 public:
  struct Finished {
    std::size_t id = 0;
    int exit_status = 0;  // the process's exit status, or 128 + the signal that killed it
    double wall_s = 0;
    std::uint64_t peak_memory_bytes = 0;  // its largest resident set, or its children's largest
  };

  explicit DesignWorkers(std::size_t jobs);
  ~DesignWorkers();
  DesignWorkers(const DesignWorkers&) = delete;
  DesignWorkers& operator=(const DesignWorkers&) = delete;

  bool has_room() const { return running_.size() < jobs_; }
  std::size_t running() const { return running_.size(); }
  // Starts `argv` (argv[0] the program's path) for design `id`. Throws std::runtime_error when
  // the process cannot start.
  void start(std::size_t id, const std::vector<std::string>& argv,
             const std::filesystem::path& log);
  // The children that ended, waiting up to `timeout` for the first one when none has.
  std::vector<Finished> wait(std::chrono::milliseconds timeout);
  // Sends SIGTERM to every running child and reaps them all (they keep partial results).
  std::vector<Finished> stop_all();

 private:
  struct Child {
    std::size_t id;
    std::chrono::steady_clock::time_point started;
  };
  std::vector<Finished> reap(bool block);

  std::size_t jobs_;
  std::map<pid_t, Child> running_;
  sigset_t previous_mask_{};
};

// The path of the running program (/proc/self/exe), to start workers of the same build.
std::filesystem::path this_program();

}  // namespace flashtwin::cli
