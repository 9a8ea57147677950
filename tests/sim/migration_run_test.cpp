// Migration in whole SimGrid runs (docs/CLUSTER.md, "Migration"): after the move the VM's misses
// are served by the old host's flash over the network, the remote-hit column and the
// "remote_read" network purpose come from that mechanism, the VM re-warms on the new host, and
// the oracle stays satisfied; a memory copy before the switch-over takes the network's time, is
// counted as "vmotion" and slows the replication it shares a link with. Every TEST runs in a
// process of its own (see simulation_test.cpp).
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

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

// The memory copy (docs/CLUSTER.md, "Migration"): every host's NIC at `nic_gbps`, the spine at
// 40 Gb/s, so h1 -> h2 is bottlenecked by the NICs; the VM copies `memory` (a size) first.
nlohmann::json copying(nlohmann::json doc, double nic_gbps, const std::string& memory) {
  for (auto& host : doc["cluster"]["hosts"])
    host["nic_gbps"] = nic_gbps;
  doc["cluster"]["spine_gbps"] = 40;
  doc["events"][0]["migrate"]["memory_gib"] = memory;
  return doc;
}

constexpr double kMiB = 1024.0 * 1024.0;

// M bytes over a 10 Gb/s route take M / 1.25 GB/s alone: the copy cannot be faster (SimGrid times
// a lone transfer exactly, plus the route's latency), and the VM's own traffic on h1's NIC (a few
// MB/s, the copy's fair share shrinking only while another transfer runs) slows it by under 2 %.
// The switch-over follows once the VM is quiet: within 10 ms. The `vmotion` purpose carries
// exactly the memory's bytes.
TEST(MigrationRun, TheMemoryCopyDelaysTheSwitchOverByItsNetworkTime) {
  const RunResult r = run_scenario(parse_scenario(copying(migrating(0), 10, "1GiB")));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.migrations.size(), 1u);
  const MigrationTotals& m = c.migrations[0];
  const double bytes = 1024 * kMiB;
  const double alone_ns = bytes / (10e9 / 8) * 1e9;  // 859 ms
  EXPECT_EQ(m.memory_copy.bytes, 1ull << 30);
  EXPECT_EQ(m.memory_copy.start_ns, 1'000'000'000);
  EXPECT_GE(static_cast<double>(m.memory_copy.duration_ns()), alone_ns);
  EXPECT_LE(static_cast<double>(m.memory_copy.duration_ns()), 1.02 * alone_ns);
  EXPECT_GE(m.at_ns, m.memory_copy.end_ns);
  EXPECT_LE(m.at_ns - m.memory_copy.end_ns, 10'000'000);
  EXPECT_GE(static_cast<double>(m.at_ns), 1e9 + alone_ns);
  EXPECT_EQ(c.network[NetworkPurpose::vmotion], 1ull << 30);
  EXPECT_GT(m.remote_hit_blocks, 0u);  // the move itself still happened
}

// A cap of 200 MB/s on a 10 Gb/s route: the copy takes M / 200 MB/s (the last paced chunk arrives
// before that date, and the copy ends at it), not the network's M / 1.25 GB/s.
TEST(MigrationRun, ACopyRateCapPacesTheCopy) {
  nlohmann::json doc = copying(migrating(0), 10, "256MiB");
  doc["events"][0]["migrate"]["copy_rate_mbps"] = 200;
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.migrations.size(), 1u);
  const MemoryCopyTotals& copy = c.migrations[0].memory_copy;
  const double capped_ns = 256 * kMiB / 200e6 * 1e9;  // 1.342 s
  EXPECT_GE(static_cast<double>(copy.duration_ns()), capped_ns);
  EXPECT_LE(static_cast<double>(copy.duration_ns()), capped_ns + 1e6);
  EXPECT_EQ(c.network[NetworkPurpose::vmotion], 256ull << 20);
}

// A copy that cannot end within the run (1 GiB at 200 MB/s from 1 s of a 4 s run: 5.4 s) switches
// over after the workload, and the run lasts until then.
TEST(MigrationRun, ACopyEndingAfterTheWorkloadSwitchesOverBeforeTheRunEnds) {
  nlohmann::json doc = copying(migrating(0), 10, "1GiB");
  doc["events"][0]["migrate"]["copy_rate_mbps"] = 200;
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.migrations.size(), 1u);
  const MigrationTotals& m = c.migrations[0];
  EXPECT_GE(static_cast<double>(m.memory_copy.end_ns), 1e9 + 1024 * kMiB / 200e6 * 1e9);
  EXPECT_GE(m.at_ns, m.memory_copy.end_ns);
  EXPECT_GE(std::llround((4 + r.drain_s) * 1e9), m.at_ns);
  EXPECT_EQ(c.drain.network[NetworkPurpose::vmotion] + c.network[NetworkPurpose::vmotion],
            1ull << 30);
}

// Latency percentiles of the VM's time-series rows ending in (from_ns, to_ns].
struct VmRows final : MetricsVisitor {
  std::vector<VmIntervalRow> rows;
  void vm_interval(const VmIntervalRow& row, std::string_view) override { rows.push_back(row); }
  std::vector<std::int64_t> p50_ns(std::int64_t from_ns, std::int64_t to_ns) const {
    std::vector<std::int64_t> out;
    for (const VmIntervalRow& row : rows)
      if (row.end_ns > from_ns && row.end_ns <= to_ns && row.io.writes.ios > 0)
        out.push_back(row.io.p50_ns);
    return out;
  }
};

// Write-only, one replica in the other rack, 1 Gb/s NICs: every write's replica leaves h1 through
// the NIC the memory copy (256 MiB from 1 s, about 2.1 s) also leaves by, so while the copy runs
// the replica gets half the link and the VM's median write latency is higher in every interval
// than in any interval before the copy.
TEST(MigrationRun, TheMemoryCopySlowsReplicatedWritesOnItsLink) {
  nlohmann::json doc = migrating(1);
  doc["vms"][0]["disks"][0]["workload"] = {
      {"pattern", "uniform"}, {"read_ratio", 0.0}, {"iops", 1000}};
  const RunResult r = run_scenario(parse_scenario(copying(doc, 1, "256MiB")));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  ASSERT_EQ(c.migrations.size(), 1u);
  const MemoryCopyTotals& copy = c.migrations[0].memory_copy;
  ASSERT_GT(copy.end_ns, 3'000'000'000);  // 256 MiB at 125 MB/s: 2.15 s
  VmRows rows;
  r.with_flash->visit(rows);
  const std::vector<std::int64_t> before = rows.p50_ns(250'000'000, 1'000'000'000);
  const std::vector<std::int64_t> during = rows.p50_ns(1'250'000'000, 3'000'000'000);
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(during.size(), 7u);
  const std::int64_t slowest_before = *std::max_element(before.begin(), before.end());
  const std::int64_t fastest_during = *std::min_element(during.begin(), during.end());
  EXPECT_GT(fastest_during, slowest_before);
  // A 4 KiB replica alone on a 1 Gb/s link takes 33 us; sharing it with the copy, about 66 us.
  EXPECT_GT(fastest_during - slowest_before, 20'000);
}

// A VM moving three times (docs/CLUSTER.md, "Migration", "Handoff"): h1 -> h2 at 1 s, h2 -> h3
// at 1.001 s and back to h1 at 2.5 s, with one replica. Each move waits until the host before it
// handed the VM off (its dirty blocks of the VM destaged); the VM reads its last host's flash
// each time, and h1 drops what it kept of the VM when it comes back.
TEST(MigrationRun, AVmMovesOnAndBackOnceEachHostHandedItOff) {
  nlohmann::json doc = migrating(1);
  doc["events"].push_back({{"at_s", 1.001}, {"migrate", {{"vm", "vm"}, {"to", "h3"}}}});
  doc["events"].push_back({{"at_s", 2.5}, {"migrate", {{"vm", "vm"}, {"to", "h1"}}}});
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_TRUE(c.consistent());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  ASSERT_EQ(c.migrations.size(), 3u);
  const std::vector<std::pair<std::size_t, std::size_t>> moves = {{0, 1}, {1, 2}, {2, 0}};
  std::int64_t previous_ns = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const MigrationTotals& m = c.migrations[i];
    EXPECT_EQ(std::pair(m.from, m.to), moves[i]) << "move " << i;
    EXPECT_GT(m.at_ns, previous_ns);
    // Its last host's flash served reads (h2 had the VM for a few milliseconds only: not always).
    if (i != 1) {
      EXPECT_GT(m.remote_hit_blocks, 0u) << "move " << i;
    }
    previous_ns = m.at_ns;
  }
  // The second move, asked for at 1.001 s, began after the first switched over, and later still:
  // h1 had the VM's dirty blocks to destage before it handed the VM off (tens of ms here; the
  // wait is polled every millisecond). The third began at its event.
  EXPECT_GT(c.migrations[1].memory_copy.start_ns, c.migrations[0].at_ns + 10'000'000);
  EXPECT_EQ(c.migrations[2].memory_copy.start_ns, 2'500'000'000);
  EXPECT_EQ(c.io.read_blocks.remote_flash, c.migrations[0].remote_hit_blocks +
                                               c.migrations[1].remote_hit_blocks +
                                               c.migrations[2].remote_hit_blocks);
}

// Moves of one VM go in the order of the file: a second move asked for while the first copies
// memory, and a third at the same date, wait their turn (each from where the one before took it).
TEST(MigrationRun, MovesOfOneVmWaitTheirTurn) {
  nlohmann::json doc = migrating(0);
  doc["events"] = {{{"at_s", 1}, {"migrate", {{"vm", "vm"}, {"to", "h2"}, {"memory_gib", 1}}}},
                   {{"at_s", 1.2}, {"migrate", {{"vm", "vm"}, {"to", "h3"}}}},
                   {{"at_s", 1.2}, {"migrate", {{"vm", "vm"}, {"to", "h1"}}}}};
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  ASSERT_EQ(c.migrations.size(), 3u);
  const std::vector<std::pair<std::size_t, std::size_t>> moves = {{0, 1}, {1, 2}, {2, 0}};
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(std::pair(c.migrations[i].from, c.migrations[i].to), moves[i]) << "move " << i;
  // The memory copy (1 GiB) ends after 1.2 s; the second move begins after that switch-over.
  EXPECT_GT(c.migrations[0].memory_copy.end_ns, 1'200'000'000);
  EXPECT_GT(c.migrations[1].memory_copy.start_ns, c.migrations[0].at_ns);
  EXPECT_GT(c.migrations[2].memory_copy.start_ns, c.migrations[1].at_ns);
}

}  // namespace
}  // namespace flashtwin::sim
