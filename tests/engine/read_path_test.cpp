// Reads: misses go to the array and fill flash; hits come from flash; pass-through bypasses.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

TEST(ReadPath, MissReadsArrayThenFillsAndTheNextReadHits) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  const RequestId first = rt.read(0, kBlock);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::array_read);
  EXPECT_EQ(rt.pending()[0].blocks, 1u);
  rt.complete(0);
  ASSERT_TRUE(rt.done(first));  // acknowledged before the fill lands
  EXPECT_EQ(rt.result(first).served.array, 1u);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::flash_write);
  rt.complete_all();

  const RequestId second = rt.read(0, kBlock);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::flash_read);
  rt.complete_all();
  EXPECT_EQ(rt.result(second).served.local_flash, 1u);
  EXPECT_EQ(rt.counter("read_hit_blocks"), 1u);
  EXPECT_EQ(rt.counter("read_miss_blocks"), 1u);
  EXPECT_EQ(rt.counter("cached_blocks"), 1u);
  EXPECT_TRUE(rt.violations().empty());
}

TEST(ReadPath, MixedHitsAndMissesUseOneFlashReadAndOneArrayReadPerMissRun) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  rt.read(1 * kBlock, kBlock);  // cache block 1 and 3
  rt.read(3 * kBlock, kBlock);
  rt.complete_all();
  const RequestId r = rt.read(0, 5 * kBlock);  // blocks 0..4: miss hit miss hit miss
  EXPECT_EQ(rt.count(Kind::flash_read), 1u);
  EXPECT_EQ(rt.count(Kind::array_read), 3u);
  EXPECT_EQ(rt.pending()[0].slots.size(), 2u);
  rt.complete_all();
  EXPECT_EQ(rt.result(r).versions.size(), 5u);
  EXPECT_EQ(rt.result(r).served.local_flash, 2u);
  EXPECT_EQ(rt.result(r).served.array, 3u);
}

TEST(ReadPath, PartialBlockReadIsServedAsTheWholeBlock) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  const RequestId r = rt.read(kBlock + 512, 1024);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].offset_bytes, kBlock);  // filled, so the whole block is read
  EXPECT_EQ(rt.pending()[0].length_bytes, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.result(r).versions.size(), 1u);
}

TEST(ReadPath, PassThroughNeverTouchesFlash) {
  FakeRuntime rt(small_config(), CacheMode::pass_through);
  rt.read(0, 8 * kBlock);
  rt.write(0, kBlock);
  EXPECT_EQ(rt.count(Kind::flash_read) + rt.count(Kind::flash_write), 0u);
  rt.complete_all();
  rt.read(0, 8 * kBlock);
  EXPECT_EQ(rt.count(Kind::flash_read) + rt.count(Kind::flash_write), 0u);
  rt.complete_all();
  EXPECT_EQ(rt.counter("cached_blocks"), 0u);
  EXPECT_TRUE(rt.violations().empty());
}

TEST(ReadPath, ArrayReadFailureFailsTheRequestAndDropsTheReservedSlot) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  const RequestId r = rt.read(0, kBlock);
  rt.complete(0, Status::io_error);
  ASSERT_TRUE(rt.done(r));
  EXPECT_EQ(rt.result(r).status, Status::io_error);
  EXPECT_TRUE(rt.pending().empty());
  EXPECT_EQ(rt.counter("cached_blocks"), 0u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

TEST(ReadPath, FullCacheEvictsCleanBlocksInLruOrder) {
  FakeRuntime rt(small_config(16), CacheMode::write_through);
  for (std::uint64_t b = 0; b < 16; ++b)
    rt.read(b * kBlock, kBlock);
  rt.complete_all();
  rt.read(0, kBlock);  // block 0 becomes most recent; block 1 is now the LRU one
  rt.complete_all();
  rt.read(100 * kBlock, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.counter("evictions"), 1u);
  rt.read(0, kBlock);
  EXPECT_EQ(rt.count(Kind::flash_read), 1u);  // block 0 survived
  rt.complete_all();
  rt.read(1 * kBlock, kBlock);
  EXPECT_EQ(rt.count(Kind::array_read), 1u);  // block 1 was evicted
  rt.complete_all();
  EXPECT_TRUE(rt.violations().empty());
}

}  // namespace
}  // namespace flashtwin::testing
