// A host without flash whose VMs cache on another host's flash (docs/CLUSTER.md, "Remote flash"),
// in whole SimGrid runs: the cache serves them, and every request and its data cross the host
// network both ways. Every TEST runs in a process of its own (see simulation_test.cpp).
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

// The three-host scenario with a fourth host h4 (rack r2) without flash, caching on h2's flash:
// VM "vm" on h1 and VM "far" on h4, each with its own 256 MiB disk and the same workload
// (write-through, uniform: the disk fits the cache).
nlohmann::json flashless() {
  const nlohmann::json workload = {{"pattern", "uniform"}, {"read_ratio", 0.8}, {"iops", 2000}};
  nlohmann::json doc = testing::three_host_scenario(0, workload);
  doc["datastores"][0]["policy"] = {{"mode", "write-through"}};
  doc["prewarm"] = true;  // the caches start warm: hits from the first request
  doc["cluster"]["hosts"].push_back({{"name", "h4"}, {"rack", "r2"}, {"remote_flash", "h2"}});
  doc["vms"][0]["disks"][0]["size_gib"] = 0.25;
  nlohmann::json far = doc["vms"][0];
  far["name"] = "far";
  far["host"] = "h4";
  doc["vms"].push_back(far);
  return doc;
}

TEST(RemoteFlashRun, AFlashlessHostsVmIsServedByItsPeersFlashOverTheNetwork) {
  const RunResult r = run_scenario(parse_scenario(flashless()));
  ASSERT_TRUE(r.with_flash->cluster().consistent());
  const Totals& local = r.with_flash->vm(0);
  const Totals& far = r.with_flash->vm(1);
  // h2's cache serves the VM on h4 as h1's serves the VM on h1 (the same workload, cached).
  EXPECT_GT(far.read_blocks.hit_ratio(), 0.5);
  EXPECT_NEAR(far.read_blocks.hit_ratio(), local.read_blocks.hit_ratio(), 0.05);
  // A hit costs the network's round trip more (two hops of at least 5 us each), and stays far
  // below the array's milliseconds.
  const auto p50_far = static_cast<double>(far.read_latency.percentile(0.5));
  const auto p50_local = static_cast<double>(local.read_latency.percentile(0.5));
  EXPECT_GT(p50_far, p50_local + 10'000);
  EXPECT_LT(p50_far, p50_local + 200'000);
  // Every request of the far VM and its data crossed the network both ways: its bytes plus
  // headers; the local VM's none.
  const ClusterTotals& c = r.with_flash->cluster();
  const auto bytes = static_cast<double>(far.bytes());
  EXPECT_GT(static_cast<double>(c.network[NetworkPurpose::remote_cache]), bytes);
  EXPECT_LT(static_cast<double>(c.network[NetworkPurpose::remote_cache]), 1.1 * bytes);
  // h2's flash holds the far VM's blocks; h4 has none.
  EXPECT_GT(r.with_flash->host(1).used_bytes.max, 0u);
}

}  // namespace
}  // namespace flashtwin::sim
