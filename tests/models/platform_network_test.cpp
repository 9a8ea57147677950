// Network transfers through the installed routes take exactly sum(latencies) + size / bottleneck
// bandwidth (one Engine per TEST: see platform_test_engine.hpp).
#include "platform_test_engine.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

constexpr double kRelative = 1e-9;

LeafSpineSpec two_racks(ArrayAttachment attachment) {
  LeafSpineSpec spec;
  spec.hosts = hosts_in_racks(2, 2);
  spec.spines = 2;
  spec.host_link = {.bandwidth_mbps = 1250, .latency_us = 3};
  spec.uplink = {.bandwidth_mbps = 500, .latency_us = 2};
  spec.array.attachment = attachment;
  spec.array.array_link = {.bandwidth_mbps = 4000, .latency_us = 1};
  spec.array.fabric_link = {.bandwidth_mbps = 800, .latency_us = 4};
  return spec;
}

struct Transfer {
  simgrid::s4u::Host* from;
  simgrid::s4u::Host* to;
  std::uint64_t bytes;
  double expected_s;
  std::string what;
  double measured_s = -1;
};

// Runs the transfers one after another so that each is alone on the network.
void run_one_at_a_time(simgrid::s4u::Engine& engine, std::vector<Transfer>& transfers) {
  CommStarter comms;
  std::size_t next = 0;
  std::function<void()> start_next = [&] {
    if (next == transfers.size()) return;
    Transfer& t = transfers[next++];
    comms.start(t.from, t.to, t.bytes, [&t, &start_next](const CommResult& r) {
      EXPECT_TRUE(r.ok);
      t.measured_s = r.finish_s - r.start_s;
      start_next();
    });
  };
  start_next();
  engine.run();
  for (const Transfer& t : transfers) {
    EXPECT_NEAR(t.measured_s, t.expected_s, kRelative * t.expected_s) << t.what;
  }
}

const std::vector<std::uint64_t> kSizes = {1, 4096, 1 << 20, 100'000'000};

TEST(PlatformNetwork, HostToHostAcrossRacksIsLatencySumPlusSizeOverBottleneck) {
  testing::QuietEngine engine;
  PlatformSpec spec;
  spec.topology = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  spec.array = array_preset("all-flash");
  const SimPlatform platform = build_platform(spec);
  std::vector<Transfer> transfers;
  for (std::uint64_t bytes : kSizes) {
    // host(3 us) + uplink(2 us) + uplink(2 us) + host(3 us); the 500 MB/s uplinks are the
    // bottleneck. Both directions.
    const double cross = 10e-6 + static_cast<double>(bytes) / 500e6;
    transfers.push_back({platform.host("r1-h1"), platform.host("r2-h2"), bytes, cross,
                         "r1-h1 -> r2-h2 " + std::to_string(bytes)});
    transfers.push_back({platform.host("r2-h2"), platform.host("r1-h1"), bytes, cross,
                         "r2-h2 -> r1-h1 " + std::to_string(bytes)});
    // Same rack: two 3 us host links at 1250 MB/s.
    transfers.push_back({platform.host("r1-h1"), platform.host("r1-h2"), bytes,
                         6e-6 + static_cast<double>(bytes) / 1250e6,
                         "r1-h1 -> r1-h2 " + std::to_string(bytes)});
  }
  run_one_at_a_time(*engine, transfers);
}

TEST(PlatformNetwork, RouteTimesMatchTheTopologyRoutes) {
  testing::QuietEngine engine;
  PlatformSpec spec;
  spec.topology = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  spec.array = array_preset("hybrid-10k");
  const SimPlatform platform = build_platform(spec);
  const Topology& t = spec.topology;
  std::vector<Transfer> transfers;
  const std::vector<std::size_t> hosts = t.hosts();
  for (std::size_t from : hosts) {
    for (std::size_t to : hosts) {
      if (from == to) continue;
      const Route r = t.route(from, to);
      transfers.push_back({platform.host(t.nodes()[from].name), platform.host(t.nodes()[to].name),
                           1 << 20, r.latency_us * 1e-6 + (1 << 20) / (r.bottleneck_mbps * 1e6),
                           t.nodes()[from].name + " -> " + t.nodes()[to].name});
    }
  }
  run_one_at_a_time(*engine, transfers);
}

TEST(PlatformNetwork, ArrayOnTheHostNetworkIsReachedThroughASpineAndTheFrontEnd) {
  testing::QuietEngine engine;
  const ArrayProfile& array = array_preset("hybrid-10k");  // 3200 MB/s, 150 us
  PlatformSpec spec;
  spec.topology = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  spec.array = array;
  const SimPlatform platform = build_platform(spec);
  std::vector<Transfer> transfers;
  for (std::uint64_t bytes : kSizes) {
    // host 3 + uplink 2 + array link 1 + controller 150 us; bottleneck the 500 MB/s uplink.
    const double expected = 156e-6 + static_cast<double>(bytes) / 500e6;
    transfers.push_back({platform.host("r2-h1"), platform.array(), bytes, expected, "write"});
    transfers.push_back({platform.array(), platform.host("r2-h1"), bytes, expected, "read"});
  }
  run_one_at_a_time(*engine, transfers);
}

TEST(PlatformNetwork, ArrayOnItsOwnFabricIsReachedThroughTheFabric) {
  testing::QuietEngine engine;
  const ArrayProfile& array = array_preset("hybrid-10k");  // 3200 MB/s, 150 us
  PlatformSpec spec;
  spec.topology = make_leaf_spine(two_racks(ArrayAttachment::own_fabric));
  spec.array = array;
  const SimPlatform platform = build_platform(spec);
  std::vector<Transfer> transfers;
  for (std::uint64_t bytes : kSizes) {
    // HBA 4 + array link 1 + controller 150 us; bottleneck the 800 MB/s HBA link.
    const double expected = 155e-6 + static_cast<double>(bytes) / 800e6;
    transfers.push_back({platform.host("r1-h2"), platform.array(), bytes, expected, "write"});
    transfers.push_back({platform.array(), platform.host("r1-h2"), bytes, expected, "read"});
  }
  run_one_at_a_time(*engine, transfers);
}

TEST(PlatformNetwork, SplitDuplexLinksCarryBothDirectionsAtFullSpeed) {
  // r1-h1 -> r2-h1 and r2-h1 -> r1-h1 at the same time do not slow each other down.
  testing::QuietEngine engine;
  PlatformSpec spec;
  spec.topology = make_leaf_spine(two_racks(ArrayAttachment::host_network));
  spec.array = array_preset("all-flash");
  const SimPlatform platform = build_platform(spec);
  CommStarter comms;
  std::vector<double> durations;
  auto record = [&](const CommResult& r) { durations.push_back(r.finish_s - r.start_s); };
  comms.start(platform.host("r1-h1"), platform.host("r2-h1"), 50'000'000, record);
  comms.start(platform.host("r2-h1"), platform.host("r1-h1"), 50'000'000, record);
  engine->run();
  const double expected = 10e-6 + 50e6 / 500e6;
  ASSERT_EQ(durations.size(), 2u);
  for (double d : durations)
    EXPECT_NEAR(d, expected, kRelative * expected);
}

}  // namespace
}  // namespace flashtwin::models
