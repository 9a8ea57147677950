#include "scenario_platform.hpp"

#include <map>

namespace flashtwin::sim {

namespace {
constexpr double kArrayLinkLatencyUs = 2;
constexpr double kFabricLinkMbps = 1600;  // a 16 Gb/s FC HBA per host on a dedicated fabric
}  // namespace

// Built node by node (rather than with models::make_leaf_spine) because every host has its own
// NIC speed.
models::PlatformSpec platform_spec(const Scenario& scenario) {
  const ClusterSpec& c = scenario.cluster;
  models::Topology t;
  const models::LinkSpec uplink{gbps_to_mbps(c.spine_gbps), c.link_latency_us};
  const models::LinkSpec array_link{gbps_to_mbps(c.array_fabric_gbps), kArrayLinkLatencyUs};

  // Switches: one, or a top-of-rack switch per rack under two spines.
  std::vector<std::size_t> spines;
  std::map<std::string, std::size_t> tors;
  std::size_t single_switch = 0;
  const bool leaf_spine = c.topology == "leaf-spine";
  if (leaf_spine) {
    for (int s = 1; s <= 2; ++s) {
      spines.push_back(
          t.add_node({"spine-" + std::to_string(s), models::NodeKind::spine_switch, ""}));
    }
  } else {
    single_switch = t.add_node({"switch", models::NodeKind::tor_switch, ""});
  }
  auto switch_of = [&](const HostSpec& host) {
    if (!leaf_spine) return single_switch;
    const std::string rack = host.rack.empty() ? host.name : host.rack;
    auto [it, added] = tors.try_emplace(rack, 0);
    if (added) {
      it->second = t.add_node({"tor-" + rack, models::NodeKind::tor_switch, rack});
      for (std::size_t spine : spines)
        t.add_link(it->second, spine, uplink, models::Network::host_network);
    }
    return it->second;
  };
  std::vector<std::size_t> hosts;
  for (const HostSpec& host : c.hosts) {
    if (host.machine_name() != host.name) continue;  // a host's RAM cache: the host's node
    const std::size_t sw = switch_of(host);
    const std::size_t h =
        t.add_node({host.name, models::NodeKind::host, host.rack.empty() ? host.name : host.rack});
    t.add_link(h, sw, {gbps_to_mbps(host.nic_gbps), c.link_latency_us},
               models::Network::host_network);
    hosts.push_back(h);
  }
  // The array: on every spine (or the single switch), or on a fabric of its own.
  const std::size_t array = t.add_node({"array", models::NodeKind::array, ""});
  if (c.array_on_host_network) {
    if (leaf_spine) {
      for (std::size_t spine : spines)
        t.add_link(array, spine, array_link, models::Network::host_network);
    } else {
      t.add_link(array, single_switch, array_link, models::Network::host_network);
    }
  } else {
    const std::size_t fabric = t.add_node({"fabric", models::NodeKind::fabric_switch, ""});
    t.add_link(array, fabric, array_link, models::Network::storage_fabric);
    for (std::size_t h : hosts) {
      t.add_link(h, fabric, {kFabricLinkMbps, kArrayLinkLatencyUs},
                 models::Network::storage_fabric);
    }
  }

  models::PlatformSpec spec;
  spec.topology = std::move(t);
  spec.array = scenario.array;
  return spec;
}

}  // namespace flashtwin::sim
