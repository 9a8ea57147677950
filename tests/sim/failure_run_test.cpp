// Host failures in whole SimGrid runs (docs/CLUSTER.md, "Failures"): the failure matrix {owner
// crash, owner's flash failure} x {write-through, write-back with 0, 1, 2 replicas}, a peer's
// crash with re-protection or the fall-back to write-through, and two hosts failing at once. Zero
// acknowledged writes lost wherever the failures stay within the replica count; beyond it, the loss
// is counted and the run stays consistent (every acknowledged write is on the array or counted
// lost, never silently missing). Every TEST runs in a process of its own (see simulation_test.cpp).
#include "failure_checks.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "replica_placement.hpp"
#include "scenario_index.hpp"
#include "scenario_platform.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace flashtwin::sim {
namespace {

using testing::has_event;

constexpr std::int64_t kMs = 1'000'000;

// The three-host scenario (vm on h1 in rack r1; h2 and h3 in r2) with a fourth host h4 in rack r3,
// a write-heavy VM, `mode` with `replicas`, and `failed` hosts crashing at 1 s of 2 s (declared
// down 100 ms later, the VMs booting 200 ms after their recovery); gauges every 50 ms.
nlohmann::json failing(const std::string& mode, std::uint32_t replicas,
                       const std::vector<std::string>& failed) {
  nlohmann::json doc = testing::three_host_scenario(
      replicas, {{"pattern", "uniform"}, {"read_ratio", 0.3}, {"iops", 2000}});
  doc["datastores"][0]["policy"]["mode"] = mode;
  if (mode != "write-back") doc["datastores"][0]["policy"].erase("replicas");
  doc["cluster"]["hosts"].push_back({{"name", "h4"},
                                     {"rack", "r3"},
                                     {"flash", {{{"device", "nvme-1.6t"}, {"capacity_gib", 4}}}}});
  doc["cluster"]["ha"] = {{"detect_s", 0.1}, {"boot_s", 0.2}};
  doc["output"]["interval_s"] = 0.05;  // gauges sampled during the recovery
  for (const std::string& host : failed)
    doc["events"].push_back({{"at_s", 1.0}, {"fail_host", {{"host", host}}}});
  return doc;
}

// The same, h1's flash device failing at 1 s instead (the host runs on).
nlohmann::json flash_failing(const std::string& mode, std::uint32_t replicas) {
  nlohmann::json doc = failing(mode, replicas, {});
  doc["events"] = {{{"at_s", 1.0}, {"fail_flash", {{"host", "h1"}}}}};
  return doc;
}

// h1's flash failed: the VM stalled while the survivors recovered its replicas (no detection
// delay, no boot), then went on on h1 without a cache; what it lost is exact.
void expect_flash_failure(const RunResult& r, bool loses) {
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u);
  ASSERT_EQ(c.failures.outages.size(), 1u);
  const OutageTotals& o = c.failures.outages[0];
  EXPECT_EQ(o.cause, OutageCause::flash_failed);
  EXPECT_EQ(o.restarted_on, "h1");
  EXPECT_LT(o.restarted_ns - o.failed_ns, 100 * kMs);  // recovery only
  EXPECT_TRUE(has_event(c.failures, "flash_failed", "h1"));
  EXPECT_FALSE(has_event(c.failures, "host_declared_down"));
  testing::expect_losses(c, o, loses);
  EXPECT_TRUE(c.consistent());
  EXPECT_GT(c.io.writes.ios, 0u);
}

// The peers the run will place for the VM (placement is decided before the run from the scenario).
std::vector<std::string> peers_of_vm(const nlohmann::json& doc) {
  const Scenario s = parse_scenario(doc);
  const ScenarioIndex index(s);
  const std::vector<VmPlacement> placement = place_replicas(s, index, platform_spec(s).topology);
  std::vector<std::string> names;
  for (const std::size_t h : placement[0].peers)
    names.push_back(s.cluster.hosts[h].name);
  return names;
}

// The owner crashes: the VM is down, recovered and booted elsewhere; what it lost is exact.
void expect_owner_crash(const RunResult& r, bool loses) {
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u);  // every acknowledged write: on the array or counted
  ASSERT_EQ(c.failures.outages.size(), 1u);
  const OutageTotals& o = c.failures.outages[0];
  EXPECT_EQ(o.vm, "vm");
  EXPECT_EQ(o.failed_host, "h1");
  EXPECT_EQ(o.failed_ns, 1000 * kMs);
  ASSERT_GE(o.restarted_ns, 0);
  EXPECT_NE(o.restarted_on, "h1");
  // Detection (100 ms) + recovery + boot (200 ms).
  EXPECT_GE(o.restarted_ns - o.failed_ns, 300 * kMs);
  EXPECT_LT(o.restarted_ns - o.failed_ns, 400 * kMs);
  EXPECT_TRUE(has_event(c.failures, "host_failed", "h1"));
  EXPECT_TRUE(has_event(c.failures, "host_declared_down", "h1"));
  EXPECT_TRUE(has_event(c.failures, "vm_restarted"));
  testing::expect_losses(c, o, loses);
  EXPECT_TRUE(c.consistent());
  // The VM ran again after its restart.
  EXPECT_GT(c.io.writes.ios, 0u);
}

TEST(FailureRun, OwnerCrashWriteThroughLosesNothing) {
  expect_owner_crash(run_scenario(parse_scenario(failing("write-through", 0, {"h1"}))), false);
}

TEST(FailureRun, OwnerCrashWriteBackWithoutReplicasCountsItsLossExactly) {
  const RunResult r = run_scenario(parse_scenario(failing("write-back", 0, {"h1"})));
  expect_owner_crash(r, true);
  const std::string table = summary_table(*r.with_flash);
  EXPECT_NE(table.find("acknowledged writes lost to failures, counted above"), std::string::npos)
      << table;
}

TEST(FailureRun, OwnerCrashWriteBackWithOneReplicaLosesNothing) {
  const RunResult r = run_scenario(parse_scenario(failing("write-back", 1, {"h1"})));
  expect_owner_crash(r, false);
  const FailureTotals& f = r.with_flash->cluster().failures;
  // The survivor holding the copies wrote them to the array.
  const auto recovered = std::find_if(f.timeline.begin(), f.timeline.end(), [](const auto& e) {
    return e.event == "replicas_recovered" && e.blocks > 0;
  });
  ASSERT_NE(recovered, f.timeline.end());
  // Under-protected from the crash until its replicas were on the array.
  ASSERT_EQ(f.under_protected_ns.size(), 1u);
  EXPECT_GE(f.under_protected_ns[0].second, 100 * kMs);
  EXPECT_GT(r.with_flash->cluster().underprotected_bytes.max, 0u);
}

TEST(FailureRun, OwnerCrashWriteBackWithTwoReplicasLosesNothing) {
  expect_owner_crash(run_scenario(parse_scenario(failing("write-back", 2, {"h1"}))), false);
}

TEST(FailureRun, AFailedPeerIsReplacedOnceTheVmHasDrained) {
  nlohmann::json doc = failing("write-back", 1, {});
  const std::string peer = peers_of_vm(doc).at(0);
  doc = failing("write-back", 1, {peer});
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  EXPECT_TRUE(c.failures.outages.empty());  // the VM kept running
  EXPECT_TRUE(has_event(c.failures, "vm_underprotected", peer));
  const auto reprotected =
      std::find_if(c.failures.timeline.begin(), c.failures.timeline.end(),
                   [](const TimelineEntry& e) { return e.event == "vm_reprotected"; });
  ASSERT_NE(reprotected, c.failures.timeline.end());
  EXPECT_NE(reprotected->host, peer);
  EXPECT_NE(reprotected->host, "h1");
  ASSERT_EQ(c.failures.under_protected_ns.size(), 1u);
  EXPECT_GT(c.failures.under_protected_ns[0].second, 0);
  // The new peer holds copies after the move.
  const std::size_t new_peer = reprotected->host == "h2" ? 1 : reprotected->host == "h3" ? 2 : 3;
  EXPECT_GT(r.with_flash->host(new_peer).replica_bytes.max, 0u);
}

TEST(FailureRun, TooFewPeersLeftTheVmDrainsAndRunsWriteThrough) {
  // Two replicas on two of h2, h3, h4; both fail: one host outside h1's rack is left.
  nlohmann::json doc = failing("write-back", 2, {});
  doc = failing("write-back", 2, peers_of_vm(doc));
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  EXPECT_TRUE(has_event(c.failures, "vm_write_through"));
  EXPECT_FALSE(has_event(c.failures, "vm_reprotected"));
}

// The same with the two peers repaired 300 ms after their crash: each boots (200 ms), scans its
// flash and rejoins empty; the VM, write-through for want of peers, gets two again.
TEST(FailureRun, RepairedPeersRejoinAndTheVmIsProtectedAgain) {
  nlohmann::json doc = failing("write-back", 2, {});
  const std::vector<std::string> peers = peers_of_vm(doc);
  doc = failing("write-back", 2, peers);
  doc["duration_s"] = 3;
  for (nlohmann::json& event : doc["events"])
    event["fail_host"]["repair_s"] = 0.3;
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  const auto& t = c.failures.timeline;
  const auto first = [&](const std::string& event, const std::string& host = "") {
    return std::find_if(t.begin(), t.end(), [&](const TimelineEntry& e) {
      return e.event == event && (host.empty() || e.host == host);
    });
  };
  const auto write_through = first("vm_write_through");
  ASSERT_NE(write_through, t.end());
  for (const std::string& peer : peers) {
    const auto repaired = first("host_repaired", peer);
    const auto rejoined = first("host_rejoined", peer);
    ASSERT_NE(repaired, t.end()) << peer;
    ASSERT_NE(rejoined, t.end()) << peer;
    EXPECT_EQ(repaired->at_ns, 1300 * kMs);
    EXPECT_GE(rejoined->at_ns, 1500 * kMs);  // the boot, then the scan of its flash
    EXPECT_GT(rejoined->at_ns, write_through->at_ns);
  }
  // Re-protected when the first repaired peer rejoined (one host outside h1's rack had been
  // left: two again).
  const auto reprotected = first("vm_reprotected");
  ASSERT_NE(reprotected, t.end());
  EXPECT_EQ(reprotected->at_ns, std::min(first("host_rejoined", peers[0])->at_ns,
                                         first("host_rejoined", peers[1])->at_ns));
  EXPECT_NE(reprotected->host, "h1");
  EXPECT_TRUE(c.failures.outages.empty());  // the VM kept running on h1
}

TEST(FailureRun, OwnerAndItsOnlyReplicaFailingTogetherLoseTheDirtyDataAndSaySo) {
  nlohmann::json doc = failing("write-back", 1, {});
  std::vector<std::string> failed = peers_of_vm(doc);
  failed.push_back("h1");
  doc = failing("write-back", 1, failed);
  const RunResult r = run_scenario(parse_scenario(doc));
  expect_owner_crash(r, true);  // beyond the protection level of one replica
}

TEST(FailureRun, FlashFailureWriteThroughLosesNothing) {
  expect_flash_failure(run_scenario(parse_scenario(flash_failing("write-through", 0))), false);
}

TEST(FailureRun, FlashFailureWriteBackWithoutReplicasCountsItsLossExactly) {
  expect_flash_failure(run_scenario(parse_scenario(flash_failing("write-back", 0))), true);
}

TEST(FailureRun, FlashFailureWriteBackWithOneReplicaLosesNothing) {
  expect_flash_failure(run_scenario(parse_scenario(flash_failing("write-back", 1))), false);
}

TEST(FailureRun, FlashFailureWriteBackWithTwoReplicasLosesNothing) {
  const RunResult r = run_scenario(parse_scenario(flash_failing("write-back", 2)));
  expect_flash_failure(r, false);
  // Its VM's later writes are not copied any more (it runs without a cache), and no VM takes h1
  // as a peer again.
  EXPECT_FALSE(has_event(r.with_flash->cluster().failures, "vm_reprotected", "h1"));
}

}  // namespace
}  // namespace flashtwin::sim
