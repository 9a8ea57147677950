// Cache-only replay: a real mix through the real engine passes the oracle, destages everything at
// the end, is deterministic, and shows the expected policy and capacity effects.
#include "flashtwin/sim/cache_only_replay.hpp"
#include "flashtwin/models/synthetic_workload.hpp"

#include <gtest/gtest.h>

#include <string>

namespace flashtwin::sim {
namespace {

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

models::SyntheticWorkload zipf_disk(std::uint64_t seed) {
  models::SyntheticWorkload w;
  w.disk_bytes = 256 * kMiB;
  w.pattern = models::AddressPattern::zipf;
  w.zipf_theta = 0.9;
  w.read_ratio = 0.6;
  w.size_mix = {{4096, 0.7}, {16384, 0.3}};
  w.iops = 2000;
  w.max_requests = 40'000;
  w.seed = seed;
  return w;
}

models::SyntheticWorkload scan_disk() {
  models::SyntheticWorkload w;
  w.disk_bytes = 512 * kMiB;
  w.pattern = models::AddressPattern::sequential;
  w.read_ratio = 1.0;
  w.size_mix = {{65536, 1}};
  w.iops = 500;
  w.max_requests = 8'000;
  return w;
}

CacheOnlyReport replay(const std::string& policy, std::uint64_t capacity_blocks,
                       engine::CacheMode mode, bool with_scan, bool reads_at_once = true) {
  CacheOnlyOptions options;
  options.reads_at_once = reads_at_once;
  options.engine.capacity_blocks = capacity_blocks;
  options.engine.eviction = policy;
  options.mode = mode;
  CacheOnlyReplay run(options);
  run.add_disk(256 * kMiB, models::make_synthetic_stream(zipf_disk(3)));
  if (with_scan) run.add_disk(512 * kMiB, models::make_synthetic_stream(scan_disk()));
  run.run();
  run.quiesce();
  return run.report();
}

TEST(CacheOnlyReplay, WriteBackMixPassesTheOracleAndDestagesEverything) {
  const CacheOnlyReport report = replay("lru", 8192, engine::CacheMode::write_back, true);
  EXPECT_EQ(report.requests, 48'000u);
  EXPECT_TRUE(report.violations.empty()) << report.violations.front();
  EXPECT_GT(report.reads_checked, 20'000u);
  EXPECT_EQ(report.counters.at("dirty_blocks"), 0u);
  EXPECT_GT(report.counters.at("destaged_blocks"), 0u);
}

TEST(CacheOnlyReplay, EveryModeAndPolicyPassesTheOracle) {
  for (const char* policy : {"lru", "arc", "2q"}) {
    for (engine::CacheMode mode :
         {engine::CacheMode::pass_through, engine::CacheMode::write_through,
          engine::CacheMode::write_around, engine::CacheMode::write_back}) {
      const CacheOnlyReport report = replay(policy, 4096, mode, false);
      EXPECT_TRUE(report.violations.empty()) << policy << " " << engine::to_string(mode);
    }
  }
}

TEST(CacheOnlyReplay, MoreFlashNeverHitsLessForLru) {
  double previous = 0;
  for (std::uint64_t blocks : {1024u, 4096u, 16384u}) {
    const double ratio =
        replay("lru", blocks, engine::CacheMode::write_through, false).read_hit_ratio();
    EXPECT_GE(ratio, previous) << blocks;  // LRU is a stack algorithm: no Belady anomaly
    previous = ratio;
  }
  EXPECT_GT(previous, 0.5);
}

TEST(CacheOnlyReplay, ScanResistantPoliciesBeatLruUnderAScan) {
  const double lru = replay("lru", 4096, engine::CacheMode::write_through, true).read_hit_ratio();
  const double arc = replay("arc", 4096, engine::CacheMode::write_through, true).read_hit_ratio();
  const double two_q = replay("2q", 4096, engine::CacheMode::write_through, true).read_hit_ratio();
  EXPECT_GT(arc, lru);
  EXPECT_GT(two_q, lru);
}

// Reads served at once while the engine is at rest (HostEngine::reads_at_once) against every
// request through submit(): the same counters, the same reads checked by the oracle.
TEST(CacheOnlyReplay, ReadsAtOnceChangeNoResult) {
  for (const char* policy : {"lru", "arc", "2q"}) {
    for (engine::CacheMode mode :
         {engine::CacheMode::write_through, engine::CacheMode::write_back}) {
      const CacheOnlyReport fast = replay(policy, 4096, mode, true, true);
      const CacheOnlyReport slow = replay(policy, 4096, mode, true, false);
      const std::string what = std::string(policy) + " " + std::string(engine::to_string(mode));
      EXPECT_EQ(fast.counters, slow.counters) << what;
      EXPECT_EQ(fast.reads_checked, slow.reads_checked) << what;
      EXPECT_GT(fast.reads_checked, 20'000u) << what;
      EXPECT_TRUE(fast.violations.empty()) << what;
      EXPECT_EQ(slow.reads_at_once, 0u) << what;
      // Write-through leaves nothing dirty: most reads find the engine at rest. Write-back's
      // dirty blocks keep it busy until destaged.
      if (mode == engine::CacheMode::write_through) {
        EXPECT_GT(fast.reads_at_once, 20'000u) << what;
      }
    }
  }
}

TEST(CacheOnlyReplay, SameInputsGiveTheSameCounters) {
  const CacheOnlyReport a = replay("arc", 4096, engine::CacheMode::write_back, true);
  const CacheOnlyReport b = replay("arc", 4096, engine::CacheMode::write_back, true);
  EXPECT_EQ(a.counters, b.counters);
}

}  // namespace
}  // namespace flashtwin::sim
