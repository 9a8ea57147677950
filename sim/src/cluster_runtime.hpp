// ClusterRuntime: one scenario run in SimGrid, composed of its parts:
//   - the world: the SimGrid platform (network, the array's front end), the array's queues
//     (models::StorageArray: NVRAM, read cache, backend servers), each host's flash device queue
//     (models::FlashDevice), the version stores, all on one clock (SimGridScheduler);
//   - CommandExecutor: one HostEngine per host; carries out their commands on the world;
//   - WorkloadDriver: the VMs' request streams, open or closed loop, and every completion
//     checked by the ConsistencyOracle;
//   - inject_events, inject_array_events: the scenario's timed events (the array's slowdowns and
//     outages in the baseline run too).
// At the end the hosts go idle, destage everything, and every acknowledged write must be on the
// array. The run lasts until then, and until every migration switched over (a migration's memory
// copy may end after the workload; its switch-over then comes after it too).
//
// A `baseline` run is the same workload with no flash tier (every VM pass-through), for the
// latency gain and array offload.
//
// SimGrid's Engine is a process-wide singleton that cannot be rebuilt: one run() per process.
// Internal to sim/.
#pragma once

#include "flashtwin/models/array_model.hpp"
#include "flashtwin/sim/request_ledger.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "run_sink.hpp"

#include <atomic>
#include <cstdint>
#include <functional>

namespace flashtwin::sim {

class ClusterRuntime {
 public:
  ClusterRuntime(const Scenario& scenario, bool baseline, RunSink& sink);
  ClusterRuntime(const ClusterRuntime&) = delete;
  ClusterRuntime& operator=(const ClusterRuntime&) = delete;

  // Runs to the end: the workload's duration, then until every host has destaged its dirty data.
  // `progress` is called with the simulated seconds reached, about a hundred times. `stop` (may be
  // null) is polled every simulated second, and at least a thousand times: once true, the run ends
  // there, without the final destage nor the check that acknowledged writes reached the array
  // (interrupted()).
  void run(const std::function<void(double)>& progress, const std::atomic<bool>* stop = nullptr);
  bool interrupted() const { return interrupted_; }

  std::uint64_t requests_completed() const { return requests_completed_; }
  // Simulated seconds after the workload ended until the last dirty block reached the array, or
  // the last switch-over of a migration if that came later.
  double drain_s() const { return drain_s_; }
  // Simulated time at which the run ended (every reported event is at or before it).
  std::int64_t end_ns() const { return end_ns_; }

 private:
  const Scenario& scenario_;
  bool baseline_;
  RunSink& sink_;
  RequestLedger ledger_;
  std::uint64_t requests_completed_ = 0;
  double drain_s_ = 0;
  bool interrupted_ = false;
  std::int64_t end_ns_ = 0;
};

}  // namespace flashtwin::sim
