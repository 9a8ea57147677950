// ServerPool: a queueing station of `servers` identical servers with one waiting line, the
// building block of the device and array models (flash channels, array backend disks).
//
// Jobs come in two classes. Foreground jobs (host I/O) wait in FIFO order. Background work
// (draining a write buffer) is pulled from a BackgroundWork source whenever a server frees up:
// when the source says its work is urgent, it and the waiting foreground jobs take turns (one
// each, urgent background first), so neither starves; otherwise only an idle server takes it.
// Service is non-preemptive: a started job runs to its end.
//
// Two controls model what is behind the pool slowing down or stopping (an array's rebuild or
// outage, models/array_model.hpp): a service factor k >= 1 makes every job that starts while it is
// set take k times its service_s (jobs in service keep theirs; 1, the default, changes nothing);
// pause() starts no job at all (foreground jobs wait in line, background work is not pulled) and
// holds the `done` of each job that ends meanwhile (its server is free, the work is done, nobody
// hears of it); resume() fills the idle servers, then runs the held `done`s in the order their jobs
// ended.
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
  // Background work became available: start it on idle servers (none while paused).
  void poke();

  // Jobs that start from now on take `factor` times their service_s. Requires a finite factor >=
  // 1 (throws std::invalid_argument).
  void set_service_factor(double factor);
  double service_factor() const { return service_factor_; }
  // No job starts until resume(); the `done` of jobs ending meanwhile is held. pause() while
  // paused and resume() while running change nothing.
  void pause() { paused_ = true; }
  void resume();
  bool paused() const { return paused_; }

  std::uint32_t servers() const { return servers_; }
  std::uint32_t busy() const { return busy_; }
  std::size_t waiting() const { return waiting_.size(); }
  // Server-seconds spent serving, up to now.
  double busy_server_s() const;
  // Service seconds of every job that entered the pool, started or not (as submitted: before any
  // service factor).
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
  double service_factor_ = 1;
  bool paused_ = false;
  std::deque<JobDone> held_;  // the `done` of jobs that ended while paused, in order
};

}  // namespace flashtwin::models
