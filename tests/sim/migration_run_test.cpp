// Migration in whole SimGrid runs (docs/CLUSTER.md, "Migration"): after the move the VM's misses
// are served by the old host's flash over the network, the remote-hit column and the
// "remote_read" network purpose come from that mechanism, the VM re-warms on the new host, and
// the oracle stays satisfied. Every TEST runs in a process of its own (see simulation_test.cpp).
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

// A write-back VM on h1 with a small hot set, moving to h2 at 1 s of a 4 s run.
nlohmann::json migrating(std::uint32_t replicas) {
  nlohmann::json doc = testing::three_host_scenario(replicas, {{"pattern", "hot-set"},
                                                               {"hot_fraction", 0.01},
                                                               {"hot_access_fraction", 0.95},
                                                               {"read_ratio", 0.7},
                                                               {"iops", 3000}});
  doc["duration_s"] = 4;
  doc["seed"] = 5;
  doc["events"] = {{{"at_s", 1}, {"migrate", {{"vm", "vm"}, {"to", "h2"}}}}};
  doc["output"] = {{"baseline", false}, {"interval_s", 0.25}, {"rewarm_share", 0.8}};
  return doc;
}

TEST(MigrationRun, RemoteHitsComeFromTheOldHostAndTheVmReWarms) {
  const RunResult r = run_scenario(parse_scenario(migrating(0)));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.migrations.size(), 1u);
  const MigrationTotals& m = c.migrations[0];
  EXPECT_EQ(m.from, 0u);
  EXPECT_EQ(m.to, 1u);
  EXPECT_GE(m.at_ns, 1'000'000'000);
  EXPECT_GT(m.local_hit_ratio_before, 0.2);  // a second of warming
  // Remote hits are the VM's reads served by the old host's flash, and they crossed the network.
  EXPECT_GT(m.remote_hit_blocks, 0u);
  EXPECT_EQ(m.remote_hit_blocks, c.io.read_blocks.remote_flash);
  EXPECT_EQ(m.bytes_pulled, m.remote_hit_blocks * 4096);
  EXPECT_GT(c.network[NetworkPurpose::remote_read], m.bytes_pulled);
  // Re-warmed within the run, to the share asked for.
  EXPECT_DOUBLE_EQ(c.rewarm_share, 0.8);
  ASSERT_TRUE(m.rewarm_ns.has_value());
  EXPECT_GT(*m.rewarm_ns, 0);
  EXPECT_LT(m.at_ns + *m.rewarm_ns, 4'000'000'001);
}

// The new owner replicates its own writes (placed as if the VM had started there: outside r2),
// the old owner's replicas go when it destages; nothing is lost.
TEST(MigrationRun, AVmWithAReplicaIsReplicatedByItsNewOwner) {
  const RunResult r = run_scenario(parse_scenario(migrating(1)));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  ASSERT_EQ(c.migrations.size(), 1u);
  EXPECT_GT(c.migrations[0].remote_hit_blocks, 0u);
  // Before the move h1's replica went to r2; after it, h2's went to h1 (the only host outside r2).
  EXPECT_GT(r.with_flash->host(0).replica_bytes.max, 0u);
  EXPECT_GT(c.network[NetworkPurpose::replication], c.io.writes.bytes);
}

}  // namespace
}  // namespace flashtwin::sim
