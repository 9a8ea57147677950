// Flash sizing: goals, what each host demands (its VMs, its curve, warm-up and prewarm), the read
// hit a goal needs, and the capacities that give it.
#include "flashtwin/sim/flash_sizing.hpp"
#include "flashtwin/sim/stream_merge.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace flashtwin::sim {
namespace {

// esx1 serves a write-back VM and a pass-through one (not cached), esx2 a write-through VM, esx3
// has no flash.
nlohmann::json two_hosts(bool prewarm, double warmup_s) {
  return nlohmann::json::parse(R"({
    "name": "sizing", "seed": 3, "duration_s": 20, "warmup_s": )" +
                               std::to_string(warmup_s) + R"(, "prewarm": )" +
                               (prewarm ? "true" : "false") + R"(,
    "cluster": { "hosts": [
      { "name": "esx1", "flash": [ { "device": "nvme-1.6t", "capacity_gib": 2 } ] },
      { "name": "esx2", "flash": [ { "device": "sata-ssd-960g", "capacity_gib": 1 } ] },
      { "name": "esx3" } ] },
    "array": { "preset": "hybrid-10k" },
    "datastores": [ { "name": "gold", "policy": { "mode": "write-back" } },
                    { "name": "silver", "policy": { "mode": "write-through" } } ],
    "vms": [
      { "name": "db", "host": "esx1", "datastore": "gold",
        "disks": [ { "size_gib": 1, "workload": { "pattern": "zipf", "zipf_theta": 0.9, "read_ratio": 0.7, "iops": 500 } } ] },
      { "name": "scratch", "host": "esx1", "datastore": "gold", "policy": { "mode": "pass-through" },
        "disks": [ { "size_gib": 4, "workload": { "pattern": "uniform", "iops": 100 } } ] },
      { "name": "web", "host": "esx2", "datastore": "silver",
        "disks": [ { "size_gib": 2, "workload": { "pattern": "hot-set", "hot_fraction": 0.05, "hot_access_fraction": 0.9, "read_ratio": 0.9, "iops": 400 } } ] }
    ] })");
}

TEST(SizingGoal, ParsesTheThreeGoalsAndRefusesTheRest) {
  EXPECT_EQ(parse_sizing_goal("read-hit=0.9").target, SizingTarget::read_hit);
  EXPECT_EQ(parse_sizing_goal("offload=0.7").value, 0.7);
  EXPECT_EQ(parse_sizing_goal("p99-read-ms=2").target, SizingTarget::p99_read_ms);
  EXPECT_EQ(describe(parse_sizing_goal("p99-read-ms=2")), "p99 read latency <= 2 ms");
  for (const char* bad : {"read-hit=1.2", "read-hit=0", "offload=x", "p99=2", "p99-read-ms=-1",
                          "read-hit", "read-hit=0.9ms", ""}) {
    EXPECT_THROW(parse_sizing_goal(bad), std::invalid_argument) << bad;
  }
}

TEST(FlashSizing, RoundsUpToTwoSignificantDigits) {
  EXPECT_DOUBLE_EQ(round_up_two_digits(0.372), 0.38);
  EXPECT_DOUBLE_EQ(round_up_two_digits(31.4), 32);
  EXPECT_DOUBLE_EQ(round_up_two_digits(123), 130);
  EXPECT_DOUBLE_EQ(round_up_two_digits(100), 100);
  EXPECT_DOUBLE_EQ(round_up_two_digits(0.01), 0.01);
}

TEST(FlashSizing, EachHostDemandsWhatItsCachedVmsTouch) {
  const Scenario scenario = parse_scenario(two_hosts(false, 0));
  const std::vector<HostDemand> demands = host_demands(scenario, {}, 2);
  ASSERT_EQ(demands.size(), 2U);  // esx3 has no flash
  EXPECT_EQ(demands[0].name, "esx1");
  EXPECT_EQ(demands[0].vms, std::vector<std::string>{"db"});  // scratch is pass-through
  EXPECT_EQ(demands[0].disk_bytes, std::uint64_t{1} << 30);
  EXPECT_EQ(demands[1].device_bytes, scenario.device("sata-ssd-960g").capacity_bytes);
  EXPECT_EQ(demands[1].capacity_gib, 1);
  // esx2's curve is its one VM's stream, fed directly.
  CurveBuilder direct;
  auto stream = models::make_synthetic_stream(scenario.vms[2].disks[0].workload.synthetic);
  models::StreamRequest r;
  while (stream->next(r) && r.time_ns < 20'000'000'000)
    direct.request(1, r);
  const MissRatioCurve expected = direct.curve();
  EXPECT_EQ(demands[1].curve.references, expected.references);
  for (const std::uint64_t blocks : {10, 1000, 10000, 100000})
    EXPECT_DOUBLE_EQ(demands[1].curve.read_hit_ratio(blocks), expected.read_hit_ratio(blocks));
  EXPECT_EQ(static_cast<double>(demands[1].footprint_blocks), expected.footprint_blocks);
  EXPECT_EQ(demands[1].working_set.size(), 10U);  // 20 s in windows of 2 s
  EXPECT_EQ(rule_of_thumb_gib(demands[1]), 0.2);  // 10 % of 2 GiB
}

TEST(FlashSizing, WarmupIsLeftOutAndPrewarmWarmsTheCurve) {
  const std::vector<HostDemand> cold = host_demands(parse_scenario(two_hosts(false, 0)), {}, 5);
  const std::vector<HostDemand> late = host_demands(parse_scenario(two_hosts(false, 5)), {}, 5);
  const std::vector<HostDemand> warm = host_demands(parse_scenario(two_hosts(true, 0)), {}, 5);
  for (std::size_t h = 0; h < 2; ++h) {
    // The first 5 s warm the stack but are not counted: a quarter fewer references, more hits.
    const double share = static_cast<double>(late[h].curve.references) /
                         static_cast<double>(cold[h].curve.references);
    EXPECT_NEAR(share, 0.75, 0.05);
    EXPECT_GT(late[h].curve.read_hit_ratio(1 << 20), cold[h].curve.read_hit_ratio(1 << 20));
    // Prewarm: the same references counted, first references of the run now hits.
    EXPECT_EQ(warm[h].curve.references, cold[h].curve.references);
    EXPECT_GT(warm[h].curve.read_hit_ratio(1 << 20), cold[h].curve.read_hit_ratio(1 << 20) + 0.05);
    EXPECT_EQ(warm[h].footprint_blocks, cold[h].footprint_blocks);  // the run's own blocks
  }
}

TEST(FlashSizing, TheReadHitsAGoalNeeds) {
  const std::vector<HostDemand> demands = host_demands(parse_scenario(two_hosts(false, 0)), {}, 5);
  double reads = 0, references = 0;
  for (const HostDemand& d : demands) {
    reads += static_cast<double>(d.curve.read_references);
    references += static_cast<double>(d.curve.references);
  }
  EXPECT_DOUBLE_EQ(needed_read_hits({SizingTarget::read_hit, 0.6}, demands, 1), 0.6 * reads);
  EXPECT_DOUBLE_EQ(needed_read_hits({SizingTarget::offload, 0.5}, demands, 1), 0.5 * references);
  // p99: at most 1 % of reads may be misses slower than the bound.
  EXPECT_DOUBLE_EQ(needed_read_hits({SizingTarget::p99_read_ms, 2}, demands, 0.05), 0.8 * reads);
  EXPECT_EQ(needed_read_hits({SizingTarget::p99_read_ms, 2}, demands, 0.008), 0);
}

// The greedy allocation against every pair of grid capacities: it reaches the goal with about
// the least flash in all (within rounding to two digits), on curves with a cliff (prewarm).
TEST(FlashSizing, AllocationNeedsAboutTheLeastFlashInAll) {
  const std::vector<HostDemand> demands = host_demands(parse_scenario(two_hosts(true, 2)), {}, 5);
  ASSERT_EQ(demands.size(), 2U);
  double reads = 0, most = 0;
  std::vector<std::vector<std::pair<double, double>>> grid(2);  // (GiB, read hits)
  for (std::size_t h = 0; h < 2; ++h) {
    const MissRatioCurve& c = demands[h].curve;
    reads += static_cast<double>(c.read_references);
    for (int k = 0; k <= kAllocationSteps; ++k) {
      const auto blocks = static_cast<std::uint64_t>(c.footprint_blocks * k / kAllocationSteps);
      grid[h].emplace_back(static_cast<double>(blocks) * 4096 / (1 << 30),
                           c.read_hit_ratio(blocks) * static_cast<double>(c.read_references));
    }
    most += grid[h].back().second;
  }
  for (const double share : {0.3, 0.6, 0.9}) {
    const double goal = share * most;
    double least = 1e18;
    for (const auto& [a, hits_a] : grid[0])
      for (const auto& [b, hits_b] : grid[1])
        if (hits_a + hits_b >= goal) least = std::min(least, a + b);
    const Allocation allocation = allocate(demands, goal);
    EXPECT_TRUE(allocation.reaches) << share;
    EXPECT_GE(allocation.read_hits, goal);
    EXPECT_NEAR(predicted_read_hit_ratio(demands, allocation.gib), allocation.read_hits / reads,
                1e-12);
    const double total = allocation.gib[0] + allocation.gib[1];
    EXPECT_LE(total, least * 1.1 + 0.02) << share << ": brute force " << least;
  }
  const Allocation beyond = allocate(demands, most * 1.01);
  EXPECT_FALSE(beyond.reaches);
  EXPECT_TRUE(beyond.at_most[0]);
  EXPECT_TRUE(beyond.at_most[1]);
}

}  // namespace
}  // namespace flashtwin::sim
