// The cluster manager's part in link cuts and partitions (docs/CLUSTER.md, "Link cuts and
// partitions"; the rules are in cluster_manager.hpp).
#include "cluster_manager.hpp"

#include <algorithm>
#include <variant>

namespace flashtwin::sim {

void ClusterManager::schedule_link_cuts() {
  for (const EventSpec& event : scenario_.events) {
    const auto* cut = std::get_if<LinkCut>(&event.what);
    if (cut == nullptr) continue;
    if (!links_) {
      std::vector<std::size_t> nodes;
      for (const HostSpec& host : scenario_.cluster.hosts)
        nodes.push_back(topology_.node(host.machine_name()));
      links_ = std::make_unique<LinkState>(topology_, nodes);
      cut_from_array_ns_.assign(nodes.size(), -1);
      executor_.set_links(links_.get());
    }
    const std::size_t link = find_link(topology_, cut->link).value();
    scheduler_.at(event.at_s, [this, link] { link_changed(link, true); });
    if (cut->duration_s > 0)
      scheduler_.at(event.at_s + cut->duration_s, [this, link] { link_changed(link, false); });
  }
}

void ClusterManager::link_changed(std::size_t link, bool cut) {
  links_->set_cut(link, cut, now_ns());
  sink_.record(ClusterEvent{now_ns(),
                            cut ? ClusterEventKind::link_cut : ClusterEventKind::link_restored,
                            kNoHost, kNoVm, 0, 1, static_cast<std::uint32_t>(link)});
  for (std::size_t h = 0; h < executor_.host_count(); ++h)
    if (!failed_[h]) watch_array_path(h);
  if (cut) return;
  for (std::size_t h = 0; h < executor_.host_count(); ++h)
    if (!failed_[h] && links_->reaches_array(h)) forget_stale_copies(h);
  reprotect_short_vms();
}

// A live host that cannot reach the array is fenced if it still cannot ha.detect_s later.
void ClusterManager::watch_array_path(std::size_t h) {
  if (links_->reaches_array(h)) {
    cut_from_array_ns_[h] = -1;
  } else if (cut_from_array_ns_[h] < 0) {
    const std::int64_t since = now_ns();
    cut_from_array_ns_[h] = since;
    scheduler_.at(scheduler_.now_s() + scenario_.cluster.ha.detect_s,
                  [this, h, since] { fence_if_isolated(h, since); });
  }
}

// Host h has not reached the array since `since_ns` (its VMs' I/O to the array fails): it is
// isolated, and the manager fences it (turns it off) before its VMs restart elsewhere, so that
// two hosts never run one VM. Then as for a crash declared down. A host with flash and RAM is
// fenced whole: both its caches stop before either is declared down.
void ClusterManager::fence_if_isolated(std::size_t h, std::int64_t since_ns) {
  if (failed_[h] || cut_from_array_ns_[h] != since_ns) return;  // back meanwhile, or gone
  std::vector<std::size_t> fenced;
  for (const std::size_t g : index_.machine_hosts[h]) {
    if (failed_[g]) continue;
    Failure failure{g, now_ns(), 0, {}};
    failure.isolated = true;
    stop_vms_on(g, failure);
    failed_[g] = true;
    no_cache_[g] = true;
    executor_.fail_host(g);
    timeline(ClusterEventKind::host_isolated, g);
    // Its owners' copies on peers are what recovery writes: they are not forgotten.
    std::erase_if(stale_, [g](const auto& pair) { return pair.first == g || pair.second == g; });
    failures_.push_back(std::move(failure));
    fenced.push_back(failures_.size() - 1);
  }
  for (const std::size_t f : fenced)
    declare_down(f);  // detected already: it was unreachable for detect_s
}

// Host `owner`'s engine gave up on `peer` (its acks did not come through the timeout and the
// retries): the VMs that had it drain for a new peer, and the peer forgets the owner's copies.
void ClusterManager::peer_unreachable(std::size_t owner, std::size_t peer) {
  if (failed_[owner]) return;
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    if (down_[v] || driver_.host_of(v) != owner || std::erase(peers_[v], peer) == 0) continue;
    drain_for_new_peer(v, peer);
  }
  if (failed_[peer]) return;
  stale_.emplace(owner, peer);
  if (links_->reaches_array(owner)) forget_stale_copies(owner);
}

// The copies the peers given up on hold for `owner` may be older than the array's (their
// releases were lost): they drop them before recovery could use them or the owner names them
// again. The owner holds every dirty block they copied and reaches the array.
void ClusterManager::forget_stale_copies(std::size_t owner) {
  for (auto it = stale_.begin(); it != stale_.end();) {
    if (it->first != owner) {
      ++it;
      continue;
    }
    const std::size_t peer = it->second;
    it = stale_.erase(it);
    if (failed_[peer]) continue;
    executor_.host(peer).engine->forget_replicas(now_ns(), static_cast<engine::HostId>(owner));
    executor_.pump(peer);
  }
}

std::vector<bool> ClusterManager::not_eligible(std::size_t owner) const {
  std::vector<bool> out = no_cache_;
  if (!links_) return out;
  for (std::size_t g = 0; g < out.size(); ++g)
    if (!links_->connected(owner, g) || !links_->reaches_array(g)) out[g] = true;
  return out;
}

std::vector<std::size_t> ClusterManager::peers_for(std::size_t vm, std::size_t owner,
                                                   const std::vector<std::size_t>& keep) {
  if (links_ && !links_->reaches_array(owner)) return {};  // it cannot destage: write-through
  const std::vector<bool> excluded = not_eligible(owner);
  std::vector<std::size_t> kept;
  for (const std::size_t g : keep)
    if (!excluded[g]) kept.push_back(g);
  std::vector<std::size_t> peers =
      choose_peers(scenario_, topology_, vm, owner, asked_[vm], kept, excluded);
  if (peers.size() >= asked_[vm] && !stale_.empty()) forget_stale_copies(owner);
  return peers;
}

void ClusterManager::reprotect_short_vms() {
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    if (down_[v] || asked_[v] == 0 || peers_[v].size() >= asked_[v] || draining_.contains(v))
      continue;
    const std::size_t owner = driver_.host_of(v);
    if (executor_.host(owner).flash == nullptr) continue;
    const std::vector<std::size_t> peers = peers_for(v, owner, {});
    if (peers.size() >= asked_[v]) protect_with(v, owner, peers);
  }
}

}  // namespace flashtwin::sim
