// The array slowed down and out, in whole SimGrid runs (docs/CLUSTER.md, "Failures"): during an
// outage write-back writes keep their flash latency until the host's dirty limit (predicted from
// the dirty data at the outage's start and the write rate, within 15 %), then wait for the array;
// write-through writes and read misses wait for the outage's end; afterwards the dirty data
// destages and no acknowledged write is lost. A slowdown of factor k multiplies the latency of
// array-served reads by about k (the backend's service is 97 % of it; within 12 %). An event ending
// when the next starts ends first. The events apply in the baseline run too. Every TEST runs in a
// process of its own (see simulation_test.cpp).
#include "cluster_runtime.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "three_host_scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace flashtwin::sim {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

// What a run reports, kept as it comes (no Metrics: the tests look at single requests).
struct Recorder final : RunSink {
  std::vector<RequestCompleted> requests;
  std::vector<ClusterEvent> timeline;
  std::vector<ClusterGauges> gauges;
  std::vector<std::string> violations;
  std::uint64_t writes_lost = 0;
  void record(const RunEvent& event) override {
    if (const auto* r = std::get_if<RequestCompleted>(&event)) requests.push_back(*r);
    if (const auto* e = std::get_if<ClusterEvent>(&event)) timeline.push_back(*e);
    if (const auto* g = std::get_if<ClusterGauges>(&event)) gauges.push_back(*g);
    if (const auto* v = std::get_if<ConsistencyViolation>(&event)) violations.push_back(v->what);
    if (const auto* w = std::get_if<WritesLost>(&event)) writes_lost += w->writes;
  }
};

Recorder run(const nlohmann::json& doc) {
  const Scenario scenario = parse_scenario(doc);
  Recorder recorder;
  ClusterRuntime runtime(scenario, false, recorder);
  runtime.run({});
  return recorder;
}

// Hosts h1 (r1), h2, h3 (r2) with 32 MiB of flash each (8192 blocks; dirty limit 0.8: 6553). On
// h1, "vm" writes only, 4 KiB uniform over 1 GiB at 2000/s, write-back without replicas: nearly
// every write dirties a new block. On h2, "wt" (write-through) reads and writes 4 KiB uniform
// over 1 GiB at 500/s: its reads miss. The array is out from 1 s to 4 s of 5 s.
constexpr double kOutageFrom = 1.0, kOutageTo = 4.0;
constexpr double kFlashGib = 1.0 / 32;
constexpr double kWriteRate = 2000;

nlohmann::json outage_scenario() {
  nlohmann::json doc = testing::three_host_scenario(
      0, {{"pattern", "uniform"}, {"read_ratio", 0.0}, {"iops", kWriteRate}});
  doc["duration_s"] = 5;
  for (auto& host : doc["cluster"]["hosts"])
    host["flash"][0]["capacity_gib"] = kFlashGib;
  doc["datastores"].push_back({{"name", "wt-ds"}, {"policy", {{"mode", "write-through"}}}});
  doc["vms"].push_back(
      {{"name", "wt"},
       {"host", "h2"},
       {"datastore", "wt-ds"},
       {"disks",
        {{{"size_gib", 1},
          {"workload", {{"pattern", "uniform"}, {"read_ratio", 0.5}, {"iops", 500}}}}}}});
  doc["events"] = {
      {{"at_s", kOutageFrom}, {"array_outage", {{"duration_s", kOutageTo - kOutageFrom}}}}};
  doc["output"]["interval_s"] = 0.05;  // cluster gauges: the dirty data at the outage's start
  return doc;
}

TEST(ArrayFailureRun, OutageWriteBackAbsorbsWritesUpToItsDirtyLimitAndLosesNothing) {
  const Recorder r = run(outage_scenario());
  const std::int64_t from = static_cast<std::int64_t>(kOutageFrom * kSecond);
  const std::int64_t to = static_cast<std::int64_t>(kOutageTo * kSecond);

  // The timeline: the outage and its end.
  ASSERT_EQ(r.timeline.size(), 2u);
  EXPECT_EQ(r.timeline[0].kind, ClusterEventKind::array_outage);
  EXPECT_EQ(r.timeline[0].at_ns, from);
  EXPECT_EQ(r.timeline[1].kind, ClusterEventKind::array_restored);
  EXPECT_EQ(r.timeline[1].at_ns, to);

  // Write-back ("vm", VM 0): the first write of the outage that waited marks the dirty limit.
  std::vector<RequestCompleted> wb;
  for (const RequestCompleted& q : r.requests) {
    if (q.vm == 0 && q.submitted_ns >= from && q.submitted_ns < to) wb.push_back(q);
  }
  std::sort(wb.begin(), wb.end(),
            [](const auto& a, const auto& b) { return a.submitted_ns < b.submitted_ns; });
  ASSERT_GT(wb.size(), 1000u);
  const auto first_wait = std::find_if(wb.begin(), wb.end(), [](const RequestCompleted& q) {
    return q.completed_ns - q.submitted_ns > 10 * kMs;
  });
  ASSERT_NE(first_wait, wb.end()) << "the dirty limit was never reached";
  const std::int64_t limit_ns = first_wait->submitted_ns;
  for (auto q = wb.begin(); q != first_wait; ++q)  // flash latency: well under a millisecond
    EXPECT_LT(q->completed_ns - q->submitted_ns, kMs) << "submitted at " << q->submitted_ns;
  for (auto q = first_wait; q != wb.end(); ++q)  // then every write waits for the array
    EXPECT_GE(q->completed_ns, to) << "submitted at " << q->submitted_ns;
  // Predicted: the room left under the dirty limit at the outage's start, filled at the write
  // rate (no destage completes during the outage; rewrites of dirty blocks, ~1 % here, need no
  // room).
  const auto at_start = std::find_if(r.gauges.begin(), r.gauges.end(),
                                     [&](const ClusterGauges& g) { return g.at_ns >= from; });
  ASSERT_NE(at_start, r.gauges.end());
  const double limit_bytes = 0.8 * kFlashGib * (1 << 30);
  const double room_bytes = limit_bytes - static_cast<double>(at_start->dirty_bytes);
  ASSERT_GT(room_bytes, 0);
  const double predicted_s = room_bytes / (kWriteRate * 4096);
  const double measured_s = static_cast<double>(limit_ns - from) / 1e9;
  EXPECT_NEAR(measured_s / predicted_s, 1.0, 0.15)
      << "measured " << measured_s << " s, predicted " << predicted_s << " s";
  EXPECT_LT(measured_s, kOutageTo - kOutageFrom);

  // Write-through ("wt", VM 1): its writes and read misses wait for the outage's end.
  std::size_t waited = 0;
  for (const RequestCompleted& q : r.requests) {
    if (q.vm != 1 || q.submitted_ns < from || q.submitted_ns >= to) continue;
    if (q.kind == engine::IoKind::write || q.served.array > 0) {
      EXPECT_GE(q.completed_ns, to) << "submitted at " << q.submitted_ns;
      ++waited;
    }
  }
  EXPECT_GT(waited, 1000u);

  // Afterwards: everything destaged, every request succeeded, nothing lost or inconsistent.
  ASSERT_FALSE(r.gauges.empty());
  EXPECT_TRUE(r.violations.empty()) << r.violations.front();
  EXPECT_EQ(r.writes_lost, 0u);
  for (const RequestCompleted& q : r.requests)
    ASSERT_TRUE(q.ok) << "VM " << q.vm << " submitted at " << q.submitted_ns;
}

// "vm" reads 4 KiB uniform at 600/s, pass-through: every read is served by the array (hybrid-10k:
// 48 disks of ~6.83 ms, cv 0.5). Slowed x4 from 1 s to 3 s of 3.5 s: reads issued in the slowdown
// take about 4 times as long as those before it (service 97 % of the latency; the backend's
// utilisation rises from 9 % to 34 %, where waiting adds little).
TEST(ArrayFailureRun, SlowdownRaisesArrayServedReadLatency) {
  constexpr double k = 4;
  nlohmann::json doc =
      testing::three_host_scenario(0, {{"pattern", "uniform"}, {"read_ratio", 1.0}, {"iops", 600}});
  doc["duration_s"] = 3.5;
  doc["datastores"][0]["policy"] = {{"mode", "pass-through"}};
  doc["events"] = {{{"at_s", 1.0}, {"array_slowdown", {{"factor", k}, {"duration_s", 2.0}}}}};
  const Recorder r = run(doc);
  ASSERT_EQ(r.timeline.size(), 2u);
  EXPECT_EQ(r.timeline[0].kind, ClusterEventKind::array_slowed);
  EXPECT_EQ(r.timeline[0].factor, k);
  EXPECT_EQ(r.timeline[1].kind, ClusterEventKind::array_restored);
  EXPECT_EQ(r.timeline[1].at_ns, 3 * kSecond);
  double before = 0, slowed = 0;
  std::size_t n_before = 0, n_slowed = 0;
  for (const RequestCompleted& q : r.requests) {
    ASSERT_EQ(q.served.array, 1u);
    const double latency = static_cast<double>(q.completed_ns - q.submitted_ns);
    if (q.completed_ns < kSecond) {  // started and ended before the slowdown
      before += latency;
      ++n_before;
    } else if (q.submitted_ns >= kSecond + 100 * kMs && q.completed_ns < 3 * kSecond) {
      slowed += latency;
      ++n_slowed;
    }
  }
  ASSERT_GT(n_before, 400u);
  ASSERT_GT(n_slowed, 800u);
  const double ratio =
      (slowed / static_cast<double>(n_slowed)) / (before / static_cast<double>(n_before));
  EXPECT_NEAR(ratio / k, 1.0, 0.12) << "slowed / before: " << ratio;
  EXPECT_TRUE(r.violations.empty());
}

// An outage ending when a slowdown starts: the end comes first (SimGrid does not keep the order of
// timers set for one date; the injector runs one date's transitions in one action).
TEST(ArrayFailureRun, AnEventEndsBeforeTheNextStartsAtTheSameDate) {
  nlohmann::json doc = outage_scenario();
  doc["duration_s"] = 3;
  doc["events"] = {{{"at_s", 1.0}, {"array_outage", {{"duration_s", 1.0}}}},
                   {{"at_s", 2.0}, {"array_slowdown", {{"factor", 3}, {"duration_s", 1.0}}}}};
  const Recorder r = run(doc);
  std::vector<std::pair<std::int64_t, ClusterEventKind>> timeline;
  for (const ClusterEvent& e : r.timeline)
    timeline.emplace_back(e.at_ns, e.kind);
  const std::vector<std::pair<std::int64_t, ClusterEventKind>> expected = {
      {1 * kSecond, ClusterEventKind::array_outage},
      {2 * kSecond, ClusterEventKind::array_restored},
      {2 * kSecond, ClusterEventKind::array_slowed},
      {3 * kSecond, ClusterEventKind::array_restored}};
  EXPECT_EQ(timeline, expected);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.writes_lost, 0u);
}

// With a baseline: the baseline run (no flash) has the same outage, and the summary says when.
TEST(ArrayFailureRun, TheBaselineRunHasTheSameOutage) {
  nlohmann::json doc = outage_scenario();
  doc["output"]["baseline"] = true;
  const RunResult result = run_scenario(parse_scenario(doc));
  ASSERT_NE(result.baseline, nullptr);
  for (const Metrics* m : {result.with_flash.get(), result.baseline.get()}) {
    const std::vector<TimelineEntry>& timeline = m->cluster().failures.timeline;
    ASSERT_EQ(timeline.size(), 2u);
    EXPECT_EQ(timeline[0].event, "array_outage");
    EXPECT_EQ(timeline[0].at_ns, 1 * kSecond);
    EXPECT_EQ(timeline[0].host, "");
    EXPECT_EQ(timeline[1].event, "array_restored");
    EXPECT_EQ(timeline[1].at_ns, 4 * kSecond);
    EXPECT_TRUE(m->cluster().consistent());
  }
  const std::string table = summary_table(*result.with_flash);
  EXPECT_NE(table.find("array outage at 1.000 s; restored at 4.000 s (down 3.000 s)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("host requests held by the array's outages"), std::string::npos) << table;
  const std::string json = summary_json(*result.with_flash);
  EXPECT_NE(json.find("\"event\": \"array_outage\""), std::string::npos);
}

}  // namespace
}  // namespace flashtwin::sim
