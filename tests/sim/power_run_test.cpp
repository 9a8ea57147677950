// Power losses in whole SimGrid runs (docs/CLUSTER.md, "Power loss"). The whole cluster: the
// matrix {write-through, write-back with 0, 1, 2 replicas} x {every cache on flash, every cache
// in RAM}, and a RAM owner protected by a flash peer. Flash keeps its data, RAM does not: zero
// acknowledged writes lost where a flash device holds every acknowledged version, and the exact
// loss reported where only RAM did. One host: the matrix {write-through, write-back with 0, 1, 2
// replicas} (HA restarts its VMs elsewhere: a crash within the replica count loses nothing), and
// the host rejoining as a peer. Every TEST runs in a process of its own (see
// simulation_test.cpp).
#include "failure_checks.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace flashtwin::sim {
namespace {

using testing::has_event;

constexpr std::int64_t kMs = 1'000'000;

// The three-host scenario with a write-heavy VM under `mode` with `replicas`; the hosts in
// `ram_hosts` cache in RAM. The power goes at 1 s for 300 ms; the hosts boot in 200 ms.
nlohmann::json power_loss(const std::string& mode, std::uint32_t replicas,
                          const std::vector<std::string>& ram_hosts) {
  nlohmann::json doc = testing::three_host_scenario(
      replicas, {{"pattern", "uniform"}, {"read_ratio", 0.3}, {"iops", 2000}});
  doc["duration_s"] = 2.5;
  doc["datastores"][0]["policy"]["mode"] = mode;
  if (mode != "write-back") doc["datastores"][0]["policy"].erase("replicas");
  for (nlohmann::json& host : doc["cluster"]["hosts"]) {
    if (std::find(ram_hosts.begin(), ram_hosts.end(), host["name"]) != ram_hosts.end())
      host["flash"][0]["device"] = "ram";
  }
  doc["cluster"]["ha"] = {{"detect_s", 0.1}, {"boot_s", 0.2}};
  doc["events"] = {{{"at_s", 1.0}, {"power_loss", {{"duration_s", 0.3}}}}};
  return doc;
}

const std::vector<std::string> kAllRam = {"h1", "h2", "h3"};

// The VM stopped at 1 s and ran again on h1 after the power came back, the boot and the rebuild;
// every acknowledged write is on the array or counted lost; `loses`: some were lost.
void expect_power_loss(const RunResult& r, bool loses) {
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u);
  ASSERT_EQ(c.failures.outages.size(), 1u);
  const OutageTotals& o = c.failures.outages[0];
  EXPECT_EQ(o.cause, OutageCause::power_loss);
  EXPECT_EQ(o.failed_ns, 1000 * kMs);
  EXPECT_EQ(o.restarted_on, "h1");
  EXPECT_GE(o.restarted_ns - o.failed_ns, 500 * kMs);  // power back, then the boot
  EXPECT_LT(o.restarted_ns - o.failed_ns, 700 * kMs);  // the rebuild and recovery are short
  EXPECT_TRUE(has_event(c.failures, "power_lost"));
  EXPECT_TRUE(has_event(c.failures, "power_restored"));
  testing::expect_losses(c, o, loses);
  EXPECT_TRUE(c.consistent());
  EXPECT_GT(c.io.writes.ios, 0u);
}

TEST(PowerLossRun, FlashWriteThroughLosesNothing) {
  expect_power_loss(run_scenario(parse_scenario(power_loss("write-through", 0, {}))), false);
}

TEST(PowerLossRun, FlashWriteBackWithoutReplicasLosesNothingAndRebuildsItsIndex) {
  const RunResult r = run_scenario(parse_scenario(power_loss("write-back", 0, {})));
  expect_power_loss(r, false);
  const FailureTotals& f = r.with_flash->cluster().failures;
  const auto rebuilt = std::find_if(f.timeline.begin(), f.timeline.end(), [](const auto& e) {
    return e.event == "index_rebuilt" && e.host == "h1";
  });
  ASSERT_NE(rebuilt, f.timeline.end());
  EXPECT_GT(rebuilt->blocks, 0u);  // the VM's cached blocks came back from flash
  // The rebuild scans 32 bytes per slot of 4 GiB of flash: it ends after the boot.
  EXPECT_GT(rebuilt->at_ns, 1500 * kMs);
}

TEST(PowerLossRun, FlashWriteBackWithOneReplicaLosesNothingAndIsProtectedAgain) {
  const RunResult r = run_scenario(parse_scenario(power_loss("write-back", 1, {})));
  expect_power_loss(r, false);
  const ClusterTotals& c = r.with_flash->cluster();
  EXPECT_TRUE(has_event(c.failures, "vm_reprotected"));
  ASSERT_EQ(c.failures.under_protected_ns.size(), 1u);
  EXPECT_GE(c.failures.under_protected_ns[0].second, 500 * kMs);
}

TEST(PowerLossRun, FlashWriteBackWithTwoReplicasLosesNothing) {
  expect_power_loss(run_scenario(parse_scenario(power_loss("write-back", 2, {}))), false);
}

TEST(PowerLossRun, RamWriteThroughLosesNothing) {
  expect_power_loss(run_scenario(parse_scenario(power_loss("write-through", 0, kAllRam))), false);
}

TEST(PowerLossRun, RamWriteBackWithoutReplicasCountsItsLossExactly) {
  expect_power_loss(run_scenario(parse_scenario(power_loss("write-back", 0, kAllRam))), true);
}

TEST(PowerLossRun, RamReplicasDoNotProtectAgainstAClusterPowerLoss) {
  expect_power_loss(run_scenario(parse_scenario(power_loss("write-back", 1, kAllRam))), true);
}

TEST(PowerLossRun, RamWriteBackWithTwoRamReplicasStillLoses) {
  expect_power_loss(run_scenario(parse_scenario(power_loss("write-back", 2, kAllRam))), true);
}

TEST(PowerLossRun, RamOwnerWithAFlashPeerLosesNothing) {
  const RunResult r = run_scenario(parse_scenario(power_loss("write-back", 1, {"h1"})));
  expect_power_loss(r, false);
  const FailureTotals& f = r.with_flash->cluster().failures;
  const auto recovered = std::find_if(f.timeline.begin(), f.timeline.end(), [](const auto& e) {
    return e.event == "replicas_recovered" && e.blocks > 0;
  });
  EXPECT_NE(recovered, f.timeline.end());  // the flash peer's replicas went to the array
  // The results say which caches are RAM.
  EXPECT_TRUE(r.with_flash->host(0).volatile_cache);
  EXPECT_FALSE(r.with_flash->host(1).volatile_cache);
}

// Only h1, the VM's host, loses power at 1 s for 300 ms (detected after 100 ms, boots in 200 ms).
nlohmann::json host_power_loss(const std::string& mode, std::uint32_t replicas,
                               const std::string& host = "h1") {
  nlohmann::json doc = power_loss(mode, replicas, {});
  doc["events"][0]["power_loss"]["host"] = host;
  return doc;
}

// The VM ran again elsewhere after detection, recovery and boot, and h1 rejoined after its power
// came back, its boot and its metadata scan.
void expect_host_power_loss(const RunResult& r, bool loses) {
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u);
  ASSERT_EQ(c.failures.outages.size(), 1u);
  const OutageTotals& o = c.failures.outages[0];
  EXPECT_EQ(o.cause, OutageCause::power_loss);
  EXPECT_EQ(o.failed_host, "h1");
  EXPECT_NE(o.restarted_on, "h1");
  EXPECT_GE(o.restarted_ns - o.failed_ns, 300 * kMs);  // detection + boot
  EXPECT_TRUE(has_event(c.failures, "power_lost", "h1"));
  EXPECT_TRUE(has_event(c.failures, "power_restored", "h1"));
  const auto rejoined = std::find_if(c.failures.timeline.begin(), c.failures.timeline.end(),
                                     [](const auto& e) { return e.event == "host_rejoined"; });
  ASSERT_NE(rejoined, c.failures.timeline.end());
  EXPECT_EQ(rejoined->host, "h1");
  EXPECT_GT(rejoined->at_ns, 1500 * kMs);  // power back at 1.3 s, booted at 1.5 s, then the scan
  testing::expect_losses(c, o, loses);
  EXPECT_TRUE(c.consistent());
}

TEST(PowerLossRun, HostWriteThroughLosesNothing) {
  expect_host_power_loss(run_scenario(parse_scenario(host_power_loss("write-through", 0))), false);
}

// Its flash kept the dirty data, but HA restarted the VM elsewhere: what only that flash held is
// lost to the VM, and counted.
TEST(PowerLossRun, HostWriteBackWithoutReplicasCountsItsLossExactly) {
  expect_host_power_loss(run_scenario(parse_scenario(host_power_loss("write-back", 0))), true);
}

TEST(PowerLossRun, HostWriteBackWithOneReplicaLosesNothing) {
  expect_host_power_loss(run_scenario(parse_scenario(host_power_loss("write-back", 1))), false);
}

TEST(PowerLossRun, HostWriteBackWithTwoReplicasLosesNothing) {
  expect_host_power_loss(run_scenario(parse_scenario(host_power_loss("write-back", 2))), false);
}

// The VM on h1 keeps two replicas, on h2 and h3. h2 loses power: with one eligible peer left the
// VM drains and runs write-through; when h2 rejoins, the VM gets its two peers back.
TEST(PowerLossRun, ARejoinedHostIsAPeerAgain) {
  const RunResult r = run_scenario(parse_scenario(host_power_loss("write-back", 2, "h2")));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  EXPECT_TRUE(c.failures.outages.empty());  // no VM ran on h2
  const auto& t = c.failures.timeline;
  const auto at = [&](const std::string& event) {
    return std::find_if(t.begin(), t.end(), [&](const auto& e) { return e.event == event; });
  };
  ASSERT_NE(at("vm_write_through"), t.end());
  ASSERT_NE(at("host_rejoined"), t.end());
  const auto reprotected = at("vm_reprotected");
  ASSERT_NE(reprotected, t.end());
  EXPECT_GE(reprotected->at_ns, at("host_rejoined")->at_ns);
  EXPECT_TRUE(c.consistent());
}

// Rack r2 (h2 and h3, the VM's only eligible peers) loses power: two host power losses at one
// time. The VM drains and runs write-through; the hosts rejoin and it is protected again.
TEST(PowerLossRun, ARackLosingPowerIsOneEventPerHost) {
  nlohmann::json doc = host_power_loss("write-back", 1, "h2");
  doc["events"].push_back({{"at_s", 1.0}, {"power_loss", {{"host", "h3"}, {"duration_s", 0.3}}}});
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  EXPECT_TRUE(has_event(c.failures, "power_lost", "h2"));
  EXPECT_TRUE(has_event(c.failures, "power_lost", "h3"));
  EXPECT_TRUE(has_event(c.failures, "vm_write_through"));
  EXPECT_TRUE(has_event(c.failures, "host_rejoined", "h2"));
  EXPECT_TRUE(has_event(c.failures, "host_rejoined", "h3"));
  EXPECT_TRUE(has_event(c.failures, "vm_reprotected"));
  EXPECT_TRUE(c.consistent());
}

}  // namespace
}  // namespace flashtwin::sim
