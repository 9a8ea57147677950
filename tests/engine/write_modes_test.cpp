// Writes under each cache mode, partial-block writes, and switching modes at run time.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

TEST(WriteModes, WriteBackAcknowledgesAfterLocalFlashOnly) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  const RequestId w = rt.write(0, 2 * kBlock);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::flash_write);
  EXPECT_EQ(rt.pending()[0].bytes, 2 * kBlock);
  rt.complete(0);
  ASSERT_TRUE(rt.done(w));
  EXPECT_EQ(rt.result(w).served.local_flash, 2u);
  EXPECT_EQ(rt.counter("dirty_blocks"), 2u);
  EXPECT_EQ(rt.array().blocks_written(), 0u);  // nothing reached the array yet
  const RequestId r = rt.read(0, 2 * kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.result(r).versions, (std::vector<Version>{1, 1}));
  EXPECT_TRUE(rt.violations().empty());
}

TEST(WriteModes, WriteThroughWaitsForArrayAndFlashAndEndsClean) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  const RequestId w = rt.write(0, kBlock);
  EXPECT_EQ(rt.count(Kind::flash_write), 1u);
  EXPECT_EQ(rt.count(Kind::array_write), 1u);
  rt.complete(0);
  EXPECT_FALSE(rt.done(w));  // one of the two is still in flight
  rt.complete(0);
  ASSERT_TRUE(rt.done(w));
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  EXPECT_EQ(rt.counter("cached_blocks"), 1u);
  EXPECT_EQ(rt.array().at(FakeRuntime::kDisk, 0), 1u);
  rt.read(0, kBlock);
  EXPECT_EQ(rt.count(Kind::flash_read), 1u);  // populated by the write
  rt.complete_all();
  EXPECT_TRUE(rt.violations().empty());
}

TEST(WriteModes, WriteAroundGoesToTheArrayAndDropsTheCachedCopy) {
  FakeRuntime rt(small_config(), CacheMode::write_around);
  rt.read(0, kBlock);
  rt.complete_all();
  ASSERT_EQ(rt.counter("cached_blocks"), 1u);
  rt.write(0, kBlock);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::array_write);
  rt.complete_all();
  EXPECT_EQ(rt.counter("cached_blocks"), 0u);
  EXPECT_EQ(rt.counter("invalidations"), 1u);
  const RequestId r = rt.read(0, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.result(r).versions, (std::vector<Version>{1}));
  EXPECT_TRUE(rt.violations().empty());
}

TEST(WriteModes, PartialWriteHitUpdatesFlashInPlaceWithOnlyTheWrittenBytes) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  rt.write(0, kBlock);
  rt.complete_all();
  rt.write(1024, 512);
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::flash_write);
  EXPECT_EQ(rt.pending()[0].bytes, 512u);
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 1u);
}

TEST(WriteModes, PartialWriteMissInWriteBackGoesToTheArrayWithItsExactRange) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  // Bytes [2048, 4096 + 8192 + 1024): partial block 0, whole blocks 1 and 2, partial block 3.
  const RequestId w = rt.write(2048, 2048 + 2 * kBlock + 1024);
  ASSERT_EQ(rt.count(Kind::flash_write), 1u);
  ASSERT_EQ(rt.count(Kind::array_write), 2u);
  for (const PendingIo& io : rt.pending()) {
    if (io.kind == Kind::flash_write) {
      EXPECT_EQ(io.slots.size(), 2u);
    }
    if (io.kind == Kind::array_write && io.first_block == 0) {
      EXPECT_EQ(io.offset_bytes, 2048u);
      EXPECT_EQ(io.length_bytes, 2048u);
    }
    if (io.kind == Kind::array_write && io.first_block == 3) {
      EXPECT_EQ(io.offset_bytes, 3 * kBlock);
      EXPECT_EQ(io.length_bytes, 1024u);
    }
  }
  rt.complete_all();
  EXPECT_TRUE(rt.done(w));
  EXPECT_EQ(rt.result(w).served.local_flash, 2u);
  EXPECT_EQ(rt.result(w).served.array, 2u);
  EXPECT_EQ(rt.counter("dirty_blocks"), 2u);
}

TEST(WriteModes, PartialWriteThroughToADirtyBlockKeepsItDirty) {
  EngineConfig config = small_config();
  config.destage.max_in_flight = 1;
  config.destage.max_coalesce_bytes = kBlock;
  FakeRuntime rt(config, CacheMode::write_back);
  rt.write(0, 2 * kBlock);
  rt.complete_all();
  rt.set_vm_mode(CacheMode::write_through);  // the drain destages block 0 first, one at a time
  ASSERT_EQ(rt.count(Kind::flash_read), 1u);
  rt.write(kBlock + 512, 512);  // dirty block 1, no destage on it: runs write-through at once
  EXPECT_EQ(rt.count(Kind::array_write), 1u);
  EXPECT_EQ(rt.count(Kind::flash_write), 1u);
  for (std::size_t i = rt.pending().size(); i-- > 0;) {
    if (rt.pending()[i].kind != Kind::flash_read) rt.complete(i);
  }
  // The array got 512 new bytes but not the rest of the dirty block: it must still be destaged.
  EXPECT_EQ(rt.counter("dirty_blocks"), 2u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  EXPECT_EQ(rt.counter("destaged_blocks"), 2u);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(WriteModes, LeavingWriteBackIsPendingUntilDirtyDataIsDrained) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  rt.write(0, 4 * kBlock);
  rt.complete_all();
  rt.set_vm_mode(CacheMode::write_around);
  ModeState state = rt.engine().mode_of(FakeRuntime::kVm);
  EXPECT_TRUE(state.pending);
  EXPECT_EQ(state.effective, CacheMode::write_back);
  EXPECT_EQ(state.requested, CacheMode::write_around);
  EXPECT_TRUE(rt.modes_applied().empty());
  // The drain starts at once (a destage of the 4 adjacent blocks, coalesced).
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_EQ(rt.pending()[0].kind, Kind::flash_read);
  // A write meanwhile runs write-through: it reaches the array before it is acknowledged.
  rt.write(8 * kBlock, kBlock);
  EXPECT_EQ(rt.count(Kind::array_write), 1u);
  rt.complete_all();
  state = rt.engine().mode_of(FakeRuntime::kVm);
  EXPECT_FALSE(state.pending);
  EXPECT_EQ(state.effective, CacheMode::write_around);
  ASSERT_EQ(rt.modes_applied().size(), 1u);
  EXPECT_EQ(rt.modes_applied()[0].mode, CacheMode::write_around);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(WriteModes, DatastoreDefaultAppliesToVmsWithoutTheirOwnMode) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  rt.set_datastore_mode(CacheMode::write_back);
  EXPECT_EQ(rt.engine().mode_of(FakeRuntime::kVm).effective, CacheMode::write_back);
  rt.set_vm_mode(CacheMode::pass_through);  // nothing dirty: at once
  EXPECT_EQ(rt.engine().mode_of(FakeRuntime::kVm).effective, CacheMode::pass_through);
  rt.set_datastore_mode(CacheMode::write_around);
  EXPECT_EQ(rt.engine().mode_of(FakeRuntime::kVm).effective, CacheMode::pass_through);
  rt.set_vm_mode(std::nullopt);  // follow the datastore again
  EXPECT_EQ(rt.engine().mode_of(FakeRuntime::kVm).effective, CacheMode::write_around);
}

TEST(WriteModes, DiscardDropsWholeBlocksOnlyAndReachesTheArray) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  rt.write(0, 3 * kBlock);
  rt.complete_all();
  const RequestId d = rt.discard(1024, 2 * kBlock + 1024);  // covers only block 1 whole
  ASSERT_EQ(rt.pending().size(), 1u);
  EXPECT_TRUE(rt.pending()[0].discard);
  EXPECT_EQ(rt.pending()[0].first_block, 1u);
  EXPECT_EQ(rt.pending()[0].blocks, 1u);
  rt.complete_all();
  EXPECT_TRUE(rt.done(d));
  EXPECT_EQ(rt.counter("cached_blocks"), 2u);
  EXPECT_EQ(rt.counter("dirty_blocks"), 2u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

}  // namespace
}  // namespace flashtwin::testing
