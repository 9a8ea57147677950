// Hosts with flash and RAM in whole SimGrid runs (docs/CLUSTER.md, "Flash and RAM on one host"):
// h1 (rack r1) and h2 (rack r2) each have 4 GiB of NVMe flash and 2 GiB of RAM; h3 (rack r2) has
// no cache. VM "db" caches on flash (its policy names no medium: its host's flash), VM "fast" in
// RAM; both write-back with one replica. Each cache is a host of its own in the results ("h1",
// "h1/ram"), the copies go to the same medium on the other rack, the two caches of a host fail,
// lose power and are cut together, and a flash device failure leaves the RAM cache running.
// Every TEST runs in a process of its own (see simulation_test.cpp).
#include "failure_checks.hpp"
#include "flashtwin/sim/simulation.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::sim {
namespace {

using testing::has_event;

constexpr std::int64_t kMs = 1'000'000;

nlohmann::json flash_and_ram_scenario() {
  auto host = [](const std::string& name, const std::string& rack, bool caches) {
    nlohmann::json h{{"name", name}, {"rack", rack}};
    if (caches) {
      h["flash"] = {{{"device", "nvme-1.6t"}, {"capacity_gib", 4}},
                    {{"device", "ram"}, {"capacity_gib", 2}}};
    }
    return h;
  };
  auto vm = [](const std::string& name, const nlohmann::json& policy) {
    return nlohmann::json{
        {"name", name},
        {"host", "h1"},
        {"datastore", "ds"},
        {"policy", policy},
        {"disks",
         {{{"size_gib", 1},
           {"workload", {{"pattern", "uniform"}, {"read_ratio", 0.3}, {"iops", 2000}}}}}}};
  };
  return {{"name", "flash and RAM"},
          {"duration_s", 2.5},
          {"seed", 5},
          {"cluster",
           {{"topology", "leaf-spine"},
            {"hosts", {host("h1", "r1", true), host("h2", "r2", true), host("h3", "r2", false)}},
            {"ha", {{"detect_s", 0.1}, {"boot_s", 0.2}}}}},
          {"datastores", {{{"name", "ds"}, {"policy", {{"mode", "write-through"}}}}}},
          {"vms",
           {vm("db", {{"mode", "write-back"}, {"replicas", 1}}),
            vm("fast", {{"mode", "write-back"}, {"replicas", 1}, {"medium", "ram"}})}},
          {"output", {{"baseline", false}}}};
}

RunResult run_with(const nlohmann::json& events) {
  nlohmann::json doc = flash_and_ram_scenario();
  doc["events"] = events;
  return run_scenario(parse_scenario(doc));
}

const HostTotals& host_named(const Metrics& m, const std::string& name) {
  for (std::size_t h = 0; h < m.host_count(); ++h)
    if (m.host(h).name == name) return m.host(h);
  throw std::out_of_range("no host " + name);
}

const OutageTotals* outage_of(const ClusterTotals& c, const std::string& vm) {
  for (const OutageTotals& o : c.failures.outages)
    if (o.vm == vm) return &o;
  return nullptr;
}

void expect_consistent(const ClusterTotals& c) {
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u);
  EXPECT_TRUE(c.consistent());
}

TEST(FlashAndRamRun, EachCacheIsAHostAndCopiesGoToTheSameMediumElsewhere) {
  const RunResult r = run_with(nlohmann::json::array());
  const Metrics& m = *r.with_flash;
  ASSERT_EQ(m.host_count(), 5u);
  EXPECT_EQ(m.host(0).name, "h1");
  EXPECT_EQ(m.host(1).name, "h1/ram");
  EXPECT_EQ(m.host(2).name, "h2");
  EXPECT_EQ(m.host(3).name, "h2/ram");
  EXPECT_EQ(m.host(4).name, "h3");
  EXPECT_FALSE(m.host(0).volatile_cache);
  EXPECT_TRUE(m.host(1).volatile_cache);
  EXPECT_EQ(m.host(1).flash_bytes, 2ull << 30);
  // Each VM's writes went to its own medium's device, and its copies to the same medium on h2.
  EXPECT_GT(host_named(m, "h1").flash_writes.ios, 0u);
  EXPECT_GT(host_named(m, "h1/ram").flash_writes.ios, 0u);
  EXPECT_GT(host_named(m, "h2").replica_bytes.max, 0u);
  EXPECT_GT(host_named(m, "h2/ram").replica_bytes.max, 0u);
  const ClusterTotals& c = m.cluster();
  ASSERT_EQ(c.replicas.size(), 2u);
  EXPECT_EQ(c.replicas[0].peers, std::vector<std::size_t>{2});  // db: h2
  EXPECT_EQ(c.replicas[1].peers, std::vector<std::size_t>{3});  // fast: h2/ram
  EXPECT_GT(c.network[NetworkPurpose::replication], 0u);
  expect_consistent(c);
}

TEST(FlashAndRamRun, AHostFailureTakesBothCachesAndTheCopiesRecoverBothVms) {
  // A third VM on h2's flash: h2 runs more VMs than h2/ram, yet db (no medium) restarts on flash.
  nlohmann::json doc = flash_and_ram_scenario();
  nlohmann::json other = doc["vms"][0];
  other["name"] = "other";
  other["host"] = "h2";
  doc["vms"].push_back(other);
  doc["events"] = {{{"at_s", 1.0}, {"fail_host", {{"host", "h1"}}}}};
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  expect_consistent(c);
  EXPECT_TRUE(has_event(c.failures, "host_failed", "h1"));
  EXPECT_TRUE(has_event(c.failures, "host_failed", "h1/ram"));
  ASSERT_EQ(c.failures.outages.size(), 2u);
  const OutageTotals* db = outage_of(c, "db");
  const OutageTotals* fast = outage_of(c, "fast");
  ASSERT_NE(db, nullptr);
  ASSERT_NE(fast, nullptr);
  EXPECT_EQ(db->failed_ns, 1000 * kMs);
  EXPECT_EQ(fast->failed_ns, 1000 * kMs);
  // Each restarts on the cache of its medium, and the copy on h2's (RAM for fast) lost nothing:
  // a RAM copy protects against a host failure.
  EXPECT_EQ(db->restarted_on, "h2");
  EXPECT_EQ(fast->restarted_on, "h2/ram");
  EXPECT_EQ(db->writes_lost, 0u);
  EXPECT_EQ(fast->writes_lost, 0u);
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
}

TEST(FlashAndRamRun, AClusterPowerLossLosesWhatOnlyRamHeld) {
  const RunResult r = run_with({{{"at_s", 1.0}, {"power_loss", {{"duration_s", 0.3}}}}});
  const ClusterTotals& c = r.with_flash->cluster();
  expect_consistent(c);
  const OutageTotals* db = outage_of(c, "db");
  const OutageTotals* fast = outage_of(c, "fast");
  ASSERT_NE(db, nullptr);
  ASSERT_NE(fast, nullptr);
  EXPECT_EQ(db->cause, OutageCause::power_loss);
  EXPECT_EQ(db->restarted_on, "h1");
  EXPECT_EQ(fast->restarted_on, "h1/ram");
  // db's flash kept every acknowledged version; fast's were in RAM on h1 and h2: counted lost.
  EXPECT_EQ(db->writes_lost, 0u);
  EXPECT_GT(fast->writes_lost, 0u);
  EXPECT_EQ(fast->bytes_lost, fast->blocks_lost * 4096);
  EXPECT_EQ(c.acknowledged_writes_lost, fast->writes_lost);
}

TEST(FlashAndRamRun, AFlashFailureLeavesTheRamCacheRunning) {
  const RunResult r = run_with({{{"at_s", 1.0}, {"fail_flash", {{"host", "h1"}}}}});
  const ClusterTotals& c = r.with_flash->cluster();
  expect_consistent(c);
  EXPECT_TRUE(has_event(c.failures, "flash_failed", "h1"));
  EXPECT_FALSE(has_event(c.failures, "flash_failed", "h1/ram"));
  ASSERT_EQ(c.failures.outages.size(), 1u);
  EXPECT_EQ(c.failures.outages[0].vm, "db");
  EXPECT_EQ(c.failures.outages[0].cause, OutageCause::flash_failed);
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);  // db's copy on h2 went to the array
  // fast never stopped: its RAM cache served it to the end.
  EXPECT_EQ(outage_of(c, "fast"), nullptr);
  EXPECT_GT(r.with_flash->vm(1).writes.ios, 0u);
}

TEST(FlashAndRamRun, ACutNicIsolatesBothCachesOfTheHost) {
  const RunResult r = run_with({{{"at_s", 1.0}, {"cut_link", {{"link", "h1--tor-r1"}}}}});
  const ClusterTotals& c = r.with_flash->cluster();
  expect_consistent(c);
  EXPECT_TRUE(has_event(c.failures, "host_isolated", "h1"));
  EXPECT_TRUE(has_event(c.failures, "host_isolated", "h1/ram"));
  ASSERT_EQ(c.failures.outages.size(), 2u);
  EXPECT_EQ(outage_of(c, "db")->restarted_on, "h2");
  EXPECT_EQ(outage_of(c, "fast")->restarted_on, "h2/ram");
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
}

}  // namespace
}  // namespace flashtwin::sim
