// ClusterManager: the runtime's stand-in for vSphere HA (docs/CLUSTER.md, "Failures"). It is the
// only part that declares a host down: engines learn membership from it, never from a timeout of
// their own. Internal to sim/.
//
//   fail_flash event, t: the host's flash device fails. Its VMs stall (requests in flight are
//     abandoned, as for a crash), its engine is replaced by one without flash, and at once (the
//     host reports its own device) the other engines are told as below; once its replicas are
//     recovered and its losses counted, its VMs go on, on the same host, pass-through.
//   fail_host event, t: the host stops (CommandExecutor::fail_host: its SimGrid host off, its
//     completions, timer and messages dropped) with its VMs (WorkloadDriver::crash_vm: their
//     requests in flight are abandoned, never acknowledged).
//   t + ha.detect_s: declared down and fenced (it is off: it cannot write again). Every live
//     engine gets peer_down (writes waiting for its acks go to the array too), then
//     recover_replicas (the failed host's replicas go to the array). VMs that had it as a peer
//     drain out of write-back (under-protected meanwhile); once drained they get new peers and go
//     back to write-back, or stay write-through when too few hosts are eligible.
//   once every live engine answered ReplicasRecovered and the failed host's array writes still
//     on their way have landed or failed: the losses of its VMs are counted exactly
//     (RequestLedger::take_losses: acknowledged versions the array lacks), and each VM boots
//     ha.boot_s later on a live host (with a cache first, then with the cache of the VM's medium:
//     flash if its policy names none; then the fewest running VMs, then scenario order), with new
//     peers (replica_placement.hpp, choose_peers). A host with flash and RAM is two hosts here
//     (HostSpec::machine): they fail, lose power and are repaired together, each recovered as
//     one host.
//   fail_host with repair_s, t + repair_s: the host is repaired and boots; ha.boot_s later it
//     comes back as after a power loss of its own (below).
//   power_loss event of one host, t (cluster_power.cpp): a crash for HA, as above (its flash
//     keeps data no one may use: its VMs were recovered and restarted elsewhere). At
//     t + duration + ha.boot_s, once its failure's losses are counted, it runs a new engine that
//     scans its device's metadata and keeps nothing; at IndexRebuilt it is a member again
//     (peer_rejoined on the others): a restart target and a peer, and VMs that had too few peers
//     get it.
//   power_loss event of the cluster, t (cluster_power.cpp): every host stops with its VMs; what
//   each cache
//     device keeps is taken (HostEngine::flash_image; nothing from RAM). At t + duration the
//     power is back, and ha.boot_s later every host runs a new engine with its VMs added, restored
//     from its device (replicas of owners whose own flash kept their data are dropped: the owner
//     holds every acknowledged version). Once every host has rebuilt its index (IndexRebuilt),
//     the flash hosts write the replicas they hold for RAM hosts to the array; then the RAM
//     hosts' VMs' losses are counted as above, and every VM starts again where it ran. A VM with
//     replicas starts write-through, drains, and gets peers again (under-protected meanwhile).
//   cut_link event, t (cluster_links.cpp; docs/CLUSTER.md, "Link cuts and partitions"): the
//     link is cut in LinkState (what crosses it is lost; the executor asks). Engines
//     time out on their own (PeerUnreachable): the owner's VMs that had that peer drain out of
//     write-back and get reachable peers, and the peer forgets the owner's copies (at once if the
//     owner still reaches the array, else when the owner does again). A host that cannot reach
//     the array for ha.detect_s is isolated: fenced (turned off) and handled as a crash declared
//     down at once. At the restore the link is on again and VMs short of peers get them.
// Everything it learns from engines (ModeApplied, ReplicasRecovered) is handled a moment later in
// the same simulated instant, never inside the executor's pump.
//
// Reports to the sink: the timeline (ClusterEvent), each VM outage with its losses (VmOutage) and
// each span of under-protection (UnderProtection).
#pragma once

#include "command_executor.hpp"
#include "flashtwin/models/topology.hpp"
#include "link_state.hpp"
#include "replica_placement.hpp"
#include "workload_driver.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace flashtwin::sim {

class ClusterManager {
 public:
  // `placement`: the replica placement the run started with (empty entries in a baseline run).
  ClusterManager(const Scenario& scenario, const ScenarioIndex& index,
                 const models::Topology& topology, CommandExecutor& executor,
                 WorkloadDriver& driver, models::EventScheduler& scheduler, RequestLedger& ledger,
                 RunSink& sink, const std::vector<VmPlacement>& placement);

  // Schedules the scenario's fail_host events; installs the executor's control handler.
  void start();
  bool failed(std::size_t host) const { return failed_[host]; }
  // Hosts that crashed and are not declared down yet: their VMs' dirty data has only the copies
  // their peers hold, which no engine counts as under-protected until recovery starts.
  std::vector<std::size_t> undeclared_failures() const;
  // Builds a new engine for host h, with its flash or without (after its flash device failed).
  using EngineFactory = std::function<std::unique_ptr<engine::HostEngine>(std::size_t, bool)>;
  void set_engine_factory(EngineFactory make) { make_engine_ = std::move(make); }
  // Called once a host was declared down and recovery started (the cluster's levels peak then).
  void set_level_sampler(std::function<void()> sample) { sample_levels_ = std::move(sample); }

 private:
  struct Failure {
    std::size_t host = 0;
    std::int64_t failed_ns = 0;
    std::size_t answers_left = 0;  // live engines that have not said ReplicasRecovered
    std::vector<std::size_t> vms;  // that ran on it
    bool flash_only = false;       // its flash device failed; the host runs on
    bool declared = false;         // declare_down ran
    bool power_loss = false;       // the host lost power: it comes back (host_back)
    bool recovered = false;        // finish_recovery counted its losses
    bool back_waiting = false;     // its power came back before that: it rejoins after
    bool isolated = false;         // fenced: it could not reach the array for ha.detect_s
  };

  // A power loss of the whole cluster, while it lasts (cluster_power.cpp).
  struct PowerOutage {
    std::int64_t lost_ns = 0;
    std::vector<engine::FlashImage> images;  // by host: what its device kept
    std::size_t rebuilding = 0;              // hosts whose IndexRebuilt is awaited
    std::size_t answers_left = 0;            // ReplicasRecovered awaited
    bool active = false;
  };

  void on_command(std::size_t h, const engine::Command& command);
  // cluster_power.cpp
  bool keeps_data(std::size_t h) const;
  bool volatile_cache(std::size_t h) const;
  void power_lost(double duration_s);
  void boot_after_power_loss();
  void index_rebuilt(std::size_t h, const engine::IndexRebuilt& done);
  void recover_volatile_caches();
  void restart_after_power_loss();
  // Host h's power is back, or it was repaired, and it booted (cluster_power.cpp).
  void host_back(std::size_t failure);
  void host_repair(std::size_t h, double at_s);
  void host_rejoined(std::size_t h);
  // cluster_links.cpp
  void schedule_link_cuts();
  void link_changed(std::size_t link, bool cut);
  void watch_array_path(std::size_t h);
  void fence_if_isolated(std::size_t h, std::int64_t since_ns);
  void peer_unreachable(std::size_t owner, std::size_t peer);
  void forget_stale_copies(std::size_t owner);
  // The hosts VM vm on host `owner` may not take as peers now: without a cache, or cut off from
  // the owner or from the array.
  std::vector<bool> not_eligible(std::size_t owner) const;
  // choose_peers with not_eligible; when enough are found, each forgets the owner's stale copies.
  std::vector<std::size_t> peers_for(std::size_t vm, std::size_t owner,
                                     const std::vector<std::size_t>& keep);
  // VMs running write-through for want of peers get them, if enough are eligible now.
  void reprotect_short_vms();
  void stop_vms_on(std::size_t h, Failure& failure);
  // VM v stops (its requests in flight abandoned); a drain for a new peer ends at `at_ns`.
  void stop_vm(std::size_t v, std::int64_t at_ns);
  void host_failed(std::size_t h, bool power_loss = false);
  void flash_failed(std::size_t h);
  void declare_down(std::size_t failure);
  void replicas_recovered(std::size_t from, const engine::ReplicasRecovered& done);
  void finish_recovery(std::size_t failure);
  void restart(std::size_t vm, std::size_t failure, std::uint64_t writes_lost,
               std::uint64_t blocks_lost, std::uint64_t bytes_lost);
  void drain_for_new_peer(std::size_t vm, std::size_t lost_peer);
  void drained(std::size_t vm, std::size_t h);
  // VM vm on host `owner` gets `peers` (enough of them) and goes back to its policy.
  void protect_with(std::size_t vm, std::size_t owner, const std::vector<std::size_t>& peers);
  std::optional<std::size_t> restart_host(std::size_t vm) const;
  std::optional<engine::CacheMode> scenario_mode(std::size_t vm) const;
  std::optional<engine::CacheMode> own_mode(std::size_t vm, std::size_t h,
                                            std::vector<std::size_t>& peers);
  std::int64_t now_ns() const;
  void timeline(ClusterEventKind kind, std::size_t host, std::size_t vm = kNoVm,
                std::uint64_t blocks = 0);

  static constexpr double kArrayWritesPoll_s = 1e-3;  // waiting for a host's writes to land

  const Scenario& scenario_;
  const ScenarioIndex& index_;
  const models::Topology& topology_;
  CommandExecutor& executor_;
  WorkloadDriver& driver_;
  models::EventScheduler& scheduler_;
  RequestLedger& ledger_;
  RunSink& sink_;
  std::vector<bool> failed_;                     // by host
  std::vector<bool> no_cache_;                   // by host: failed, or its flash failed
  std::vector<bool> down_;                       // by VM: its host failed, not restarted yet
  std::vector<std::vector<std::size_t>> peers_;  // by VM: its peers now
  std::vector<std::uint32_t> asked_;             // by VM: replicas its policy asks for
  std::vector<Failure> failures_;
  std::map<std::size_t, std::int64_t> draining_;  // VM -> under-protected since (ns)
  std::function<void()> sample_levels_;
  EngineFactory make_engine_;
  PowerOutage power_;
  // Link cuts (null in a run without any).
  std::unique_ptr<LinkState> links_;
  std::vector<std::int64_t> cut_from_array_ns_;          // by host: since when (-1: it reaches it)
  std::set<std::pair<std::size_t, std::size_t>> stale_;  // (owner, peer): copies to forget
};

}  // namespace flashtwin::sim
