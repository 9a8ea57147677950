// Topology: building, validation, routes (Boost.Graph Dijkstra) and the two builders.
#include "flashtwin/models/topology.hpp"

#include "workload_text.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace flashtwin::models {
namespace {

// Route cost in integers so that ties are exact: latency in ns * kHopUnit + 1 per link.
using Cost = std::int64_t;
constexpr Cost kHopUnit = Cost{1} << 16;
constexpr double kMaxLatencyUs = 1e6;  // keeps costs far from overflow

struct EdgeData {
  Cost cost = 0;
  std::size_t link = 0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property, EdgeData>;

Cost link_cost(const LinkSpec& spec) {
  return static_cast<Cost>(std::llround(spec.latency_us * 1000.0)) * kHopUnit + 1;
}

bool is_switch(NodeKind kind) {
  return kind == NodeKind::tor_switch || kind == NodeKind::spine_switch ||
         kind == NodeKind::fabric_switch;
}

void validate_link_spec(const std::string& where, const LinkSpec& spec) {
  if (!(spec.bandwidth_mbps > 0.0) || !std::isfinite(spec.bandwidth_mbps)) {
    throw std::invalid_argument(where + ": bandwidth_mbps: must be finite and > 0, got " +
                                format_number(spec.bandwidth_mbps));
  }
  if (!(spec.latency_us >= 0.0 && spec.latency_us <= kMaxLatencyUs)) {
    throw std::invalid_argument(where + ": latency_us: must be in [0, 1e6], got " +
                                format_number(spec.latency_us));
  }
}

}  // namespace

std::size_t Topology::add_node(TopologyNode node) {
  if (node.name.empty()) throw std::invalid_argument("topology: node name must not be empty");
  if (find_node(node.name)) {
    throw std::invalid_argument("topology: duplicate node name '" + node.name + "'");
  }
  if (node.kind == NodeKind::host && node.rack.empty()) {
    throw std::invalid_argument("topology: host '" + node.name + "' has no rack");
  }
  if (node.kind == NodeKind::array && array()) {
    throw std::invalid_argument("topology: a second array '" + node.name + "'");
  }
  nodes_.push_back(std::move(node));
  return nodes_.size() - 1;
}

std::size_t Topology::add_link(std::size_t a, std::size_t b, LinkSpec spec, Network network) {
  if (a >= nodes_.size() || b >= nodes_.size() || a == b) {
    throw std::invalid_argument("topology: bad link endpoints " + std::to_string(a) + ", " +
                                std::to_string(b));
  }
  std::string name = nodes_[a].name + "--" + nodes_[b].name;
  validate_link_spec("link " + name, spec);
  links_.push_back({.name = std::move(name), .a = a, .b = b, .spec = spec, .network = network});
  return links_.size() - 1;
}

std::optional<std::size_t> Topology::find_node(std::string_view name) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return i;
  }
  return std::nullopt;
}

std::size_t Topology::node(std::string_view name) const {
  if (auto index = find_node(name)) return *index;
  throw std::invalid_argument("topology: no node '" + std::string(name) + "'");
}

std::vector<std::size_t> Topology::hosts() const {
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].kind == NodeKind::host) result.push_back(i);
  }
  return result;
}

std::optional<std::size_t> Topology::array() const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].kind == NodeKind::array) return i;
  }
  return std::nullopt;
}

Network Topology::array_network() const {
  const auto a = array();
  if (!a) return Network::host_network;
  for (const TopologyLink& link : links_) {
    if (link.a == *a || link.b == *a) return link.network;
  }
  return Network::host_network;
}

const std::string& Topology::fault_domain(std::size_t host) const {
  if (host >= nodes_.size() || nodes_[host].kind != NodeKind::host) {
    throw std::invalid_argument("topology: fault_domain: node " + std::to_string(host) +
                                " is not a host");
  }
  return nodes_[host].rack;
}

std::optional<Route> Topology::find_route(std::size_t from, std::size_t to, Network network) const {
  if (from >= nodes_.size() || to >= nodes_.size() || from == to) {
    throw std::invalid_argument("topology: find_route needs two distinct nodes");
  }
  // Only links of `network` whose ends are switches or the two endpoints: no transit elsewhere.
  auto usable = [&](std::size_t v) { return v == from || v == to || is_switch(nodes_[v].kind); };
  Graph graph(nodes_.size());
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const TopologyLink& link = links_[i];
    if (link.network != network || !usable(link.a) || !usable(link.b)) continue;
    boost::add_edge(link.a, link.b, EdgeData{link_cost(link.spec), i}, graph);
  }
  constexpr Cost kInfinity = std::numeric_limits<Cost>::max();
  std::vector<Cost> distance(nodes_.size(), kInfinity);
  boost::dijkstra_shortest_paths(
      graph, from,
      boost::weight_map(boost::get(&EdgeData::cost, graph))
          .distance_map(boost::make_iterator_property_map(distance.begin(),
                                                          boost::get(boost::vertex_index, graph))));
  if (distance[to] == kInfinity) return std::nullopt;

  // Walk back from `to`, each time to the smallest-index predecessor on a shortest path.
  Route route;
  route.bottleneck_mbps = std::numeric_limits<double>::infinity();
  std::size_t v = to;
  route.nodes.push_back(v);
  while (v != from) {
    std::size_t best_node = nodes_.size();
    std::size_t best_link = links_.size();
    for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
      const std::size_t u = boost::target(*e, graph);
      const EdgeData& data = graph[*e];
      if (distance[u] == kInfinity || distance[u] + data.cost != distance[v]) continue;
      if (u < best_node || (u == best_node && data.link < best_link)) {
        best_node = u;
        best_link = data.link;
      }
    }
    const TopologyLink& link = links_[best_link];
    route.hops.push_back({.link = best_link, .forward = link.a == best_node});
    route.latency_us += link.spec.latency_us;
    route.bottleneck_mbps = std::min(route.bottleneck_mbps, link.spec.bandwidth_mbps);
    v = best_node;
    route.nodes.push_back(v);
  }
  std::reverse(route.nodes.begin(), route.nodes.end());
  std::reverse(route.hops.begin(), route.hops.end());
  return route;
}

Route Topology::route(std::size_t from, std::size_t to) const {
  const auto a = array();
  const bool to_array = a && (from == *a || to == *a);
  const Network network = to_array ? array_network() : Network::host_network;
  if (auto found = find_route(from, to, network)) return *std::move(found);
  throw std::invalid_argument("topology: no route from '" + nodes_.at(from).name + "' to '" +
                              nodes_.at(to).name + "'");
}

std::vector<HostPlacement> hosts_in_racks(std::size_t racks, std::size_t hosts_per_rack) {
  std::vector<HostPlacement> hosts;
  for (std::size_t r = 1; r <= racks; ++r) {
    for (std::size_t h = 1; h <= hosts_per_rack; ++h) {
      // Not `"r" + std::to_string(r)`: GCC 12 at -O3 reports that as an overlapping memcpy
      // (a -Wrestrict false positive).
      std::string rack = "r";
      rack += std::to_string(r);
      hosts.push_back({.name = rack + "-h" + std::to_string(h), .rack = rack});
    }
  }
  return hosts;
}

namespace {

void require_hosts(const std::vector<HostPlacement>& hosts) {
  if (hosts.empty()) throw std::invalid_argument("topology: at least one host is required");
}

// Adds the array (and the fabric, if it has its own) after the hosts and switches are in place.
// `attach_points` are the host-network switches the array joins when on the host network.
void add_array(Topology& topology, const ArraySpec& spec,
               const std::vector<std::size_t>& attach_points) {
  const std::size_t array =
      topology.add_node({.name = "array", .kind = NodeKind::array, .rack = {}});
  if (spec.attachment == ArrayAttachment::host_network) {
    for (std::size_t sw : attach_points) {
      topology.add_link(sw, array, spec.array_link, Network::host_network);
    }
    return;
  }
  const std::size_t fabric =
      topology.add_node({.name = "fabric", .kind = NodeKind::fabric_switch, .rack = {}});
  for (std::size_t host : topology.hosts()) {
    topology.add_link(host, fabric, spec.fabric_link, Network::storage_fabric);
  }
  topology.add_link(fabric, array, spec.array_link, Network::storage_fabric);
}

}  // namespace

Topology make_single_switch(const SingleSwitchSpec& spec) {
  require_hosts(spec.hosts);
  Topology topology;
  const std::size_t sw =
      topology.add_node({.name = "switch", .kind = NodeKind::tor_switch, .rack = {}});
  for (const HostPlacement& h : spec.hosts) {
    const std::size_t host =
        topology.add_node({.name = h.name, .kind = NodeKind::host, .rack = h.rack});
    topology.add_link(host, sw, spec.host_link, Network::host_network);
  }
  add_array(topology, spec.array, {sw});
  return topology;
}

Topology make_leaf_spine(const LeafSpineSpec& spec) {
  require_hosts(spec.hosts);
  if (spec.spines < 1) throw std::invalid_argument("topology: spines: must be >= 1, got 0");
  Topology topology;
  std::vector<std::size_t> spines;
  for (std::size_t s = 1; s <= spec.spines; ++s) {
    spines.push_back(topology.add_node(
        {.name = "spine-" + std::to_string(s), .kind = NodeKind::spine_switch, .rack = {}}));
  }
  for (const HostPlacement& h : spec.hosts) {
    const std::string tor_name = "tor-" + h.rack;
    auto tor = topology.find_node(tor_name);
    if (!tor) {
      tor = topology.add_node({.name = tor_name, .kind = NodeKind::tor_switch, .rack = h.rack});
      for (std::size_t spine : spines) {
        topology.add_link(*tor, spine, spec.uplink, Network::host_network);
      }
    }
    const std::size_t host =
        topology.add_node({.name = h.name, .kind = NodeKind::host, .rack = h.rack});
    topology.add_link(host, *tor, spec.host_link, Network::host_network);
  }
  add_array(topology, spec.array, spines);
  return topology;
}

}  // namespace flashtwin::models
