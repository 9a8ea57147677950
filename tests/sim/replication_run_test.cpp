// Write-back replicas in whole SimGrid runs: copies cross the network and land on the peers'
// flash, the write's time is broken down, the oracle stays satisfied, too few peers means
// write-through. Every TEST runs in a process of its own (see simulation_test.cpp).
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

// Two racks of one host each plus a third host in r2; one write-back VM on h1 with `replicas`.
nlohmann::json replicated(std::uint32_t replicas) {
  return testing::three_host_scenario(
      replicas, {{"pattern", "uniform"}, {"read_ratio", 0.3}, {"iops", 2000}});
}

TEST(ReplicationRun, OneReplicaCrossesTheNetworkAndIsReleasedByDestage) {
  const RunResult r = run_scenario(parse_scenario(replicated(1)));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.replicas.size(), 1u);
  ASSERT_EQ(c.replicas[0].peers.size(), 1u);
  const std::size_t peer = c.replicas[0].peers[0];
  EXPECT_NE(peer, 0u);
  // Every write's 4 KiB crossed to the peer, plus headers, acks and releases (a few %).
  const auto written = static_cast<double>(c.io.writes.bytes);
  EXPECT_GT(static_cast<double>(c.network[NetworkPurpose::replication]), written);
  EXPECT_LT(static_cast<double>(c.network[NetworkPurpose::replication]), 1.15 * written);
  EXPECT_GT(r.with_flash->host(peer).replica_bytes.max, 0u);
  const std::size_t other = peer == 1 ? 2 : 1;
  EXPECT_EQ(r.with_flash->host(other).replica_bytes.max, 0u);
  // Every acknowledged write waited for its replica: network and peer flash are part of it.
  const WriteBreakdownTotals& b = c.write_breakdown;
  EXPECT_EQ(b.replicated_writes, b.writes);
  EXPECT_GT(b.network_ns, 0);
  EXPECT_GT(b.peer_flash_ns, 0);
  EXPECT_GE(b.total_ns, b.local_flash_ns);
  EXPECT_EQ(c.bytes_at_risk.max, 0u);  // replicated dirty data is not at risk of one host
}

TEST(ReplicationRun, TwoReplicasUseBothPeersAndDoubleTheTraffic) {
  const RunResult two = run_scenario(parse_scenario(replicated(2)));
  const ClusterTotals& c = two.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.replicas[0].peers.size(), 2u);
  EXPECT_GT(two.with_flash->host(1).replica_bytes.max, 0u);
  EXPECT_GT(two.with_flash->host(2).replica_bytes.max, 0u);
  const auto written = static_cast<double>(c.io.writes.bytes);
  EXPECT_GT(static_cast<double>(c.network[NetworkPurpose::replication]), 2 * written);
  EXPECT_LT(static_cast<double>(c.network[NetworkPurpose::replication]), 2.3 * written);
  EXPECT_EQ(c.write_breakdown.replicated_writes, c.write_breakdown.writes);
}

TEST(ReplicationRun, TooFewPeersOutsideTheRackRunsWriteThroughAndSaysSo) {
  nlohmann::json doc = replicated(2);
  doc["cluster"]["hosts"][2]["rack"] = "r1";  // only h2 is outside h1's rack
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.replicas.size(), 1u);
  EXPECT_TRUE(c.replicas[0].write_through());
  EXPECT_EQ(c.network[NetworkPurpose::replication], 0u);
  EXPECT_EQ(c.dirty_bytes.max, 0u);  // write-through: nothing dirty
  EXPECT_EQ(c.array.destage_writes.ios, 0u);
  EXPECT_NE(summary_table(*r.with_flash).find("vm: WRITE-THROUGH, 1 of 2 peers"),
            std::string::npos);
}

}  // namespace
}  // namespace flashtwin::sim
