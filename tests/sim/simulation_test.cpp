// The SimGrid runtime end to end: small scenarios against closed-form expectations.
//
// SimGrid allows one engine per process and run_scenario builds one, so every TEST here runs in a
// process of its own: CTest runs them one by one (gtest_discover_tests). Running this binary by
// hand with several tests in one process is not supported: use ctest, or --gtest_filter.
#include "flashtwin/sim/simulation.hpp"
#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/device_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace flashtwin::sim {
namespace {

// One host with an NVMe, one VM with one disk and the given workload, no baseline unless asked.
nlohmann::json one_vm(const std::string& mode, const nlohmann::json& workload, double seconds) {
  return {{"name", "one vm"},
          {"duration_s", seconds},
          {"cluster",
           {{"hosts",
             {{{"name", "h1"}, {"flash", {{{"device", "nvme-1.6t"}, {"capacity_gib", 4}}}}}}}}},
          {"datastores", {{{"name", "ds"}, {"policy", {{"mode", mode}}}}}},
          {"vms",
           {{{"name", "vm"},
             {"host", "h1"},
             {"datastore", "ds"},
             {"disks", {{{"size_gib", 1}, {"workload", workload}}}}}}},
          {"output", {{"baseline", false}}}};
}

double microseconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e3;
}

TEST(Simulation, ReadHitsTakeTheFlashReadTime) {
  // Closed loop, one request at a time, reads over 1 MiB of the disk: hits once warm.
  const nlohmann::json workload = {
      {"pattern", "uniform"}, {"read_ratio", 1.0}, {"start_offset_bytes", 0}, {"queue_depth", 1}};
  nlohmann::json doc = one_vm("write-through", workload, 5);
  doc["vms"][0]["disks"][0]["size_gib"] = 0.0009765625;  // 1 MiB: 256 blocks, all cached quickly
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_GT(c.io.read_blocks.hit_ratio(), 0.9);  // the first 256 reads miss, at array speed
  const models::DeviceProfile& nvme = models::device_preset("nvme-1.6t");
  const double expected_us = nvme.read_latency_us;  // 4 KiB random at QD1, the datasheet's
  // The histogram's buckets are within 1.6 % (latency_histogram.hpp); allow 3 %.
  EXPECT_NEAR(microseconds(c.io.read_latency.percentile(50)), expected_us, 0.03 * expected_us);
}

TEST(Simulation, WriteBackWritesAreAcknowledgedAtFlashSpeed) {
  const nlohmann::json workload = {{"pattern", "uniform"}, {"read_ratio", 0.0}, {"queue_depth", 1}};
  nlohmann::json doc = one_vm("write-back", workload, 1);
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  const models::DeviceProfile& nvme = models::device_preset("nvme-1.6t");
  const double expected_us = nvme.write_latency_us;  // 4 KiB random at QD1, the datasheet's
  EXPECT_NEAR(microseconds(c.io.write_latency.percentile(50)), expected_us, 0.03 * expected_us);
  EXPECT_GT(c.drain.array.destage_writes.ios, 0u);  // destaged in the final drain, reported apart
}

// Uniform reads over a 1 GiB disk (262144 blocks) at 1000 IOPS for 2 s: a cold cache would hit
// well under 1 %; prewarmed until the footprint is covered (one read per block of the disk, drawn
// from the same distribution) it holds about 1 - 1/e of the blocks from t = 0.
TEST(Simulation, PrewarmStartsTheRunWithAWarmCache) {
  const nlohmann::json workload = {{"pattern", "uniform"}, {"read_ratio", 1.0}, {"iops", 1000}};
  nlohmann::json doc = one_vm("write-back", workload, 2);
  doc["prewarm"] = true;
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_NEAR(c.io.read_blocks.hit_ratio(), 1 - std::exp(-1.0), 0.05);
  EXPECT_EQ(c.dirty_bytes.max, 0u);  // prewarm leaves nothing dirty
  EXPECT_GT(r.with_flash->host(0).used_bytes.last, 150'000ull * 4096);
}

// Write-back with a 1 s warm-up in a 3 s run: totals cover (1 s, 3 s], the final destage is
// reported apart, the network carries what the array saw, and the host section is fed.
TEST(Simulation, WarmupDrainNetworkAndHostAreReported) {
  const nlohmann::json workload = {
      {"pattern", "uniform"}, {"read_ratio", 0.5}, {"iops", 1000}, {"arrivals", "constant"}};
  nlohmann::json doc = one_vm("write-back", workload, 3);
  doc["warmup_s"] = 1;
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(c.window_start_ns, 1'000'000'000);
  EXPECT_EQ(c.window_end_ns, 3'000'000'000);
  EXPECT_EQ(c.io.duration_ns, 2'000'000'000);
  EXPECT_NEAR(c.io.iops(), 1000, 5);  // over the window, not over the whole run
  EXPECT_GT(c.drain.duration_ns, 0);
  EXPECT_GT(c.drain.array.destage_writes.ios, 0u);
  EXPECT_EQ(c.drain.network[NetworkPurpose::destage], c.drain.array.destage_writes.bytes);
  // Array reads: counted on the network when they reach the host, like at the array.
  EXPECT_GT(c.array.reads.bytes, 0u);
  EXPECT_EQ(c.network[NetworkPurpose::array_read], c.array.reads.bytes);
  EXPECT_EQ(c.network[NetworkPurpose::replication], 0u);
  const HostTotals& h = r.with_flash->host(0);
  EXPECT_EQ(h.name, "h1");
  EXPECT_EQ(h.flash_bytes, 4ull << 30);
  EXPECT_EQ(h.endurance_dwpd, models::device_preset("nvme-1.6t").endurance_dwpd);
  EXPECT_GT(h.used_bytes.max, 0u);
  EXPECT_GT(h.dirty_bytes.max, 0u);
  // Every VM write lands on flash once (4 KiB), and misses are filled: at least the writes.
  EXPECT_GE(h.flash_writes.bytes, c.io.writes.bytes);
  EXPECT_GT(h.flash_read_latency.count(), 0u);
  EXPECT_GT(h.utilisation(), 0.0);
  EXPECT_LT(h.utilisation(), 1.0);
  EXPECT_GT(h.drive_writes_per_day(), 0.0);
}

TEST(Simulation, FlashTierGainsLatencyAndOffloadsTheArray) {
  const nlohmann::json workload = {
      {"pattern", "zipf"}, {"zipf_theta", 1.1}, {"read_ratio", 0.8}, {"iops", 2000}};
  nlohmann::json doc = one_vm("write-back", workload, 10);
  doc["output"]["baseline"] = true;
  const RunResult r = run_scenario(parse_scenario(doc));
  ASSERT_TRUE(r.with_flash->cluster().consistent());
  ASSERT_TRUE(r.comparison.has_value());
  // Open loop at 2000 IOPS for 10 s: about 20000 requests in both runs.
  EXPECT_NEAR(static_cast<double>(r.with_flash->cluster().io.ios()), 20000, 600);
  EXPECT_EQ(r.with_flash->cluster().io.ios(), r.baseline->cluster().io.ios());
  EXPECT_GT(r.comparison->read_offload, 0.5);
  EXPECT_GT(r.comparison->all.p50.gain, 5.0);
  EXPECT_TRUE(r.failed_expectations.empty());
}

// 4 KiB random writes at 1.5 x the SATA SSD's steady-state write IOPS (33,000) on a cache that
// uses 890 of its 894 GiB (so garbage collection runs near the datasheet's steady state, ~35,000
// writes/s): the device's 4 MiB write buffer absorbs them at first (the datasheet's 52 us), fills
// after about 1024 / (49,500 - 35,000) s = 71 ms, and from then on writes queue behind garbage
// collection.
TEST(Simulation, WritesAboveTheDevicesSteadyStateRateQueueOnceItsBufferIsFull) {
  const nlohmann::json workload = {
      {"pattern", "uniform"}, {"read_ratio", 0.0}, {"arrivals", "constant"}, {"iops", 1.5 * 33000}};
  nlohmann::json doc = one_vm("write-back", workload, 0.5);
  doc["cluster"]["hosts"][0]["flash"][0]["device"] = "sata-ssd-960g";
  doc["cache"] = {{"admission", nlohmann::json::array()}};
  doc["vms"][0]["disks"][0]["size_gib"] = 890;
  doc["cluster"]["hosts"][0]["flash"][0]["capacity_gib"] = 890;
  doc["output"]["interval_s"] = 0.025;
  const RunResult r = run_scenario(parse_scenario(doc));
  struct Rows final : MetricsVisitor {
    std::vector<std::int64_t> p50;
    void interval(const IntervalRow& row) override { p50.push_back(row.io.p50_ns); }
  } rows;
  r.with_flash->visit(rows);
  ASSERT_GE(rows.p50.size(), 20u);
  EXPECT_NEAR(static_cast<double>(rows.p50[0]), 52e3, 0.03 * 52e3);  // the buffer takes them
  EXPECT_GT(static_cast<double>(rows.p50[19]), 20 * 52e3);           // a queue on the device
}

// One VM on a host without flash, for 2 s, against an array of 4 servers of exactly 1 ms (no
// size-dependent time): the backend serves exactly 4000 I/Os per second.
nlohmann::json on_a_1ms_array(const nlohmann::json& workload) {
  nlohmann::json doc = one_vm("write-through", workload, 2);
  doc["cluster"]["hosts"][0].erase("flash");
  doc["array"] = {{"preset", "all-flash"},
                  {"backend_servers", 4},
                  {"backend_positioning_us", 1000},
                  {"backend_service_cv", 0},
                  {"backend_media_mbps", 1e9}};
  return doc;
}

// The array's backend bounds throughput: 64 requests kept outstanding against 4 servers of
// exactly 1 ms get 4000 reads per second, and the run says the array was saturated.
TEST(Simulation, AClosedLoopGetsExactlyTheArrayBackendsCapacity) {
  const nlohmann::json workload = {
      {"pattern", "uniform"}, {"read_ratio", 1.0}, {"queue_depth", 64}};
  const nlohmann::json doc = on_a_1ms_array(workload);
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_NEAR(c.io.read_iops(), 4000, 4000 * 0.01);
  const models::ArraySaturation s = c.array_saturation();
  EXPECT_TRUE(s.saturated);
  EXPECT_NEAR(s.capacity_iops, 4000, 40);
}

// 2000 constant arrivals per second on that array.
RunResult open_loop_on_a_1ms_array(std::uint32_t max_outstanding) {
  const nlohmann::json workload = {{"pattern", "uniform"},
                                   {"read_ratio", 1.0},
                                   {"arrivals", "constant"},
                                   {"iops", 2000},
                                   {"max_outstanding", max_outstanding}};
  const nlohmann::json doc = on_a_1ms_array(workload);
  return run_scenario(parse_scenario(doc));
}

// Unlimited (or with room), these arrivals never queue: each takes the array's 1 ms plus the
// network's round trip (under 0.2 ms here).
TEST(Simulation, AnOpenLoopWithinItsOutstandingLimitNeverWaitsInTheGuest) {
  const RunResult r = open_loop_on_a_1ms_array(64);
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(r.simulated_ios, 4000u);
  EXPECT_GT(static_cast<double>(c.io.latency.percentile(1)) / 1e6, 1.0);
  EXPECT_LT(static_cast<double>(c.io.latency.max()) / 1e6, 1.2);
}

// With one slot (max_outstanding 1), an arrival that finds it busy waits in the guest, its latency
// counted from its arrival: request i (arrived at i / 2000 s) starts when request i - 1 completes,
// at i T (T: one request's 1 ms plus network), and takes i (T - 0.5 ms) + T. T follows from the
// last request (i = 3999); the median (i = 2000) must then fit, and T be one request's time.
TEST(Simulation, AnOpenLoopWaitsInTheGuestBeyondItsOutstandingLimit) {
  const RunResult r = open_loop_on_a_1ms_array(1);
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(r.simulated_ios, 4000u);  // every arrival before the end is served, late
  const double max_s = static_cast<double>(c.io.latency.max()) / 1e9;
  const double service_s = (max_s + 3999 * 0.5e-3) / 4000;
  EXPECT_GT(service_s, 1.0e-3);
  EXPECT_LT(service_s, 1.2e-3);
  const double p50_s = 2000 * (service_s - 0.5e-3) + service_s;
  EXPECT_NEAR(static_cast<double>(c.io.latency.percentile(50)) / 1e9, p50_s, p50_s * 0.01);
}

TEST(Simulation, LeafSpineWithTheArrayOnItsOwnFabricRuns) {
  const nlohmann::json workload = {{"pattern", "zipf"}, {"read_ratio", 0.6}, {"iops", 1000}};
  nlohmann::json doc = one_vm("write-back", workload, 3);
  doc["cluster"]["topology"] = "leaf-spine";
  doc["cluster"]["array_network"] = "dedicated";
  doc["cluster"]["hosts"][0]["rack"] = "r1";
  doc["cluster"]["hosts"].push_back({{"name", "h2"}, {"rack", "r2"}});  // no flash
  doc["vms"].push_back(doc["vms"][0]);
  doc["vms"][1]["name"] = "vm2";
  doc["vms"][1]["host"] = "h2";
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  EXPECT_TRUE(c.consistent());
  EXPECT_EQ(r.with_flash->cluster().io.ios(), r.simulated_ios);
  // The VM on the host without flash is served by the array only.
  struct PerVm final : MetricsVisitor {
    std::vector<double> hits;
    void vm(std::size_t, std::string_view, const Totals& t) override {
      hits.push_back(t.read_blocks.hit_ratio());
    }
  } per_vm;
  r.with_flash->visit(per_vm);
  ASSERT_EQ(per_vm.hits.size(), 2u);
  EXPECT_GT(per_vm.hits[0], 0.1);
  EXPECT_EQ(per_vm.hits[1], 0.0);
}

// A device with queue depth 1 serves one I/O at a time, latency included: four requests kept
// outstanding by a closed loop wait their turn, so throughput is one per service time and each
// waits about four service times.
TEST(Simulation, DeviceQueueDepthBoundsOutstandingIosForTheWholeRun) {
  const nlohmann::json workload = {{"pattern", "uniform"}, {"read_ratio", 1.0}, {"queue_depth", 4}};
  nlohmann::json doc = one_vm("write-through", workload, 5);
  doc["devices"] = {
      {"slow", {{"preset", "nvme-1.6t"}, {"read_latency_us", 1000}, {"queue_depth", 1}}}};
  doc["cluster"]["hosts"][0]["flash"][0]["device"] = "slow";
  doc["vms"][0]["disks"][0]["size_gib"] = 0.0009765625;  // 1 MiB: all hits after the first pass
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  const double service_s = 1e-3;  // the device's 4 KiB read latency
  // Reads keep coming for the whole 5 s (the closed loop is not cut by an arrival-rate budget).
  EXPECT_NEAR(c.io.read_iops(), 1 / service_s, 0.05 / service_s);
  EXPECT_NEAR(microseconds(c.io.read_latency.percentile(50)), 4 * service_s * 1e6,
              0.05 * 4 * service_s * 1e6);
}

TEST(Simulation, ShortRunsEndWithTheirWorkload) {
  nlohmann::json doc = one_vm("write-back", {{"iops", 1000}, {"read_ratio", 0.5}}, 1);
  const RunResult r = run_scenario(parse_scenario(doc));
  // Nothing (such as a 5 s garbage-collection window) may stretch a 1 s run.
  EXPECT_LT(r.with_flash->cluster().io.duration_ns, 1'100'000'000);
  EXPECT_LT(r.drain_s, 0.1);
}

// A trace as a disk's workload: the plain CSV trace written here, 100 reads of one block a
// millisecond apart, replayed twice as fast and looped for 0.1 s: a pass of 100 reads in 49.5 ms,
// a 1 ms gap, and 99 more before the end (the one due at exactly 0.1 s is not issued). Reads
// issued while the first miss is on its way from the array miss too; then all hit.
TEST(Simulation, TraceWorkloadReplaysWindowedScaledAndLooped) {
  const std::string trace = ::testing::TempDir() + "/one_block.csv";
  {
    std::ofstream out(trace);
    out << "time_us,op,offset,length\n";
    for (int i = 0; i < 100; ++i)
      out << i * 1000 << ",R,0,4096\n";
  }
  nlohmann::json doc =
      one_vm("write-through", {{"trace", trace}, {"time_scale", 2}, {"loop", true}}, 0.1);
  doc["vms"][0]["disks"][0]["size_gib"] = 0.0009765625;
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  ASSERT_TRUE(c.consistent());
  EXPECT_EQ(c.io.reads.ios, 199u);
  EXPECT_GT(c.io.read_blocks.local_flash, 180u);
}

TEST(Simulation, ATraceRequestBeyondTheDiskIsBadInput) {
  const std::string trace = ::testing::TempDir() + "/far.csv";
  std::ofstream(trace) << "0,R,1073741824,4096\n";  // at 1 GiB
  nlohmann::json doc = one_vm("write-through", {{"trace", trace}}, 1);
  doc["vms"][0]["disks"][0]["size_gib"] = 0.5;
  EXPECT_THROW(run_scenario(parse_scenario(doc)), models::TraceError);
}

TEST(Simulation, AnEventThatChangesAVmsReplicasIsRefused) {
  nlohmann::json doc = one_vm("write-back", {{"iops", 10}}, 1);
  doc["datastores"][0]["policy"]["replicas"] = 1;
  doc["events"] =
      nlohmann::json::array({{{"at_s", 0.5},
                              {"datastore_policy",
                               {{"datastore", doc["datastores"][0]["name"]},
                                {"policy", {{"mode", "write-back"}, {"replicas", 2}}}}}}});
  try {
    run_scenario(parse_scenario(doc));
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.path(), "$.events[0].datastore_policy.policy.replicas");
  }
}

}  // namespace
}  // namespace flashtwin::sim
