// Re-warm after a migration (rewarm.hpp): the ratio before, remote blocks after, and the first
// interval after the move whose local hit ratio reaches the share.
#include "flashtwin/sim/rewarm.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(Rewarm, TheFirstIntervalAfterTheMoveThatReachesTheShareEndsTheReWarm) {
  RewarmTracker t(2, 0.9, 4096);
  t.read_completed(0, engine::ServedBlocks{2, 0, 8});
  t.interval_closed(0, 0, kSecond, 2, 10);  // 20 %: superseded by the next interval
  t.read_completed(0, engine::ServedBlocks{8, 0, 2});
  t.interval_closed(0, kSecond, 2 * kSecond, 8, 10);  // 80 %: the last before the move
  t.read_completed(1, engine::ServedBlocks{1, 0, 1});
  t.migrated(0, 0, 1, 5 * kSecond / 2);
  t.read_completed(0, engine::ServedBlocks{1, 3, 0});
  // (2, 3]: starts before the move, whatever its ratio.
  t.interval_closed(0, 2 * kSecond, 3 * kSecond, 10, 10);
  t.interval_closed(0, 3 * kSecond, 4 * kSecond, 7, 10);   // 70 % < 72 %
  t.interval_closed(1, 3 * kSecond, 4 * kSecond, 10, 10);  // another VM
  ASSERT_FALSE(t.migrations()[0].rewarm_ns);
  t.interval_closed(0, 4 * kSecond, 5 * kSecond, 73, 100);
  t.interval_closed(0, 5 * kSecond, 6 * kSecond, 0, 100);  // too late to matter
  const MigrationTotals& m = t.migrations()[0];
  EXPECT_DOUBLE_EQ(m.local_hit_ratio_before, 0.8);
  EXPECT_EQ(m.remote_hit_blocks, 3u);
  EXPECT_EQ(m.bytes_pulled, 3u * 4096);
  ASSERT_TRUE(m.rewarm_ns);
  EXPECT_EQ(*m.rewarm_ns, 5 * kSecond - 5 * kSecond / 2);
}

TEST(Rewarm, AVmWithNoReadBeforeTheMoveHasNoReWarmTimeAndTheShareIsChecked) {
  RewarmTracker t(1, 0.5, 4096);
  t.interval_closed(0, 0, kSecond, 0, 0);
  t.migrated(0, 0, 1, kSecond);
  t.interval_closed(0, kSecond, 2 * kSecond, 10, 10);
  EXPECT_FALSE(t.migrations()[0].rewarm_ns);
  // Without a closed interval with reads before it, the ratio is over the reads so far.
  RewarmTracker early(1, 0.5, 4096);
  early.read_completed(0, engine::ServedBlocks{1, 0, 3});
  early.migrated(0, 0, 1, kSecond / 2);
  EXPECT_DOUBLE_EQ(early.migrations()[0].local_hit_ratio_before, 0.25);
  EXPECT_THROW(RewarmTracker(1, 0, 4096), std::invalid_argument);
  EXPECT_THROW(RewarmTracker(1, 1.5, 4096), std::invalid_argument);
  EXPECT_THROW(t.migrated(3, 0, 1, kSecond), std::out_of_range);
}

// The memory copy is kept as given; one that starts after it ends, or ends after the switch-over,
// is refused.
TEST(Rewarm, TheMemoryCopyIsKeptAndMustEndByTheSwitchOver) {
  RewarmTracker t(1, 0.9, 4096);
  t.migrated(0, 0, 1, 3 * kSecond, MemoryCopyTotals{1 << 20, kSecond, 2 * kSecond});
  EXPECT_EQ(t.migrations()[0].memory_copy.bytes, 1u << 20);
  EXPECT_EQ(t.migrations()[0].memory_copy.duration_ns(), kSecond);
  EXPECT_THROW(t.migrated(0, 0, 1, kSecond, MemoryCopyTotals{1, kSecond, 2 * kSecond}),
               std::invalid_argument);
  EXPECT_THROW(t.migrated(0, 0, 1, 3 * kSecond, MemoryCopyTotals{1, 2 * kSecond, kSecond}),
               std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::sim
