// Link cuts and partitions in whole SimGrid runs (docs/CLUSTER.md, "Link cuts and partitions").
// The matrix {write-through, write-back with 0, 1, 2 replicas} x the owner's NIC cut on a shared
// network (the owner loses its peers and the array: isolated, fenced, its VM restarted
// elsewhere): zero acknowledged writes lost within the replica count, the exact loss without
// replicas. On a dedicated storage fabric the owner keeps the array: replication times out, the
// VM falls back to write-through and gets its peer back when the link is restored; a cut peer is
// replaced by a reachable one. A rack partition (both uplinks of its ToR) fences the rack. Every
// TEST runs in a process of its own (see simulation_test.cpp).
#include "failure_checks.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace flashtwin::sim {
namespace {

using testing::has_event;

constexpr std::int64_t kMs = 1'000'000;

// The three-host scenario (h1 in rack r1; h2, h3 in r2; the array on the spines) with a
// write-heavy VM on h1 under `mode` with `replicas`; `cuts` (topology link names) are cut at
// 1 s, for `duration_s` (0: for good). HA notices in 300 ms (after the engines' 150 ms of
// timeouts and retries) and boots in 200 ms.
nlohmann::json link_cut(const std::string& mode, std::uint32_t replicas,
                        const std::vector<std::string>& cuts, double duration_s = 0) {
  nlohmann::json doc = testing::three_host_scenario(
      replicas, {{"pattern", "uniform"}, {"read_ratio", 0.3}, {"iops", 2000}});
  doc["duration_s"] = 2.5;
  doc["datastores"][0]["policy"]["mode"] = mode;
  if (mode != "write-back") doc["datastores"][0]["policy"].erase("replicas");
  doc["cluster"]["ha"] = {{"detect_s", 0.3}, {"boot_s", 0.2}};
  doc["events"] = nlohmann::json::array();
  for (const std::string& link : cuts) {
    nlohmann::json cut = {{"link", link}};
    if (duration_s > 0) cut["duration_s"] = duration_s;
    doc["events"].push_back({{"at_s", 1.0}, {"cut_link", cut}});
  }
  return doc;
}

// h1 could not reach the array from 1 s: fenced at 1.3 s, its VM restarted on h2 or h3; every
// acknowledged write is on the array or counted lost (`loses`: some were).
void expect_isolated(const RunResult& r, bool loses) {
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u);
  ASSERT_EQ(c.failures.outages.size(), 1u);
  const OutageTotals& o = c.failures.outages[0];
  EXPECT_EQ(o.cause, OutageCause::host_isolated);
  EXPECT_EQ(o.failed_host, "h1");
  EXPECT_EQ(o.failed_ns, 1300 * kMs);  // the cut, then ha.detect_s
  EXPECT_TRUE(o.restarted_on == "h2" || o.restarted_on == "h3") << o.restarted_on;
  EXPECT_GE(o.restarted_ns - o.failed_ns, 200 * kMs);
  EXPECT_TRUE(has_event(c.failures, "link_cut"));
  EXPECT_TRUE(has_event(c.failures, "host_isolated", "h1"));
  testing::expect_losses(c, o, loses);
  EXPECT_TRUE(c.consistent());
  EXPECT_GT(c.io.writes.ios, 0u);
}

TEST(LinkCutRun, IsolatedWriteThroughHostLosesNothing) {
  expect_isolated(run_scenario(parse_scenario(link_cut("write-through", 0, {"h1--tor-r1"}))),
                  false);
}

TEST(LinkCutRun, IsolatedWriteBackHostWithoutReplicasLosesWhatOnlyItHeld) {
  expect_isolated(run_scenario(parse_scenario(link_cut("write-back", 0, {"h1--tor-r1"}))), true);
}

TEST(LinkCutRun, IsolatedWriteBackHostWithOneReplicaLosesNothing) {
  const RunResult r = run_scenario(parse_scenario(link_cut("write-back", 1, {"h1--tor-r1"})));
  expect_isolated(r, false);
  const ClusterTotals& c = r.with_flash->cluster();
  // Its peer gave up on it and wrote its copies to the array once it was declared down.
  EXPECT_TRUE(has_event(c.failures, "vm_underprotected"));
  EXPECT_TRUE(has_event(c.failures, "replicas_recovered"));
}

TEST(LinkCutRun, IsolatedWriteBackHostWithTwoReplicasLosesNothing) {
  expect_isolated(run_scenario(parse_scenario(link_cut("write-back", 2, {"h1--tor-r1"}))), false);
}

TEST(LinkCutRun, RackPartitionFencesTheRackAndLosesNothingWithOneReplica) {
  expect_isolated(run_scenario(parse_scenario(
                      link_cut("write-back", 1, {"tor-r1--spine-1", "tor-r1--spine-2"}))),
                  false);
}

// On a dedicated fabric the owner keeps the array: no outage. Its peer is unreachable from 1 s
// to 1.5 s: the VM drains to write-through (under-protected meanwhile), stays write-through with
// no other host it can reach, and gets a peer again only after the restore.
TEST(LinkCutRun, CutOwnerOnDedicatedFabricRunsWriteThroughUntilTheRestore) {
  nlohmann::json doc = link_cut("write-back", 1, {"h1--tor-r1"}, 0.5);
  doc["cluster"]["array_network"] = "dedicated";
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  EXPECT_TRUE(c.failures.outages.empty());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  EXPECT_FALSE(has_event(c.failures, "host_isolated"));
  const auto& t = c.failures.timeline;
  const auto at = [&](const std::string& event) {
    const auto it =
        std::find_if(t.begin(), t.end(), [&](const TimelineEntry& e) { return e.event == event; });
    return it == t.end() ? std::int64_t{-1} : it->at_ns;
  };
  // Given up on after the timeout and its two retries (3 x 50 ms after the first lost copy).
  EXPECT_GE(at("vm_underprotected"), 1150 * kMs);
  EXPECT_LT(at("vm_underprotected"), 1200 * kMs);
  EXPECT_GT(at("vm_write_through"), at("vm_underprotected"));  // drained, no peer to be had
  EXPECT_LT(at("vm_write_through"), 1500 * kMs);
  EXPECT_EQ(at("link_restored"), 1500 * kMs);
  EXPECT_EQ(at("vm_reprotected"), 1500 * kMs);
  // Under-protected while its dirty data drained, not while it ran write-through.
  ASSERT_EQ(c.failures.under_protected_ns.size(), 1u);
  EXPECT_EQ(c.failures.under_protected_ns[0].second,
            at("vm_write_through") - at("vm_underprotected"));
  EXPECT_TRUE(c.consistent());
}

// The VM's peer h2 is cut off (dedicated fabric: it keeps the array and is not fenced): the owner
// gives up on it and re-protects on h3, which it can still reach, while the cut lasts.
TEST(LinkCutRun, CutPeerIsReplacedByAReachableOne) {
  nlohmann::json doc = link_cut("write-back", 1, {"h2--tor-r2"});
  doc["cluster"]["array_network"] = "dedicated";
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_EQ(c.violations.size(), 0u) << c.violations.front();
  ASSERT_EQ(c.replicas.size(), 1u);
  EXPECT_EQ(c.replicas[0].peers, std::vector<std::size_t>{1});  // h2, placed at the start
  EXPECT_TRUE(has_event(c.failures, "vm_underprotected", "h2"));
  EXPECT_TRUE(has_event(c.failures, "vm_reprotected", "h3"));
  EXPECT_TRUE(c.failures.outages.empty());
  EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  EXPECT_TRUE(c.consistent());
}

}  // namespace
}  // namespace flashtwin::sim
