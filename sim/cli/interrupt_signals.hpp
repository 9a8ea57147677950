// SIGINT and SIGTERM as a stop request: while an InterruptSignals exists, both signals are
// blocked in every thread of the process and a dedicated thread waits for them (sigwait). The
// first one sets stop() to true, so a run polling it ends cleanly with partial results; a second
// one ends the process at once with status 128 + signal (the user insists).
//
// Blocking (instead of a handler) keeps SimGrid's own SIGINT handler, installed when its engine
// starts, from ever running, and lets the waiting thread do what a handler may not. Forked
// children inherit the blocked signals: the owner of a child stops it itself.
//
// Construct it in main's thread before any other thread starts (threads inherit the mask), at
// most one at a time. Not copyable. The destructor stops the waiting thread and restores the mask.
#pragma once

#include <atomic>
#include <csignal>
#include <thread>

namespace flashtwin::cli {

class InterruptSignals {
 public:
  InterruptSignals();
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  // True once SIGINT or SIGTERM arrived.
  const std::atomic<bool>& stop() const { return stop_; }
  // The signal that set stop() (SIGINT or SIGTERM), 0 before.
  int signal() const { return signal_.load(); }
  // The exit status for an interrupted command: 130 for SIGINT, 143 for SIGTERM.
  int exit_status() const { return 128 + signal(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> signal_{0};
  sigset_t previous_mask_{};
  std::thread waiter_;
};

}  // namespace flashtwin::cli
