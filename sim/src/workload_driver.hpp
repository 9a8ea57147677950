// WorkloadDriver: feeds each virtual disk's request stream (synthetic or a trace) to its host's
// engine — open loop at the stream's issue times, or closed loop keeping queue_depth requests
// outstanding — until the scenario's duration, and takes each request's completion: metrics, the
// consistency oracle, and the next closed-loop request. Internal to sim/.
//
// Open loop, a disk keeps at most max_outstanding requests in flight (the guest's queue depth);
// an arrival that finds them all busy waits in the guest and is issued, in order, when one
// completes. Its latency counts from its arrival. Waiting arrivals are not materialised: the
// stream is simply read later, so an overloaded system costs no memory for its backlog.
//
// Request ids and write versions are numbered, and completions judged, by the RequestLedger shared
// with the other runtimes. A request beyond its disk is bad input: TraceError naming
// the source and the VM.
#pragma once

#include "command_executor.hpp"
#include "flashtwin/models/request_stream.hpp"
#include "flashtwin/sim/request_ledger.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "run_sink.hpp"
#include "scenario_index.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace flashtwin::sim {

class WorkloadDriver {
 public:
  WorkloadDriver(const Scenario& scenario, const ScenarioIndex& index, CommandExecutor& executor,
                 models::EventScheduler& scheduler, RequestLedger& ledger, RunSink& sink);
  ~WorkloadDriver();

  // Adds every VM disk of the scenario to its host's engine (call after the hosts exist).
  void add_disks();
  // Adds VM vm's disks to host h's engine too: the VM migrates there during the run.
  void add_vm_disks_to(std::size_t vm, std::size_t h);
  // Moves VM vm's I/O to host `to` (docs/CLUSTER.md, "Migration"): from now on its disks' new
  // requests wait in the guest until every request of the VM in flight has completed (the
  // switch-over quiesces the VM), then `switch_over()` runs (the engines learn of the move) and
  // the waiting requests go to `to`, with their arrival times.
  void migrate(std::size_t vm, std::size_t to, std::function<void()> switch_over);
  // VM vm stops with its host (docs/CLUSTER.md, "Failures"): its requests in flight are abandoned
  // (RequestLedger::abandon: never acknowledged), and its disks issue nothing until
  // restart_vm(); a request that arrives meanwhile is dropped (the VM is not running).
  void crash_vm(std::size_t vm);
  // VM vm boots on host h (its disks were added there: add_vm_disks_to): its disks go on with
  // their streams from now.
  void restart_vm(std::size_t vm, std::size_t h);
  // The host VM vm runs on now, and its disks.
  std::size_t host_of(std::size_t vm) const;
  std::vector<engine::DiskId> disks_of(std::size_t vm) const;
  // Requests dropped because their VM was down when they arrived.
  std::uint64_t requests_dropped() const { return requests_dropped_; }
  // Fills host h's cache before t = 0 from its synthetic disks' own distributions (prewarm.hpp);
  // trace-fed disks are left out. Call after add_disks() and before start().
  // Polls `stop` (if given) as it goes.
  void prewarm(std::size_t h, const std::atomic<bool>* stop = nullptr);
  // Starts every stream at time 0.
  void start();
  // A request completed (the executor's RequestDone).
  void request_done(const engine::CompleteRequest& done);

  std::uint64_t requests_completed() const { return requests_completed_; }

 private:
  struct Disk;
  struct Pending {
    std::size_t disk = 0;
    engine::IoKind kind = engine::IoKind::read;
    std::uint64_t bytes = 0;
    std::int64_t submitted_ns = 0;
  };

  void schedule_open_loop(std::size_t disk);
  void arrive(std::size_t disk);
  void release_waiting(std::size_t disk);
  void issue_next(std::size_t disk, std::int64_t arrived_ns);
  void switch_over_if_quiet(std::size_t vm);
  void submit(std::size_t disk, const models::StreamRequest& request, std::int64_t arrived_ns);
  std::int64_t now_ns() const;

  const Scenario& scenario_;
  const ScenarioIndex& index_;
  CommandExecutor& executor_;
  models::EventScheduler& scheduler_;
  RequestLedger& ledger_;
  RunSink& sink_;
  std::vector<std::unique_ptr<Disk>> disks_;
  std::unordered_map<engine::RequestId, Pending> pending_;
  std::uint64_t requests_completed_ = 0;
  std::uint64_t requests_dropped_ = 0;
  struct Move {
    std::size_t vm = 0;
    std::size_t to = 0;
    std::function<void()> switch_over;
  };
  std::vector<Move> moving_;  // migrations waiting for their VM to be quiet
};

}  // namespace flashtwin::sim
