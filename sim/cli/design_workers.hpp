// Worker processes of a sweep or a CI run: each design runs in its own process, at most `jobs` at
// once. A process per design keeps SimGrid's one engine per process, and a design that crashes
// takes nothing else with it. A worker is a fork of this process running a function (for sweeps
// and CI, `flashtwin run`'s own code, as the GUI's worker runs it), which spares each design the
// program's start: about 50 ms, most of it dynamic linking of SimGrid and ns-3
// (docs/PERFORMANCE.md, "Sweeps").
//
// Contract: construct the pool before InterruptSignals (it blocks SIGCHLD in the calling thread,
// which threads created later inherit, so that wait() can sleep until a child ends). Children
// start with no signal blocked and their stdout and stderr in `log`. start_forked may only be used
// while this process has started no SimGrid engine (sweeps and CI never do). Not thread-safe; the
// destructor stops (SIGTERM) and reaps any child still running.
#pragma once

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace flashtwin::cli {

inline constexpr int kWorkerFailed = 70;       // EX_SOFTWARE
inline constexpr int kWorkerSetupFailed = 71;  // EX_OSERR

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
  // Forks; the child runs `body` and exits with what it returns: an exception escaping it is
  // printed and exits kWorkerFailed, a child that cannot open `log` exits kWorkerSetupFailed
  // (neither is mistaken for a run that failed a check, exit status 1). Throws
  // std::runtime_error when fork fails.
  void start_forked(std::size_t id, const std::function<int()>& body,
                    const std::filesystem::path& log);
  // The children that ended, waiting up to `timeout` for the first one when none has.
  std::vector<Finished> wait(std::chrono::milliseconds timeout);
  // Sends SIGTERM to every running child and reaps them all.
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

}  // namespace flashtwin::cli
