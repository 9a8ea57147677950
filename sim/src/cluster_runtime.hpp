// ClusterRuntime: one scenario run in SimGrid. One HostEngine per host; every engine command
// becomes a SimGrid activity (a device I/O on the host's flash, a transfer to or from the array
// plus the array's NVRAM/backend time) started without an actor, whose completion is fed back to
// the engine; engine timers become SimGrid kernel timers. Workloads are driven per virtual disk,
// open loop (at the stream's issue times) or closed loop (queue depth). Requests are numbered and
// every completion judged by the RequestLedger (reads by its ConsistencyOracle); at the end the
// hosts go idle, destage everything, and every acknowledged write must be on the array. Each flash
// device's garbage-collection rule runs once per window (models::GarbageCollection) and sets the
// device's write bandwidth for the next one.
//
// A `baseline` run is the same workload with no flash tier (every VM pass-through), for the
// latency gain and array offload.
//
// SimGrid's Engine is a process-wide singleton that cannot be rebuilt: one run() per process.
// Internal to sim/.
#pragma once

#include "array_state.hpp"
#include "flashtwin/engine/host_engine.hpp"
#include "flashtwin/models/request_stream.hpp"
#include "flashtwin/models/simgrid_platform.hpp"
#include "flashtwin/sim/request_ledger.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "flashtwin/sim/version_store.hpp"
#include "run_sink.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace flashtwin::sim {

class ClusterRuntime {
 public:
  ClusterRuntime(const Scenario& scenario, bool baseline, RunSink& sink);
  ~ClusterRuntime();
  ClusterRuntime(const ClusterRuntime&) = delete;
  ClusterRuntime& operator=(const ClusterRuntime&) = delete;

  // Runs to the end: the workload's duration, then until every host has destaged its dirty data.
  // `progress` is called with the simulated seconds reached, about a hundred times.
  void run(const std::function<void(double)>& progress);

  std::uint64_t requests_completed() const { return requests_completed_; }
  // Simulated seconds after the workload ended until the last dirty block reached the array.
  double drain_s() const { return drain_s_; }
  // Simulated time at which the run ended (every reported event is at or before it).
  std::int64_t end_ns() const { return end_ns_; }

 private:
  struct Host;
  struct Disk;
  struct Pending {
    std::size_t disk = 0;
    engine::IoKind kind = engine::IoKind::read;
    std::uint64_t bytes = 0;
    std::int64_t submitted_ns = 0;
  };

  void build_engines();
  void start_workloads();
  void schedule_open_loop(std::size_t disk);
  void submit(std::size_t disk, const models::StreamRequest& request);
  void pump(std::size_t host);
  void start_flash_io(std::size_t host, models::DeviceOp op, std::uint64_t bytes,
                      models::CommStarter::Done done);
  void dispatch(std::size_t host, const engine::Command& command);
  void complete(std::size_t host, engine::CommandId id, bool ok,
                std::span<const engine::Version> data = {});
  void request_done(std::size_t host, const engine::CompleteRequest& done);
  void schedule_events();
  void sample_gauges();
  void garbage_collection_window(std::size_t host);
  void check_array_holds_acknowledged_writes();
  static std::int64_t now_ns();

  const Scenario& scenario_;
  bool baseline_;
  RunSink& metrics_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<std::unique_ptr<Disk>> disks_;
  std::unordered_map<engine::RequestId, Pending> pending_;
  std::uint64_t requests_completed_ = 0;
  double drain_s_ = 0;
  std::int64_t end_ns_ = 0;
  RequestLedger ledger_;
  std::unique_ptr<ArrayState> array_;
  std::unique_ptr<models::SimPlatform> platform_;
  std::unique_ptr<models::CommStarter> comms_;
};

}  // namespace flashtwin::sim
