// A power loss of the whole cluster in whole SimGrid runs (docs/CLUSTER.md, "Power loss"): the
// matrix {write-through, write-back with 0, 1, 2 replicas} x {every cache on flash, every cache
// in RAM}, and a RAM owner protected by a flash peer. Flash keeps its data, RAM does not: zero
// acknowledged writes lost where a flash device holds every acknowledged version, and the exact
// loss reported where only RAM did. Every TEST runs in a process of its own (see
// simulation_test.cpp).
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace flashtwin::sim {
namespace {

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

bool has_event(const FailureTotals& f, const std::string& event, const std::string& host = "") {
  return std::any_of(f.timeline.begin(), f.timeline.end(), [&](const TimelineEntry& e) {
    return e.event == event && (host.empty() || e.host == host);
  });
}

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
  if (loses) {
    EXPECT_GT(o.writes_lost, 0u);
    EXPECT_EQ(o.bytes_lost, o.blocks_lost * 4096);
    EXPECT_EQ(c.acknowledged_writes_lost, o.writes_lost);
  } else {
    EXPECT_EQ(o.writes_lost, 0u);
    EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  }
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
}

}  // namespace
}  // namespace flashtwin::sim
