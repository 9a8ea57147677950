// Randomized: many seeds, random mixes of reads, writes (partial and whole blocks), flushes,
// discards and mode switches, with completions delivered in random order. After every step the
// engine's invariants (including the eviction policy's) must hold; every read must pass the
// consistency oracle; at the end every acknowledged write must be on the array.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include "flashtwin/engine/eviction_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace flashtwin::testing {
namespace {

constexpr std::uint64_t kDiskBlocks = 256;

EngineConfig random_config(std::mt19937_64& rng) {
  const std::vector<std::string> policies = eviction_policy_names();
  EngineConfig config = small_config(16 + rng() % 112);
  config.eviction = policies[rng() % policies.size()];
  if (rng() % 2) config.admission.policies.push_back("sequential-cutoff");
  if (rng() % 3 == 0) config.admission.policies.push_back("promote-after-hits");
  config.admission.sequential_cutoff_bytes = (2 + rng() % 16) * kBlock;
  config.admission.promote_table_entries = 64;
  config.destage.low_watermark = 0.1 + static_cast<double>(rng() % 30) / 100;
  config.destage.high_watermark =
      config.destage.low_watermark + static_cast<double>(rng() % 30) / 100;
  config.destage.dirty_limit =
      config.destage.high_watermark + static_cast<double>(rng() % 30) / 100;
  config.destage.max_in_flight = 1 + static_cast<std::uint32_t>(rng() % 4);
  config.destage.max_coalesce_bytes = (1 + rng() % 8) * kBlock;
  if (rng() % 2) {  // paced destage: a trickle (or none) below the low watermark, fast above
    config.destage.min_rate_bytes_per_s = rng() % 2 ? 0 : kBlock * (1 + rng() % 1000);
    config.destage.max_rate_bytes_per_s = kBlock * (1000 + rng() % 100'000);
  }
  return config;
}

CacheMode random_mode(std::mt19937_64& rng) {
  static constexpr CacheMode kModes[] = {CacheMode::pass_through, CacheMode::write_through,
                                         CacheMode::write_around, CacheMode::write_back};
  return kModes[rng() % 4];
}

void submit_random(FakeRuntime& rt, std::mt19937_64& rng) {
  const std::uint64_t block = rng() % (kDiskBlocks - 8);
  const bool partial = rng() % 4 == 0;
  const std::uint64_t offset = block * kBlock + (partial ? 512 * (rng() % 8) : 0);
  const std::uint64_t length = partial ? 512 * (1 + rng() % 16) : kBlock * (1 + rng() % 4);
  switch (rng() % 20) {
    case 0:
      rt.flush();
      break;
    case 1:
      rt.discard(offset, length);
      break;
    case 2:
      rt.set_vm_mode(random_mode(rng));
      break;
    default:
      if (rng() % 2) {
        rt.read(offset, length);
      } else {
        rt.write(offset, length);
      }
  }
}

// Paths the random runs must have exercised, summed over all seeds (so the test cannot pass by
// never reaching the interesting cases).
struct Coverage {
  std::uint64_t evictions = 0, throttled = 0, destage_writes = 0, invalidations = 0, fills = 0;
};

void run_seed(std::uint64_t seed, Coverage& coverage) {
  std::mt19937_64 rng(seed);
  FakeRuntime rt(random_config(rng), random_mode(rng), kDiskBlocks * kBlock);
  const int steps = 1500;
  for (int step = 0; step < steps; ++step) {
    const bool submit = rt.pending().empty() || rng() % 100 < 45;
    if (submit) {
      submit_random(rt, rng);
    } else {
      rt.complete_random(rng);
    }
    if (rng() % 50 == 0) rt.advance_to(rt.now() + 2'000'000);
    const std::string broken = rt.engine().check_invariants();
    ASSERT_EQ(broken, "") << "seed " << seed << " step " << step;
    ASSERT_TRUE(rt.violations().empty()) << "seed " << seed << ": " << rt.violations().front();
  }
  // Quiesce: finish everything, then let the idle host destage all dirty data.
  rt.complete_all();
  rt.flush();
  rt.complete_all();
  // Paced destage drains one operation per interval: follow the engine's timer until it is done.
  for (int i = 0; i < 100'000 && rt.counter("dirty_blocks") > 0; ++i) {
    rt.advance_to(std::max(rt.now() + 1'000'000, rt.timer().value_or(0)));
    rt.complete_all();
  }
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u) << "seed " << seed;
  EXPECT_EQ(rt.array_matches_acknowledged(), "") << "seed " << seed;
  EXPECT_TRUE(rt.violations().empty()) << "seed " << seed;
  EXPECT_EQ(rt.engine().check_invariants(), "") << "seed " << seed;
  coverage.evictions += rt.counter("evictions");
  coverage.throttled += rt.counter("writes_throttled");
  coverage.destage_writes += rt.counter("destage_writes");
  coverage.invalidations += rt.counter("invalidations");
  coverage.fills += rt.counter("fill_blocks");
}

TEST(Randomized, VersionsAndInvariantsHoldUnderRandomInterleavings) {
  Coverage coverage;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    run_seed(seed, coverage);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(coverage.evictions, 0u);
  EXPECT_GT(coverage.throttled, 0u);
  EXPECT_GT(coverage.destage_writes, 0u);
  EXPECT_GT(coverage.invalidations, 0u);
  EXPECT_GT(coverage.fills, 0u);
}

}  // namespace
}  // namespace flashtwin::testing
