#include "replica_placement.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace flashtwin::sim {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::uint64_t mix(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9ull ^ c;
  h = (h ^ (h >> 29)) * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

const std::string& domain_of(const HostSpec& host) {
  if (!host.fault_domain.empty()) return host.fault_domain;
  return host.rack.empty() ? host.machine_name() : host.rack;
}

bool ram_cache(const Scenario& scenario, std::size_t h) {
  const std::vector<FlashSpec>& cache = scenario.cluster.hosts[h].flash;
  return !cache.empty() && scenario.device(cache.front().device).is_volatile;
}

// Whether host h stands for its machine as a peer of `owner`'s VMs: a machine with flash and RAM
// offers the cache of the owner's medium, or its other one when that one is not `eligible`.
template <class Eligible>
bool offered(const Scenario& scenario, std::size_t h, std::size_t owner, Eligible eligible) {
  const std::vector<HostSpec>& hosts = scenario.cluster.hosts;
  if (ram_cache(scenario, h) == ram_cache(scenario, owner)) return true;
  for (std::size_t g = 0; g < hosts.size(); ++g) {
    if (g != h && hosts[g].machine_name() == hosts[h].machine_name() && eligible(g) &&
        ram_cache(scenario, g) == ram_cache(scenario, owner))
      return false;
  }
  return true;
}

}  // namespace

std::uint32_t replicas_asked(const Scenario& scenario, const ScenarioIndex& index, std::size_t vm) {
  const PolicySpec& policy = scenario.vms[vm].policy
                                 ? *scenario.vms[vm].policy
                                 : scenario.datastores[index.vm_datastore[vm]].policy;
  return policy.mode == engine::CacheMode::write_back ? policy.replicas : 0;
}

std::vector<VmPlacement> place_replicas(const Scenario& scenario, const ScenarioIndex& index,
                                        const models::Topology& topology) {
  const std::vector<HostSpec>& hosts = scenario.cluster.hosts;
  std::vector<double> capacity(hosts.size(), 0);
  std::vector<double> load(hosts.size(), 0);  // disk bytes of the VMs each host protects
  for (std::size_t h = 0; h < hosts.size(); ++h)
    if (!hosts[h].flash.empty()) capacity[h] = hosts[h].flash.front().capacity_gib * kGiB;

  std::vector<VmPlacement> placements(scenario.vms.size());
  for (std::size_t v = 0; v < scenario.vms.size(); ++v) {
    const std::size_t owner = index.vm_host[v];
    if (capacity[owner] == 0) continue;  // pass-through: no flash, no replicas
    VmPlacement& placement = placements[v];
    placement.asked = replicas_asked(scenario, index, v);
    if (placement.asked == 0) continue;
    const std::size_t owner_node = topology.node(hosts[owner].machine_name());
    // (latency ns, load per flash byte, hash, host)
    std::vector<std::tuple<std::int64_t, double, std::uint64_t, std::size_t>> candidates;
    const auto with_cache = [&](std::size_t g) { return capacity[g] > 0; };
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      if (h == owner || capacity[h] == 0) continue;
      if (domain_of(hosts[h]) == domain_of(hosts[owner])) continue;
      if (!offered(scenario, h, owner, with_cache)) continue;
      const models::Route route =
          topology.route(owner_node, topology.node(hosts[h].machine_name()));
      candidates.emplace_back(std::llround(route.latency_us * 1000.0), load[h] / capacity[h],
                              mix(scenario.seed, v, h), h);
    }
    std::sort(candidates.begin(), candidates.end());
    if (candidates.size() < placement.asked) {
      for (const auto& candidate : candidates)
        placement.peers.push_back(std::get<3>(candidate));
      continue;
    }
    double disk_bytes = 0;
    for (const DiskSpec& disk : scenario.vms[v].disks)
      disk_bytes += disk.size_gib * kGiB;
    for (std::uint32_t k = 0; k < placement.asked; ++k) {
      const std::size_t peer = std::get<3>(candidates[k]);
      placement.peers.push_back(peer);
      load[peer] += disk_bytes;
    }
  }
  return placements;
}

std::vector<std::size_t> choose_peers(const Scenario& scenario, const models::Topology& topology,
                                      std::size_t vm, std::size_t owner, std::uint32_t asked,
                                      const std::vector<std::size_t>& keep,
                                      const std::vector<bool>& failed) {
  const std::vector<HostSpec>& hosts = scenario.cluster.hosts;
  std::vector<std::size_t> peers;
  for (const std::size_t peer : keep)
    if (peers.size() < asked) peers.push_back(peer);
  const std::size_t owner_node = topology.node(hosts[owner].machine_name());
  std::vector<std::tuple<std::int64_t, std::uint64_t, std::size_t>> candidates;
  const auto eligible = [&](std::size_t g) { return !failed[g] && !hosts[g].flash.empty(); };
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    if (h == owner || !eligible(h)) continue;
    if (domain_of(hosts[h]) == domain_of(hosts[owner])) continue;
    if (!offered(scenario, h, owner, eligible)) continue;
    const bool machine_taken = std::any_of(peers.begin(), peers.end(), [&](std::size_t p) {
      return hosts[p].machine_name() == hosts[h].machine_name();
    });
    if (machine_taken) continue;
    const models::Route route = topology.route(owner_node, topology.node(hosts[h].machine_name()));
    candidates.emplace_back(std::llround(route.latency_us * 1000.0), mix(scenario.seed, vm, h), h);
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& candidate : candidates) {
    if (peers.size() >= asked) break;
    peers.push_back(std::get<2>(candidate));
  }
  return peers;
}

}  // namespace flashtwin::sim
