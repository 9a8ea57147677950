// CommandExecutor: carries out what every host's cache engine asks for, on the simulated world,
// and feeds the outcome back to the engine. Internal to sim/.
//
//   FlashRead / FlashWrite  -> the host's FlashDevice queue (models/device_model.hpp); the host's
//                              FlashVersions hold what the slots hold (a host whose device
//                              failed has none: they complete with an I/O error at once)
//   ArrayRead               -> the array's queues (StorageArray), then the data crosses the array
//                              front end and the network back to the host (a SimGrid comm)
//   ArrayWrite              -> host to array over the network and front end, then the array's
//                              queues; the ledger's array versions take the data when the array
//                              acknowledges
//   SetTimer                -> one pending timer per host: a later SetTimer replaces it
//   CompleteRequest         -> handed to the RequestDone callback (the workload driver)
//   ModeApplied,
//   ReplicasRecovered,
//   IndexRebuilt,
//   PeerUnreachable         -> handed to the control handler (the cluster manager), if any
//   SendToPeer              -> a ReplicaWrite: a comm from the host to the peer over the host
//                              network (data plus a header; it shares links with array traffic
//                              where the routes do); acks and releases (a header and a few
//                              versions): delivered after the route's unloaded time (latency +
//                              bytes / bottleneck bandwidth, set_peer_routes), without a comm:
//                              their bandwidth is negligible and a comm costs the simulator as
//                              much as the data's. Then HostEngine::received on the peer.
//                              Messages between one pair of hosts may overtake each other: the
//                              engine is order-independent. A failed comm is never delivered.
// A failed host (fail_host) is gone: its SimGrid host is off (comms to and from it fail), and the
// completions of its commands, its timer and the messages to or from it are dropped; nothing is
// handed to its engine again.
// Every array transfer, network transfer (by purpose) and flash I/O is reported to the RunSink when
// it completes. Completions reach the engine
// with the simulated time in nanoseconds.
//
// Ownership: the executor owns the hosts; the world's parts are borrowed and must outlive it.
// SimGrid's maestro thread only; re-entrant calls (a completion that submits the next request) are
// safe: pump() drains each engine in one outer loop.
#pragma once

#include "flashtwin/engine/host_engine.hpp"
#include "flashtwin/models/array_model.hpp"
#include "flashtwin/models/device_model.hpp"
#include "flashtwin/models/simgrid_platform.hpp"
#include "flashtwin/sim/request_ledger.hpp"
#include "flashtwin/sim/version_store.hpp"
#include "link_state.hpp"
#include "run_sink.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace flashtwin::sim {

// One hypervisor host: its engine and, if it has flash, the device and what it holds.
struct SimHost {
  std::string name;
  simgrid::s4u::Host* node = nullptr;
  std::unique_ptr<engine::HostEngine> engine;
  std::unique_ptr<models::FlashDevice> flash;  // null: no flash (its VMs run pass-through)
  std::unique_ptr<FlashVersions> flash_versions;
  std::uint64_t timer_generation = 0;  // a SetTimer replaces the pending one
  bool pumping = false;
  bool failed = false;                       // CommandExecutor::fail_host, power_off
  std::uint32_t generation = 0;              // bumped by replace_engine, power_off, power_on
  std::uint32_t array_writes_in_flight = 0;  // on their way to the array or in its queues
};

// The shared world the commands act on (borrowed).
struct SimWorld {
  models::SimPlatform& platform;
  models::CommStarter& comms;
  models::EventScheduler& scheduler;
  models::StorageArray& array;
  RequestLedger& ledger;  // numbers requests, judges them, holds the array's versions
};

class CommandExecutor {
 public:
  using RequestDone = std::function<void(std::size_t host, const engine::CompleteRequest&)>;
  using Control = std::function<void(std::size_t host, const engine::Command&)>;

  CommandExecutor(SimWorld world, RunSink& sink, RequestDone request_done);

  // Returns the new host's index (hosts are numbered in the order they are added).
  std::size_t add_host(std::unique_ptr<SimHost> host);
  SimHost& host(std::size_t h) { return *hosts_[h]; }
  const SimHost& host(std::size_t h) const { return *hosts_[h]; }
  std::size_t host_count() const { return hosts_.size(); }

  // Hands `request` to host h's engine and carries out what it asks for.
  void submit(std::size_t h, const engine::IoRequest& request);
  // The same for a VM running on host `client` that caches on host h's flash (remote flash,
  // docs/CLUSTER.md): the request, with a write's data, crosses the host network to h first, and
  // the completion, with a read's data, crosses back before the VM has it (network purpose
  // remote_cache). client == h: submit.
  void submit_from(std::size_t client, std::size_t h, const engine::IoRequest& request);
  // Carries out every command host h's engine has pending (call after any control call).
  void pump(std::size_t h);
  // The host network's route between every pair of hosts (latency in seconds, bottleneck
  // bandwidth in bytes per second), for control messages.
  struct PeerRoute {
    double latency_s = 0;
    double bytes_per_s = 1;
  };
  void set_peer_routes(std::vector<std::vector<PeerRoute>> routes) {
    peer_routes_ = std::move(routes);
  }
  // The cut links (cluster_manager.hpp), in a run that cuts any: a message between two hosts is
  // lost if a link of its route was cut at any time from its sending to its arrival; an array
  // read or write of a host the cuts separate from the array fails at once, and one whose route
  // was cut while it was on its way fails when it would have ended (its data is not taken).
  // Borrowed; null: nothing is cut.
  void set_links(const LinkState* links) { links_ = links; }
  // ModeApplied, ReplicasRecovered, IndexRebuilt and PeerUnreachable commands go to `control`
  // (called while the host's commands are carried out: defer what changes engines).
  void set_control_handler(Control control) { control_ = std::move(control); }
  // Host h fails now (its SimGrid host off; see above). Its array writes already on their way
  // go on: they land or fail as the network and the array decide.
  void fail_host(std::size_t h);
  // Host h's flash device failed: host h goes on with `engine` (built without flash) and no
  // device. What the old engine's commands and timer do later, and messages sent to it, are
  // dropped; its array writes on their way land or fail as for fail_host.
  void replace_engine(std::size_t h, std::unique_ptr<engine::HostEngine> engine);
  // Power loss (docs/CLUSTER.md, "Power loss"). power_off: host h stops as for fail_host, and
  // its flash writes in flight never land (the device's completions are dropped).
  void power_off(std::size_t h);
  // The power is back: host h runs again with `engine` (new, its VMs added), a new device queue
  // of the same device, and the device's content if it is persistent (a RAM cache reads 0
  // everywhere). Messages sent before, by it or to it, are dropped.
  void power_on(std::size_t h, std::unique_ptr<engine::HostEngine> engine);
  // Arms host h's engine timer (replacing the pending one), as for a SetTimer command.
  void arm_timer(std::size_t h, const engine::SetTimer& timer);
  // Simulated seconds of the last completion or timer handed to an engine: when the hosts last
  // had anything to do (the array may go on draining its NVRAM after that).
  double last_engine_event_s() const { return last_engine_event_s_; }

 private:
  void dispatch(std::size_t h, const engine::Command& command);
  void send_to_peer(std::size_t h, const engine::SendToPeer& send);
  // Whether the cut links left host h's route to the array (to host g) whole from `since_ns` to
  // now (by default: now). If not at the start, array reads and writes fail at once (fail_soon:
  // at this date, after the current pump), without a comm.
  bool reaches_array(std::size_t h, std::int64_t since_ns = INT64_MAX) const;
  bool connected(std::size_t h, std::size_t g, std::int64_t since_ns) const;
  void fail_soon(std::size_t h, engine::CommandId id);
  // Hands a completion to host h's engine unless the host failed or its engine was replaced
  // since the command was issued (`generation`).
  void complete(std::size_t h, std::uint32_t generation, engine::CommandId id, bool ok,
                std::span<const engine::Version> data = {});
  void flash_io_done(std::size_t h, engine::IoKind kind, std::uint64_t bytes,
                     std::int64_t submitted_ns);
  std::int64_t now_ns() const;

  SimWorld world_;
  RunSink& sink_;
  RequestDone request_done_;
  // Requests of VMs on a host without flash, by id: that host, and the bytes their answer carries.
  struct RemoteClient {
    std::size_t host = 0;
    std::uint64_t answer_bytes = 0;
  };
  std::unordered_map<engine::RequestId, RemoteClient> remote_clients_;
  Control control_;
  std::vector<std::unique_ptr<SimHost>> hosts_;
  double last_engine_event_s_ = 0;
  // Every 5 simulated seconds at most, at a command completion, freed memory goes back to the
  // system (release_freed_memory: a shrinking dirty set's pages, while the array's versions grow).
  static constexpr double kReleaseEvery_s = 5.0;
  double next_release_s_ = kReleaseEvery_s;
  std::vector<std::vector<PeerRoute>> peer_routes_;
  const LinkState* links_ = nullptr;
  // Failed devices and their version stores, kept alive for the callbacks still queued on them.
  std::vector<std::unique_ptr<models::FlashDevice>> failed_devices_;
  std::vector<std::unique_ptr<FlashVersions>> failed_versions_;
};

}  // namespace flashtwin::sim
