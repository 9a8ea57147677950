// Destage: watermarks, the dirty limit, coalescing, in-flight bound, idle destage, flush.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

// 64 slots: low watermark 16, high 32, dirty limit 48 blocks.
EngineConfig watermark_config() {
  EngineConfig config = small_config(64);
  config.destage.low_watermark = 0.25;
  config.destage.high_watermark = 0.5;
  config.destage.dirty_limit = 0.75;
  config.destage.max_in_flight = 2;
  config.destage.max_coalesce_bytes = 4 * kBlock;
  return config;
}

// Writes one block at every other block number, so no two dirty blocks are adjacent.
void write_scattered(FakeRuntime& rt, int count, int start = 0) {
  for (int i = 0; i < count; ++i) {
    rt.write(static_cast<std::uint64_t>(2 * (start + i)) * kBlock, kBlock);
    rt.complete_all();
  }
}

TEST(Destage, NothingIsDestagedBelowTheHighWatermarkWhileBusy) {
  FakeRuntime rt(watermark_config());
  write_scattered(rt, 31);
  EXPECT_EQ(rt.counter("dirty_blocks"), 31u);
  EXPECT_EQ(rt.counter("destage_writes"), 0u);
}

TEST(Destage, HighWatermarkStartsDestageThatRunsDownToTheLowWatermark) {
  FakeRuntime rt(watermark_config());
  write_scattered(rt, 31);
  rt.write(200 * kBlock, kBlock);  // the 32nd dirty block
  rt.complete(0);                  // its flash write lands: dirty reaches the high watermark
  EXPECT_EQ(rt.count(Kind::flash_read), 2u);  // max_in_flight destages start at once
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 16u);  // stopped at the low watermark
  EXPECT_EQ(rt.counter("destaged_blocks"), 16u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

TEST(Destage, AdjacentDirtyBlocksAreCoalescedUpToTheLimit) {
  EngineConfig config = watermark_config();
  FakeRuntime rt(config);
  rt.write(0, 10 * kBlock);  // blocks 0..9
  rt.complete_all();
  rt.flush();
  // Runs of at most 4 blocks, at most 2 in flight: [0..3] and [4..7] first.
  ASSERT_EQ(rt.count(Kind::flash_read), 2u);
  EXPECT_EQ(rt.pending()[0].slots.size(), 4u);
  EXPECT_EQ(rt.pending()[1].slots.size(), 4u);
  rt.complete(0);  // flash read -> array write of 4 blocks
  const PendingIo& write = rt.pending().back();
  EXPECT_EQ(write.kind, Kind::array_write);
  EXPECT_TRUE(write.destage);
  EXPECT_EQ(write.first_block, 0u);
  EXPECT_EQ(write.length_bytes, 4 * kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.counter("destage_writes"), 3u);  // 4 + 4 + 2
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(Destage, FlushCompletesOnlyOnceTheDisksDirtyDataIsOnTheArray) {
  FakeRuntime rt(watermark_config());
  write_scattered(rt, 5);
  const RequestId f = rt.flush();
  EXPECT_FALSE(rt.done(f));
  while (!rt.pending().empty()) {
    EXPECT_FALSE(rt.done(f));
    rt.complete(0);
  }
  ASSERT_TRUE(rt.done(f));
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(Destage, FlushWithNothingDirtyCompletesAtOnce) {
  FakeRuntime rt(watermark_config());
  const RequestId f = rt.flush();
  EXPECT_TRUE(rt.done(f));
}

TEST(Destage, DirtyLimitMakesNewWritesWaitUntilDestageMakesRoom) {
  EngineConfig config = watermark_config();
  config.destage.high_watermark = 0.75;  // so that destage starts only at the limit
  FakeRuntime held(config);
  write_scattered(held, 47);
  const RequestId at_limit = held.write(2 * 47 * kBlock, kBlock);
  held.complete(0);
  ASSERT_TRUE(held.done(at_limit));
  ASSERT_GE(held.count(Kind::flash_read), 1u);  // destage started, not completed
  const RequestId waiting = held.write(1000 * kBlock, kBlock);
  EXPECT_EQ(held.counter("writes_throttled"), 1u);
  // It waits: no flash write and no array write of its data (not silently write-through).
  for (const PendingIo& io : held.pending()) {
    EXPECT_NE(io.kind, Kind::flash_write);
    EXPECT_FALSE(io.kind == Kind::array_write && !io.destage);
  }
  EXPECT_FALSE(held.done(waiting));
  held.complete_all();
  ASSERT_TRUE(held.done(waiting));
  EXPECT_EQ(held.result(waiting).served.local_flash, 1u);
  EXPECT_TRUE(held.violations().empty());
  EXPECT_EQ(held.engine().check_invariants(), "");
}

TEST(Destage, NeverMoreThanMaxInFlight) {
  FakeRuntime rt(watermark_config());
  write_scattered(rt, 40);
  rt.flush();
  std::size_t most = 0;
  while (!rt.pending().empty()) {
    most = std::max(most, rt.pending().size());
    rt.complete(0);
  }
  EXPECT_EQ(most, 2u);
}

TEST(Destage, IdleHostDestagesEverything) {
  FakeRuntime rt(watermark_config());
  write_scattered(rt, 10);
  ASSERT_TRUE(rt.timer().has_value());
  rt.advance_to(*rt.timer() - 1);
  EXPECT_TRUE(rt.pending().empty());  // not idle long enough
  rt.advance_to(*rt.timer());
  EXPECT_FALSE(rt.pending().empty());
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(Destage, DirtyBlocksAreNeverEvicted) {
  EngineConfig config = small_config(16);
  config.destage.low_watermark = config.destage.high_watermark = config.destage.dirty_limit = 1.0;
  FakeRuntime rt(config);
  for (int b = 0; b < 16; ++b) {
    rt.write(static_cast<std::uint64_t>(b) * kBlock, kBlock);
    rt.complete_all();
  }
  ASSERT_EQ(rt.counter("dirty_blocks"), 16u);
  rt.read(100 * kBlock, kBlock);  // a miss with no clean block to evict: served, not filled
  EXPECT_EQ(rt.count(Kind::array_read), 1u);
  rt.complete_all();
  EXPECT_EQ(rt.counter("evictions"), 0u);
  EXPECT_EQ(rt.counter("dirty_blocks"), 16u);
  EXPECT_EQ(rt.count(Kind::flash_write), 0u);
}

TEST(Destage, RewriteWaitsForTheDestageOfItsBlockThenStaysDirty) {
  FakeRuntime rt(watermark_config());
  rt.write(0, kBlock);
  rt.complete_all();
  rt.flush();
  ASSERT_EQ(rt.count(Kind::flash_read), 1u);
  rt.complete(0);       // destage read done; array write in flight
  rt.write(0, kBlock);  // a rewrite must not race the destage: it waits
  EXPECT_EQ(rt.count(Kind::flash_write), 0u);
  rt.complete(0);  // destage done: version 1 on the array, the rewrite starts
  ASSERT_EQ(rt.count(Kind::flash_write), 1u);
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 1u);  // version 2 is not on the array yet
  EXPECT_EQ(rt.array().at(FakeRuntime::kDisk, 0), 1u);
  rt.flush();
  rt.complete_all();
  EXPECT_EQ(rt.array().at(FakeRuntime::kDisk, 0), 2u);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

// At the dirty limit only writes that need dirty room wait: another VM's write-through writes and
// all reads go on; a write of the throttled disk waits behind it (it might overlap).
TEST(DirtyLimit, OnlyWritesThatNeedDirtyRoomWait) {
  EngineConfig config = small_config(16);
  config.destage.low_watermark = config.destage.high_watermark = 0.25;
  config.destage.dirty_limit = 0.25;        // 4 blocks
  config.destage.max_rate_bytes_per_s = 0;  // no pacing: destage only for the waiting write
  FakeRuntime rt(config, CacheMode::write_back);
  constexpr DatastoreId kSilver = 2;
  constexpr VmId kOtherVm = 4;
  constexpr DiskId kOtherDisk = 8;
  rt.engine().add_datastore(kSilver, CacheMode::write_through);
  rt.engine().add_vm(kOtherVm, kSilver, std::nullopt);
  rt.engine().add_disk(kOtherVm, kOtherDisk, 1ull << 30);
  for (std::uint64_t b = 0; b < 4; ++b) {
    rt.write(2 * b * kBlock, kBlock);
    rt.complete_all();
  }
  ASSERT_EQ(rt.counter("dirty_blocks"), 4u);
  const RequestId gated = rt.write(100 * kBlock, kBlock);  // needs room: waits
  ASSERT_EQ(rt.counter("writes_throttled"), 1u);
  const std::size_t before = rt.pending().size();  // the destage it started

  const RequestId through = rt.write(0, kBlock, kOtherDisk);  // other VM, write-through
  const RequestId read = rt.read(50 * kBlock, kBlock);        // a read of the throttled disk
  const RequestId same_disk = rt.write(0, kBlock);  // rewrites a dirty block, but behind `gated`
  EXPECT_EQ(rt.counter("writes_throttled"), 2u);
  EXPECT_EQ(rt.pending().size(), before + 3);  // array + flash write, array read
  while (rt.pending().size() > before)
    rt.complete(rt.pending().size() - 1);  // newest first: the destage stays pending
  ASSERT_TRUE(rt.done(through));
  ASSERT_TRUE(rt.done(read));
  EXPECT_EQ(rt.result(through).status, Status::ok);
  EXPECT_FALSE(rt.done(gated));
  EXPECT_FALSE(rt.done(same_disk));
  rt.complete_all();
  ASSERT_TRUE(rt.done(gated));
  ASSERT_TRUE(rt.done(same_disk));
  EXPECT_TRUE(rt.violations().empty());
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

// With every slot dirty (dirty_limit 1.0), a miss does not ask the eviction policy to walk the
// whole cache for a victim that cannot exist.
TEST(DirtyLimit, NoEvictionWalkWhenEverySlotIsDirty) {
  EngineConfig config = small_config(16);
  config.destage.low_watermark = config.destage.high_watermark = config.destage.dirty_limit = 1.0;
  config.destage.max_rate_bytes_per_s = 0;  // no pacing: nothing destages here
  FakeRuntime rt(config);
  for (int b = 0; b < 16; ++b) {
    rt.write(static_cast<std::uint64_t>(b) * kBlock, kBlock);
    rt.complete_all();
  }
  ASSERT_EQ(rt.counter("dirty_blocks"), 16u);
  const std::uint64_t examined = rt.counter("eviction_slots_examined");
  for (int i = 0; i < 10; ++i) {
    rt.read(static_cast<std::uint64_t>(100 + i) * kBlock, kBlock);
    rt.complete_all();
  }
  EXPECT_EQ(rt.counter("eviction_slots_examined"), examined);
  EXPECT_EQ(rt.counter("read_miss_blocks"), 10u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

}  // namespace
}  // namespace flashtwin::testing
