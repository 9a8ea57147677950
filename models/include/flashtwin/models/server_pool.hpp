// ServerPool: a queueing station of `servers` identical servers with one waiting line, the
// building block of the device and array models (flash channels, array backend disks).
//
// Jobs come in two classes. Foreground jobs (host I/O) wait in FIFO order. Background work
// (draining a write buffer) is pulled from a BackgroundWork source whenever a server frees up:
// when the source says its work is urgent, it and the waiting foreground jobs take turns (one
// each, urgent background first), so neither starves; otherwise only an idle server takes it.
// Service is non-preemptive: a started job runs to its end.
//
// So with foreground jobs only the pool is exactly the textbook FIFO M/G/c queue (tested against
// Erlang C and M/D/1). Time comes from an EventScheduler; nothing here reads a clock.
//
// Accounting for utilisation and saturation: busy_server_s() integrates busy servers over time;
// demand_s() sums the service time of every foreground job that entered and every background job
// that started, so demand_s / (servers * elapsed) is the offered load (>= 1: the pool cannot keep
// up; background work still buffered, such as undrained NVRAM, is not counted until it starts).
//
// Not thread-safe. The pool must outlive the actions it scheduled (own it with the scheduler's
// run).
#pragma once

#include "flashtwin/models/event_scheduler.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

namespace flashtwin::models {

using JobDone = std::function<void()>;

struct Job {
  double service_s = 0;  // >= 0
  JobDone done;          // runs when the job's service ends
};

// Where a pool's background work comes from (e.g. a write buffer to drain).
class BackgroundWork {
 public:
  virtual ~BackgroundWork() = default;
  // The next background job, if there is one to start now. `urgent_only`: take it only if the
  // work cannot wait behind foreground jobs.
  virtual std::optional<Job> take(bool urgent_only) = 0;
};

class ServerPool {
 public:
  // Requires servers >= 1. `background` may be null; it must outlive the pool.
  ServerPool(EventScheduler& scheduler, std::uint32_t servers,
             BackgroundWork* background = nullptr);
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  // A foreground job: starts now if a server is free (and no urgent background work claims it),
  // else waits its turn.
  void submit(Job job);
  // Background work became available: start it on idle servers.
  void poke();

  std::uint32_t servers() const { return servers_; }
  std::uint32_t busy() const { return busy_; }
  std::size_t waiting() const { return waiting_.size(); }
  // Server-seconds spent serving, up to now.
  double busy_server_s() const;
  // Service seconds of every job that entered the pool, started or not.
  double demand_s() const { return demand_s_; }
  std::uint64_t jobs_started() const { return started_; }

 private:
  void start(Job job);
  void finish(const JobDone& done);
  void fill_idle_servers();
  void account();

  EventScheduler& scheduler_;
  std::uint32_t servers_;
  BackgroundWork* background_;
  std::deque<Job> waiting_;
  std::uint32_t busy_ = 0;
  bool background_went_last_ = false;
  double busy_integral_s_ = 0;
  double last_change_s_ = 0;
  double demand_s_ = 0;
  std::uint64_t started_ = 0;
};

}  // namespace flashtwin::models
