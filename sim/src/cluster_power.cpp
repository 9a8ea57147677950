// ClusterManager: power losses — of the whole cluster, and the return of a host that lost its
// power alone (docs/CLUSTER.md, "Power loss"; the steps in cluster_manager.hpp).
#include "cluster_manager.hpp"

#include <algorithm>

namespace flashtwin::sim {

// Host h's cache device keeps its content without power (flash), or it has none that does.
bool ClusterManager::keeps_data(std::size_t h) const {
  const SimHost& host = executor_.host(h);
  return host.flash != nullptr && !host.flash->profile().is_volatile;
}

bool ClusterManager::volatile_cache(std::size_t h) const {
  const SimHost& host = executor_.host(h);
  return host.flash != nullptr && host.flash->profile().is_volatile;
}

void ClusterManager::power_lost(double duration_s) {
  power_ = PowerOutage{now_ns(), {}, 0, 0, true};
  power_.images.resize(executor_.host_count());
  timeline(ClusterEventKind::power_lost, kNoHost);
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v)
    if (!down_[v]) stop_vm(v, power_.lost_ns);
  for (std::size_t h = 0; h < executor_.host_count(); ++h) {
    if (keeps_data(h)) power_.images[h] = executor_.host(h).engine->flash_image();
    failed_[h] = true;
    executor_.power_off(h);
  }
  scheduler_.at(scheduler_.now_s() + duration_s, [this] {
    timeline(ClusterEventKind::power_restored, kNoHost);
    scheduler_.at(scheduler_.now_s() + scenario_.cluster.ha.boot_s,
                  [this] { boot_after_power_loss(); });
  });
}

// Every host boots with a new engine and its VMs (not started yet); a host whose device kept its
// data rebuilds from it, without the replicas of owners that kept theirs.
void ClusterManager::boot_after_power_loss() {
  const std::int64_t now = now_ns();
  power_.rebuilding = executor_.host_count();
  std::vector<std::size_t> ready;
  for (std::size_t h = 0; h < executor_.host_count(); ++h) {
    const bool with_flash = executor_.host(h).flash != nullptr;
    executor_.power_on(h, make_engine_(h, with_flash));
    failed_[h] = false;
    engine::HostEngine& engine = *executor_.host(h).engine;
    for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
      if (driver_.host_of(v) != h) continue;
      engine.add_vm(static_cast<engine::VmId>(v),
                    static_cast<engine::DatastoreId>(index_.vm_datastore[v]),
                    with_flash ? scenario_mode(v) : engine::CacheMode::pass_through);
      driver_.add_vm_disks_to(v, h);
    }
    if (!keeps_data(h)) {
      ready.push_back(h);
      continue;
    }
    engine::FlashImage& image = power_.images[h];
    std::erase_if(image.replicas, [this](const engine::FlashImage::Replica& replica) {
      return keeps_data(replica.owner);
    });
    engine.restore(now, image);
    image = {};
    executor_.pump(h);
  }
  for (const std::size_t h : ready)
    index_rebuilt(h, {});
}

void ClusterManager::index_rebuilt(std::size_t h, const engine::IndexRebuilt& done) {
  if (keeps_data(h)) timeline(ClusterEventKind::index_rebuilt, h, kNoVm, done.blocks);
  if (--power_.rebuilding == 0) recover_volatile_caches();
}

// The replicas the flash hosts hold for RAM hosts go to the array.
void ClusterManager::recover_volatile_caches() {
  const std::int64_t now = now_ns();
  for (std::size_t owner = 0; owner < executor_.host_count(); ++owner) {
    if (!volatile_cache(owner)) continue;
    for (std::size_t g = 0; g < executor_.host_count(); ++g) {
      if (g == owner || !keeps_data(g)) continue;
      ++power_.answers_left;
      executor_.host(g).engine->recover_replicas(now, static_cast<engine::HostId>(owner));
      executor_.pump(g);
    }
  }
  if (power_.answers_left == 0) restart_after_power_loss();
}

// Once the RAM hosts' array writes from before the loss have landed (their new engines write
// nothing yet), their VMs' losses are counted; every VM starts again where it ran.
void ClusterManager::restart_after_power_loss() {
  for (std::size_t h = 0; h < executor_.host_count(); ++h) {
    if (volatile_cache(h) && executor_.host(h).array_writes_in_flight > 0) {
      scheduler_.at(scheduler_.now_s() + kArrayWritesPoll_s,
                    [this] { restart_after_power_loss(); });
      return;
    }
  }
  power_.active = false;
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    const std::size_t h = driver_.host_of(v);
    RequestLedger::Losses lost;
    if (volatile_cache(h)) lost = ledger_.take_losses(driver_.disks_of(v));
    ledger_.vm_rebooted(driver_.disks_of(v));
    sink_.record(VmOutage{v, h, power_.lost_ns, now_ns(), h, lost.writes, lost.blocks, lost.bytes,
                          OutageCause::power_loss});
    timeline(ClusterEventKind::vm_restarted, h, v);
    down_[v] = false;
    driver_.restart_vm(v, h);
    if (asked_[v] > 0 && executor_.host(h).flash != nullptr) {
      // Its copies on the peers were dropped or written to the array: it drains, then gets peers.
      peers_[v].clear();
      draining_.try_emplace(v, power_.lost_ns);
      engine::HostEngine& engine = *executor_.host(h).engine;
      engine.mark_underprotected(static_cast<engine::VmId>(v));
      engine.set_vm_mode(now_ns(), static_cast<engine::VmId>(v), engine::CacheMode::write_through);
    }
    executor_.pump(h);
  }
}

// Host h's power is back (or it was repaired) and it booted. Once its failure's losses are counted
// it runs a new engine; with flash that kept data it scans its metadata first (IndexRebuilt),
// keeping nothing: its VMs run elsewhere now.
void ClusterManager::host_back(std::size_t f) {
  Failure& failure = failures_[f];
  if (!failure.recovered) {
    failure.back_waiting = true;
    return;
  }
  failure.back_waiting = false;
  const std::size_t h = failure.host;
  executor_.power_on(h, make_engine_(h, executor_.host(h).flash != nullptr));
  if (!keeps_data(h)) {
    host_rejoined(h);
    return;
  }
  executor_.host(h).engine->restore(now_ns(), {});
  executor_.pump(h);
}

// Host h is a member again: every live engine takes its messages, it may be a restart target
// and a peer, and the VMs that run write-through for want of peers get them if they can.
void ClusterManager::host_rejoined(std::size_t h) {
  failed_[h] = false;
  no_cache_[h] = executor_.host(h).flash == nullptr;
  timeline(ClusterEventKind::host_rejoined, h);
  if (links_) {  // back behind a cut link: fenced again if it stays cut
    cut_from_array_ns_[h] = -1;
    watch_array_path(h);
  }
  for (std::size_t g = 0; g < executor_.host_count(); ++g)
    if (g != h && !failed_[g])
      executor_.host(g).engine->peer_rejoined(static_cast<engine::HostId>(h));
  reprotect_short_vms();
}

}  // namespace flashtwin::sim
