// Topology: the cluster's network as a graph — hosts, top-of-rack switches, spine switches, an
// optional storage-fabric switch and the array (nodes), joined by links with a bandwidth and a
// latency — with routes as shortest paths and a fault domain (rack) per host.
//
// Plain C++; routes are computed with Boost.Graph's Dijkstra (kept inside topology.cpp). The
// SimGrid platform builder installs one route per pair of endpoints from here, and replica
// placement can use the same graph (route latency, fault domains).
//
// Two networks. Every link belongs to the host network (Ethernet: iSCSI/NFS and peer traffic) or
// to a storage fabric (FC). Host-to-host routes use the host network only. Routes to the array use
// the network the array is attached to: the host network (ArrayAttachment::host_network) or its
// own fabric (ArrayAttachment::own_fabric: one fabric switch, one HBA link per host, one link to
// the array), in which case the array cannot be reached through host-network links.
//
// Routes. A route is a path from one endpoint to another that transits only through switches
// (never through a host or the array). Cost, compared exactly in integers: the sum of link
// latencies rounded to the nanosecond, ties broken by fewer links, then deterministically by the
// smallest node index going back from the destination (so with several equal spines, traffic
// goes through the first one: equal-cost multipath is not modelled).
//
// Units: latencies in microseconds; bandwidths in MB/s = 10^6 bytes per second (megabytes, like
// the device figures: a 10 GbE link is 1250 MB/s).
//
// Invariants: node names are unique; every host has a non-empty rack (its fault domain); link
// endpoints are valid node indices. A Topology is a value: copy it freely; not thread-safe to
// mutate while read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

enum class NodeKind : std::uint8_t { host, tor_switch, spine_switch, fabric_switch, array };
enum class Network : std::uint8_t { host_network, storage_fabric };
enum class ArrayAttachment : std::uint8_t { host_network, own_fabric };

struct LinkSpec {
  double bandwidth_mbps = 1250;  // > 0 and finite (1250 MB/s = 10 Gb/s)
  double latency_us = 5;         // >= 0 and finite
};

struct TopologyNode {
  std::string name;
  NodeKind kind = NodeKind::host;
  std::string rack;  // hosts (their fault domain) and top-of-rack switches; empty otherwise
};

struct TopologyLink {
  std::string name;  // "<a>--<b>"
  std::size_t a = 0;
  std::size_t b = 0;
  LinkSpec spec;
  Network network = Network::host_network;
};

// One link of a route and the direction it is crossed in: forward = from link.a to link.b.
struct RouteHop {
  std::size_t link = 0;
  bool forward = true;
};

struct Route {
  std::vector<std::size_t> nodes;  // from the source to the destination, both included
  std::vector<RouteHop> hops;      // nodes.size() - 1 links
  double latency_us = 0;           // sum of the links' latencies
  double bottleneck_mbps = 0;      // smallest bandwidth along the route
};

class Topology {
 public:
  // Building. Throws std::invalid_argument on a duplicate or empty name, a host without a rack,
  // a bad index, or a bad LinkSpec. Returns the new node's or link's index.
  std::size_t add_node(TopologyNode node);
  std::size_t add_link(std::size_t a, std::size_t b, LinkSpec spec, Network network);

  const std::vector<TopologyNode>& nodes() const { return nodes_; }
  const std::vector<TopologyLink>& links() const { return links_; }
  // Index of the node called `name`; throws std::invalid_argument if there is none.
  std::size_t node(std::string_view name) const;
  std::optional<std::size_t> find_node(std::string_view name) const;
  // Indices of the hosts, in the order they were added.
  std::vector<std::size_t> hosts() const;
  // Index of the array node, if there is one (at most one).
  std::optional<std::size_t> array() const;
  // The network the array is attached to (host_network if there is no array).
  Network array_network() const;

  // The rack of host `host` (its fault domain). Throws std::invalid_argument if not a host.
  const std::string& fault_domain(std::size_t host) const;

  // The route from `from` to `to` over the links of `network` only (rules above), or nullopt if
  // there is none. Requires from != to.
  std::optional<Route> find_route(std::size_t from, std::size_t to, Network network) const;
  // The route between two endpoints over the right network: the array's network if one end is
  // the array, else the host network. Throws std::invalid_argument if there is none.
  Route route(std::size_t from, std::size_t to) const;

 private:
  std::vector<TopologyNode> nodes_;
  std::vector<TopologyLink> links_;
};

struct HostPlacement {
  std::string name;
  std::string rack;
};

// `racks` racks "r1".."rN" of `hosts_per_rack` hosts "r1-h1".. each.
std::vector<HostPlacement> hosts_in_racks(std::size_t racks, std::size_t hosts_per_rack);

// Links of the array: array_link joins the array to the switch (single-switch), to every spine
// (leaf-spine) or to the fabric switch (own fabric); fabric_link is each host's HBA link to the
// fabric switch (own fabric only).
struct ArraySpec {
  ArrayAttachment attachment = ArrayAttachment::host_network;
  LinkSpec array_link{.bandwidth_mbps = 5000, .latency_us = 5};
  LinkSpec fabric_link{.bandwidth_mbps = 1600, .latency_us = 2};  // 16 Gb FC
};

// One switch "switch" and every host on it; the array as per ArraySpec ("array", fabric switch
// "fabric"). Racks still give fault domains. Requires at least one host.
struct SingleSwitchSpec {
  std::vector<HostPlacement> hosts;
  LinkSpec host_link;
  ArraySpec array;
};
Topology make_single_switch(const SingleSwitchSpec& spec);

// One top-of-rack switch "tor-<rack>" per rack (racks in order of first appearance), each joined
// to every spine "spine-1".."spine-S" by an uplink; hosts on their rack's ToR; the array on every
// spine or on its own fabric. Requires at least one host and one spine.
struct LeafSpineSpec {
  std::vector<HostPlacement> hosts;
  std::size_t spines = 2;
  LinkSpec host_link;
  LinkSpec uplink{.bandwidth_mbps = 5000, .latency_us = 2};  // 40 Gb/s ToR <-> spine
  ArraySpec array;
};
Topology make_leaf_spine(const LeafSpineSpec& spec);

}  // namespace flashtwin::models
