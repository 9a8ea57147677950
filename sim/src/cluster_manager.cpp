#include "cluster_manager.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <variant>

namespace flashtwin::sim {

ClusterManager::ClusterManager(const Scenario& scenario, const ScenarioIndex& index,
                               const models::Topology& topology, CommandExecutor& executor,
                               WorkloadDriver& driver, models::EventScheduler& scheduler,
                               RequestLedger& ledger, RunSink& sink,
                               const std::vector<VmPlacement>& placement)
    : scenario_(scenario),
      index_(index),
      topology_(topology),
      executor_(executor),
      driver_(driver),
      scheduler_(scheduler),
      ledger_(ledger),
      sink_(sink),
      failed_(scenario.cluster.hosts.size(), false),
      no_cache_(scenario.cluster.hosts.size(), false),
      down_(scenario.vms.size(), false),
      peers_(scenario.vms.size()),
      asked_(scenario.vms.size(), 0) {
  for (std::size_t v = 0; v < scenario.vms.size() && v < placement.size(); ++v) {
    asked_[v] = placement[v].asked;
    if (!placement[v].write_through()) peers_[v] = placement[v].peers;
  }
}

void ClusterManager::start() {
  executor_.set_control_handler(
      [this](std::size_t h, const engine::Command& command) { on_command(h, command); });
  schedule_link_cuts();
  for (const EventSpec& event : scenario_.events) {
    if (const auto* loss = std::get_if<PowerLoss>(&event.what)) {
      if (loss->host.empty()) {
        scheduler_.at(event.at_s, [this, d = loss->duration_s] { power_lost(d); });
        continue;
      }
      // A host with flash and RAM is two hosts here (HostSpec::machine): both stop before
      // either failure is handled.
      const std::vector<std::size_t>& hosts = index_.machine_hosts[index_.host(loss->host)];
      scheduler_.at(event.at_s, [this, &hosts] {
        for (const std::size_t h : hosts)
          host_failed(h, true);
      });
      scheduler_.at(event.at_s + loss->duration_s, [this, &hosts] {
        for (const std::size_t h : hosts)
          timeline(ClusterEventKind::power_restored, h);
      });
      scheduler_.at(event.at_s + loss->duration_s + scenario_.cluster.ha.boot_s, [this, &hosts] {
        for (const std::size_t h : hosts)
          for (std::size_t f = 0; f < failures_.size(); ++f)
            if (failures_[f].host == h && failures_[f].power_loss) host_back(f);
      });
    } else if (const auto* failure = std::get_if<HostFailure>(&event.what)) {
      const std::size_t h = index_.host(failure->host);  // a host with flash and RAM: its flash
      if (failure->flash_only) {
        if (executor_.host(h).flash == nullptr) continue;  // the baseline run: no flash to fail
        scheduler_.at(event.at_s, [this, h] { flash_failed(h); });
      } else {
        const std::vector<std::size_t>& hosts = index_.machine_hosts[h];
        scheduler_.at(event.at_s, [this, &hosts] {
          for (const std::size_t g : hosts)
            host_failed(g);
        });
        if (failure->repair_s > 0)
          for (const std::size_t g : hosts)
            host_repair(g, event.at_s + failure->repair_s);
      }
    }
  }
}

std::int64_t ClusterManager::now_ns() const {
  return std::llround(scheduler_.now_s() * 1e9);
}

void ClusterManager::timeline(ClusterEventKind kind, std::size_t host, std::size_t vm,
                              std::uint64_t blocks) {
  sink_.record(ClusterEvent{now_ns(), kind, host, vm, blocks});
}

// Called inside the executor's pump: handled a moment later, in the same simulated instant.
void ClusterManager::on_command(std::size_t h, const engine::Command& command) {
  if (const auto* applied = std::get_if<engine::ModeApplied>(&command)) {
    const engine::ModeApplied copy = *applied;
    scheduler_.at(scheduler_.now_s(), [this, h, copy] {
      const auto vm = static_cast<std::size_t>(copy.vm);
      if (copy.mode == engine::CacheMode::write_through && draining_.contains(vm) && !down_[vm] &&
          driver_.host_of(vm) == h)
        drained(vm, h);
    });
  } else if (const auto* done = std::get_if<engine::ReplicasRecovered>(&command)) {
    const engine::ReplicasRecovered copy = *done;
    scheduler_.at(scheduler_.now_s(), [this, h, copy] { replicas_recovered(h, copy); });
  } else if (const auto* gone = std::get_if<engine::PeerUnreachable>(&command)) {
    const auto peer = static_cast<std::size_t>(gone->peer);
    scheduler_.at(scheduler_.now_s(), [this, h, peer] { peer_unreachable(h, peer); });
  } else if (const auto* rebuilt = std::get_if<engine::IndexRebuilt>(&command)) {
    const engine::IndexRebuilt copy = *rebuilt;
    scheduler_.at(scheduler_.now_s(), [this, h, copy] {
      if (power_.active) {
        index_rebuilt(h, copy);
      } else {
        host_rejoined(h);
      }
    });
  }
}

// The VMs running on host h stop with it (their requests in flight abandoned). A VM that was
// draining for a new peer stops being so: its under-protection goes on as the failure's.
void ClusterManager::stop_vms_on(std::size_t h, Failure& failure) {
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    if (down_[v] || driver_.host_of(v) != h) continue;
    failure.vms.push_back(v);
    stop_vm(v, failure.failed_ns);
  }
}

void ClusterManager::stop_vm(std::size_t v, std::int64_t at_ns) {
  down_[v] = true;
  driver_.crash_vm(v);
  if (const auto draining = draining_.find(v); draining != draining_.end()) {
    sink_.record(UnderProtection{v, draining->second, at_ns});
    draining_.erase(draining);
  }
}

void ClusterManager::host_failed(std::size_t h, bool power_loss) {
  Failure failure{h, now_ns(), 0, {}};
  failure.power_loss = power_loss;
  stop_vms_on(h, failure);
  failed_[h] = true;
  no_cache_[h] = true;
  if (power_loss) {
    executor_.power_off(h);
    timeline(ClusterEventKind::power_lost, h);
  } else {
    executor_.fail_host(h);
    timeline(ClusterEventKind::host_failed, h);
  }
  failures_.push_back(std::move(failure));
  const std::size_t f = failures_.size() - 1;
  scheduler_.at(scheduler_.now_s() + scenario_.cluster.ha.detect_s, [this, f] { declare_down(f); });
}

void ClusterManager::flash_failed(std::size_t h) {
  Failure failure{h, now_ns(), 0, {}, true};
  stop_vms_on(h, failure);
  executor_.replace_engine(h, make_engine_(h, false));
  no_cache_[h] = true;  // never a peer again
  timeline(ClusterEventKind::flash_failed, h);
  failures_.push_back(std::move(failure));
  declare_down(failures_.size() - 1);  // the host reports its own device: no detection delay
}

// Heartbeats missed for detect_s: the host is declared down (and fenced: it is off). Writes
// waiting for it go on, the VMs it protected drain for a new peer, and the survivors write its
// replicas to the array.
void ClusterManager::declare_down(std::size_t f) {
  const std::size_t h = failures_[f].host;
  failures_[f].declared = true;
  if (!failures_[f].flash_only) timeline(ClusterEventKind::host_declared_down, h);
  const std::int64_t now = now_ns();
  // The other live hosts (after a flash failure, host h itself runs on, without a cache).
  auto others = [&](std::size_t g) { return !failed_[g] && g != h; };
  for (std::size_t g = 0; g < executor_.host_count(); ++g) {
    if (!others(g)) continue;
    executor_.host(g).engine->peer_down(now, static_cast<engine::HostId>(h));
    executor_.pump(g);
  }
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    if (down_[v] || std::erase(peers_[v], h) == 0) continue;
    drain_for_new_peer(v, h);
  }
  std::size_t live = 0;
  for (std::size_t g = 0; g < executor_.host_count(); ++g)
    live += others(g) ? 1 : 0;
  failures_[f].answers_left = live;
  if (live == 0) {
    finish_recovery(f);
    return;
  }
  for (std::size_t g = 0; g < executor_.host_count(); ++g) {
    if (!others(g)) continue;
    executor_.host(g).engine->recover_replicas(now, static_cast<engine::HostId>(h));
    executor_.pump(g);
  }
  if (sample_levels_) sample_levels_();
}

std::vector<std::size_t> ClusterManager::undeclared_failures() const {
  std::vector<std::size_t> hosts;
  for (const Failure& failure : failures_)
    if (!failure.declared) hosts.push_back(failure.host);
  return hosts;
}

void ClusterManager::replicas_recovered(std::size_t from, const engine::ReplicasRecovered& done) {
  timeline(ClusterEventKind::replicas_recovered, from, kNoVm, done.blocks_written);
  if (power_.active) {
    if (--power_.answers_left == 0) restart_after_power_loss();
    return;
  }
  for (std::size_t f = 0; f < failures_.size(); ++f) {
    if (failures_[f].host != done.owner || failures_[f].answers_left == 0) continue;
    if (--failures_[f].answers_left == 0) finish_recovery(f);
    return;
  }
}

// Every survivor's replicas are on the array; once the failed host's own array writes still on
// their way have landed (or failed), what the array lacks of its VMs' acknowledged writes is lost.
void ClusterManager::finish_recovery(std::size_t f) {
  const Failure& failure = failures_[f];
  if (executor_.host(failure.host).array_writes_in_flight > 0) {
    scheduler_.at(scheduler_.now_s() + kArrayWritesPoll_s, [this, f] { finish_recovery(f); });
    return;
  }
  for (const std::size_t vm : failure.vms) {
    const RequestLedger::Losses lost = ledger_.take_losses(driver_.disks_of(vm));
    if (!failure.flash_only) ledger_.vm_rebooted(driver_.disks_of(vm));
    if (asked_[vm] > 0) sink_.record(UnderProtection{vm, failure.failed_ns, now_ns()});
    // A crashed host's VMs boot elsewhere; after a flash failure they go on where they are.
    const double boot_s = failure.flash_only ? 0.0 : scenario_.cluster.ha.boot_s;
    scheduler_.at(scheduler_.now_s() + boot_s,
                  [this, vm, f, lost] { restart(vm, f, lost.writes, lost.blocks, lost.bytes); });
  }
  failures_[f].recovered = true;
  if (failures_[f].back_waiting) host_back(f);
}

// Crashed host h is repaired at `at_s` and boots: at at_s + ha.boot_s it comes back as after a
// power loss of its own (host_back: empty, a member again once its index is rebuilt).
void ClusterManager::host_repair(std::size_t h, double at_s) {
  scheduler_.at(at_s, [this, h] { timeline(ClusterEventKind::host_repaired, h); });
  scheduler_.at(at_s + scenario_.cluster.ha.boot_s, [this, h] {
    for (std::size_t f = 0; f < failures_.size(); ++f)
      if (failures_[f].host == h && !failures_[f].flash_only) host_back(f);
  });
}

// A live host for VM vm to boot on: with a cache first, then with the cache of the VM's medium
// (flash if its policy names none), then the fewest running VMs, then scenario order.
std::optional<std::size_t> ClusterManager::restart_host(std::size_t vm) const {
  std::optional<std::tuple<bool, bool, std::size_t, std::size_t>> best;
  const CacheMedium medium = index_.vm_medium[vm];
  for (std::size_t h = 0; h < executor_.host_count(); ++h) {
    if (failed_[h] || (links_ && !links_->reaches_array(h))) continue;
    std::size_t running = 0;
    for (std::size_t v = 0; v < scenario_.vms.size(); ++v)
      running += !down_[v] && driver_.host_of(v) == h ? 1 : 0;
    const bool other_medium = volatile_cache(h) != (medium == CacheMedium::ram);  // `any`: flash
    const auto key = std::tuple{executor_.host(h).flash == nullptr, other_medium, running, h};
    if (!best || key < *best) best = key;
  }
  if (!best) return std::nullopt;
  return std::get<3>(*best);
}

// The VM's own mode in the scenario (none: its datastore's).
std::optional<engine::CacheMode> ClusterManager::scenario_mode(std::size_t vm) const {
  if (!scenario_.vms[vm].policy) return std::nullopt;
  return scenario_.vms[vm].policy->mode;
}

// The mode a VM runs under on host h, and its peers there: its scenario policy; pass-through
// without flash; write-through when too few peers are eligible.
std::optional<engine::CacheMode> ClusterManager::own_mode(std::size_t vm, std::size_t h,
                                                          std::vector<std::size_t>& peers) {
  peers.clear();
  if (executor_.host(h).flash == nullptr) return engine::CacheMode::pass_through;
  const std::optional<engine::CacheMode> own = scenario_mode(vm);
  if (asked_[vm] == 0) return own;
  peers = peers_for(vm, h, {});
  if (peers.size() < asked_[vm]) {
    peers.clear();
    return engine::CacheMode::write_through;
  }
  return own;
}

void ClusterManager::restart(std::size_t vm, std::size_t f, std::uint64_t writes_lost,
                             std::uint64_t blocks_lost, std::uint64_t bytes_lost) {
  const Failure& failure = failures_[f];
  const OutageCause cause = failure.flash_only   ? OutageCause::flash_failed
                            : failure.power_loss ? OutageCause::power_loss
                            : failure.isolated   ? OutageCause::host_isolated
                                                 : OutageCause::host_failed;
  VmOutage outage{vm,          failure.host, failure.failed_ns, -1,   0,
                  writes_lost, blocks_lost,  bytes_lost,        cause};
  const std::optional<std::size_t> target =
      failure.flash_only ? std::optional<std::size_t>(failure.host) : restart_host(vm);
  if (!target) {  // no live host: the VM stays down
    sink_.record(outage);
    return;
  }
  const std::size_t h = *target;
  std::vector<std::size_t> peers;
  const std::optional<engine::CacheMode> mode = own_mode(vm, h, peers);
  SimHost& host = executor_.host(h);
  const auto id = static_cast<engine::VmId>(vm);
  host.engine->add_vm(id, static_cast<engine::DatastoreId>(index_.vm_datastore[vm]), mode);
  driver_.add_vm_disks_to(vm, h);
  std::vector<engine::HostId> ids(peers.begin(), peers.end());
  if (!ids.empty()) host.engine->set_replica_peers(id, ids);
  peers_[vm] = peers;
  down_[vm] = false;
  outage.restarted_ns = now_ns();
  outage.restarted_on = h;
  sink_.record(outage);
  timeline(ClusterEventKind::vm_restarted, h, vm);
  if (asked_[vm] > 0 && peers.empty() && host.flash != nullptr)
    timeline(ClusterEventKind::vm_write_through, h, vm);
  driver_.restart_vm(vm, h);
  executor_.pump(h);
}

// The VM lost a peer: its dirty blocks have one copy fewer than asked until destaged. It drains
// out of write-back (its writes go through meanwhile); drained() gives it new peers.
void ClusterManager::drain_for_new_peer(std::size_t vm, std::size_t lost_peer) {
  if (asked_[vm] == 0) return;
  const std::size_t h = driver_.host_of(vm);
  timeline(ClusterEventKind::vm_underprotected, lost_peer, vm);
  draining_.try_emplace(vm, now_ns());
  executor_.host(h).engine->set_vm_mode(now_ns(), static_cast<engine::VmId>(vm),
                                        engine::CacheMode::write_through);
  executor_.pump(h);
}

void ClusterManager::drained(std::size_t vm, std::size_t h) {
  sink_.record(UnderProtection{vm, draining_.at(vm), now_ns()});
  draining_.erase(vm);
  const std::vector<std::size_t> peers = peers_for(vm, h, peers_[vm]);
  if (peers.size() < asked_[vm]) {  // too few eligible: it stays write-through
    executor_.host(h).engine->set_replica_peers(static_cast<engine::VmId>(vm), {});
    peers_[vm].clear();
    timeline(ClusterEventKind::vm_write_through, h, vm);
    return;
  }
  protect_with(vm, h, peers);
}

void ClusterManager::protect_with(std::size_t vm, std::size_t owner,
                                  const std::vector<std::size_t>& peers) {
  engine::HostEngine& engine = *executor_.host(owner).engine;
  const auto id = static_cast<engine::VmId>(vm);
  const std::vector<engine::HostId> ids(peers.begin(), peers.end());
  engine.set_replica_peers(id, ids);
  peers_[vm] = peers;
  engine.set_vm_mode(now_ns(), id, scenario_mode(vm));
  timeline(ClusterEventKind::vm_reprotected, peers.back(), vm);
  executor_.pump(owner);
}

}  // namespace flashtwin::sim
