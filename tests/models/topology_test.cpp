// Topology: builders, routes (shortest, deterministic, network-restricted), fault domains and
// validation.
#include "flashtwin/models/topology.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

std::vector<std::string> names_along(const Topology& t, const Route& route) {
  std::vector<std::string> names;
  for (std::size_t n : route.nodes)
    names.push_back(t.nodes()[n].name);
  return names;
}

LeafSpineSpec two_racks(ArrayAttachment attachment) {
  LeafSpineSpec spec;
  spec.hosts = hosts_in_racks(2, 2);
  spec.spines = 2;
  spec.host_link = {.bandwidth_mbps = 1250, .latency_us = 3};
  spec.uplink = {.bandwidth_mbps = 500, .latency_us = 2};
  spec.array.attachment = attachment;
  spec.array.array_link = {.bandwidth_mbps = 4000, .latency_us = 1};
  spec.array.fabric_link = {.bandwidth_mbps = 1600, .latency_us = 4};
  return spec;
}

TEST(LeafSpine, RouteBetweenRacksIsHostTorSpineTorHost) {
  const Topology t = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  const Route route = t.route(t.node("r1-h1"), t.node("r2-h2"));
  EXPECT_EQ(names_along(t, route),
            (std::vector<std::string>{"r1-h1", "tor-r1", "spine-1", "tor-r2", "r2-h2"}));
  ASSERT_EQ(route.hops.size(), 4u);
  EXPECT_DOUBLE_EQ(route.latency_us, 3 + 2 + 2 + 3);
  EXPECT_DOUBLE_EQ(route.bottleneck_mbps, 500);
  // Each hop's link joins consecutive nodes, crossed in the stated direction.
  for (std::size_t i = 0; i < route.hops.size(); ++i) {
    const TopologyLink& link = t.links()[route.hops[i].link];
    EXPECT_EQ(route.hops[i].forward ? link.a : link.b, route.nodes[i]);
    EXPECT_EQ(route.hops[i].forward ? link.b : link.a, route.nodes[i + 1]);
  }
}

TEST(LeafSpine, RouteWithinARackStaysOnItsTor) {
  const Topology t = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  const Route route = t.route(t.node("r2-h1"), t.node("r2-h2"));
  EXPECT_EQ(names_along(t, route), (std::vector<std::string>{"r2-h1", "tor-r2", "r2-h2"}));
  EXPECT_DOUBLE_EQ(route.bottleneck_mbps, 1250);
}

TEST(LeafSpine, RoutesAreDeterministicAndSymmetric) {
  const Topology t = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  const Route a = t.route(t.node("r1-h2"), t.node("r2-h1"));
  const Route b = t.route(t.node("r1-h2"), t.node("r2-h1"));
  EXPECT_EQ(a.nodes, b.nodes);
  Route back = t.route(t.node("r2-h1"), t.node("r1-h2"));
  std::vector<std::size_t> reversed(back.nodes.rbegin(), back.nodes.rend());
  EXPECT_EQ(a.nodes, reversed);
}

TEST(LeafSpine, ArrayOnTheHostNetworkHangsOffTheSpines) {
  const Topology t = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  EXPECT_EQ(t.array_network(), Network::host_network);
  const Route route = t.route(t.node("r2-h1"), *t.array());
  EXPECT_EQ(names_along(t, route),
            (std::vector<std::string>{"r2-h1", "tor-r2", "spine-1", "array"}));
  EXPECT_DOUBLE_EQ(route.latency_us, 3 + 2 + 1);
}

TEST(LeafSpine, ArrayOnItsOwnFabricIsNotReachableThroughTheHostNetwork) {
  const Topology t = make_leaf_spine(two_racks(ArrayAttachment::own_fabric));
  const std::size_t array = *t.array();
  EXPECT_EQ(t.array_network(), Network::storage_fabric);
  for (std::size_t host : t.hosts()) {
    EXPECT_FALSE(t.find_route(host, array, Network::host_network).has_value());
    const Route route = t.route(host, array);
    EXPECT_EQ(names_along(t, route),
              (std::vector<std::string>{t.nodes()[host].name, "fabric", "array"}));
    for (const RouteHop& hop : route.hops) {
      EXPECT_EQ(t.links()[hop.link].network, Network::storage_fabric);
    }
    EXPECT_DOUBLE_EQ(route.latency_us, 4 + 1);
  }
  // Host-to-host traffic never takes the (shorter) path through the fabric switch.
  const Route peer = t.route(t.node("r1-h1"), t.node("r2-h1"));
  for (const RouteHop& hop : peer.hops) {
    EXPECT_EQ(t.links()[hop.link].network, Network::host_network);
  }
  EXPECT_EQ(peer.nodes.size(), 5u);
}

TEST(Topology, FaultDomainIsTheHostsRack) {
  const Topology t = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  EXPECT_EQ(t.fault_domain(t.node("r1-h2")), "r1");
  EXPECT_EQ(t.fault_domain(t.node("r2-h1")), "r2");
  EXPECT_THROW(t.fault_domain(t.node("spine-1")), std::invalid_argument);
  SingleSwitchSpec single;
  single.hosts = {{"a", "x"}, {"b", "y"}, {"c", "x"}};
  const Topology s = make_single_switch(single);
  EXPECT_EQ(s.fault_domain(s.node("c")), "x");
  EXPECT_EQ(names_along(s, s.route(s.node("a"), s.node("b"))),
            (std::vector<std::string>{"a", "switch", "b"}));
}

TEST(Topology, PrefersLowerLatencyThenFewerLinks) {
  Topology t;
  const std::size_t a = t.add_node({.name = "a", .kind = NodeKind::host, .rack = "r"});
  const std::size_t b = t.add_node({.name = "b", .kind = NodeKind::host, .rack = "r"});
  const std::size_t s1 = t.add_node({.name = "s1", .kind = NodeKind::spine_switch, .rack = {}});
  const std::size_t s2 = t.add_node({.name = "s2", .kind = NodeKind::spine_switch, .rack = {}});
  const std::size_t s3 = t.add_node({.name = "s3", .kind = NodeKind::spine_switch, .rack = {}});
  // a-s1-b costs 10 us; a-s2-s3-b costs 3 us over three links.
  t.add_link(a, s1, {.bandwidth_mbps = 100, .latency_us = 5}, Network::host_network);
  t.add_link(s1, b, {.bandwidth_mbps = 100, .latency_us = 5}, Network::host_network);
  t.add_link(a, s2, {.bandwidth_mbps = 100, .latency_us = 1}, Network::host_network);
  t.add_link(s2, s3, {.bandwidth_mbps = 100, .latency_us = 1}, Network::host_network);
  t.add_link(s3, b, {.bandwidth_mbps = 100, .latency_us = 1}, Network::host_network);
  EXPECT_EQ(names_along(t, t.route(a, b)), (std::vector<std::string>{"a", "s2", "s3", "b"}));
  // Both paths cost 10 us: the one with fewer links wins the tie.
  Topology equal;
  for (const TopologyNode& n : t.nodes())
    equal.add_node(n);
  equal.add_link(a, s1, {.bandwidth_mbps = 100, .latency_us = 5}, Network::host_network);
  equal.add_link(s1, b, {.bandwidth_mbps = 100, .latency_us = 5}, Network::host_network);
  equal.add_link(a, s2, {.bandwidth_mbps = 100, .latency_us = 4}, Network::host_network);
  equal.add_link(s2, s3, {.bandwidth_mbps = 100, .latency_us = 3}, Network::host_network);
  equal.add_link(s3, b, {.bandwidth_mbps = 100, .latency_us = 3}, Network::host_network);
  EXPECT_EQ(names_along(equal, equal.route(a, b)), (std::vector<std::string>{"a", "s1", "b"}));
}

TEST(Topology, RoutesNeverTransitThroughHosts) {
  Topology t;
  const std::size_t a = t.add_node({.name = "a", .kind = NodeKind::host, .rack = "r"});
  const std::size_t b = t.add_node({.name = "b", .kind = NodeKind::host, .rack = "r"});
  const std::size_t c = t.add_node({.name = "c", .kind = NodeKind::host, .rack = "r"});
  t.add_link(a, b, {}, Network::host_network);
  t.add_link(b, c, {}, Network::host_network);
  EXPECT_TRUE(t.find_route(a, b, Network::host_network).has_value());
  EXPECT_FALSE(t.find_route(a, c, Network::host_network).has_value());
  EXPECT_THROW(t.route(a, c), std::invalid_argument);
}

TEST(Topology, RejectsBadInput) {
  Topology t;
  t.add_node({.name = "a", .kind = NodeKind::host, .rack = "r"});
  t.add_node({.name = "s", .kind = NodeKind::tor_switch, .rack = {}});
  EXPECT_THROW(t.add_node({.name = "a", .kind = NodeKind::tor_switch, .rack = {}}),
               std::invalid_argument);
  EXPECT_THROW(t.add_node({.name = "h", .kind = NodeKind::host, .rack = ""}),
               std::invalid_argument);
  EXPECT_THROW(t.add_link(0, 1, {.bandwidth_mbps = 0, .latency_us = 1}, Network::host_network),
               std::invalid_argument);
  EXPECT_THROW(t.add_link(0, 1, {.bandwidth_mbps = 1, .latency_us = -1}, Network::host_network),
               std::invalid_argument);
  EXPECT_THROW(t.add_link(0, 7, {}, Network::host_network), std::invalid_argument);
  EXPECT_THROW(make_leaf_spine(LeafSpineSpec{}), std::invalid_argument);
  LeafSpineSpec no_spines = two_racks(ArrayAttachment::host_network);
  no_spines.spines = 0;
  EXPECT_THROW(make_leaf_spine(no_spines), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::models
