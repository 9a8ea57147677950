// A dirty block whose flash write fails loses its only good copy: later reads of it fail (as a
// media error would) until a whole-block write or discard succeeds, the loss is counted, and an
// older version is never returned as ok.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

std::size_t first_of(FakeRuntime& rt, Kind kind) {
  for (std::size_t i = 0; i < rt.pending().size(); ++i) {
    if (rt.pending()[i].kind == kind) return i;
  }
  ADD_FAILURE() << "no pending command of that kind";
  return 0;
}

// Block 0 dirty at v1 (acknowledged), then a rewrite whose flash write fails: v1 is gone.
void lose_block_zero(FakeRuntime& rt) {
  rt.write(0, kBlock);  // v1
  rt.complete_all();
  ASSERT_EQ(rt.counter("dirty_blocks"), 1u);
  const RequestId w = rt.write(0, kBlock);  // v2
  rt.complete(first_of(rt, Kind::flash_write), Status::io_error);
  ASSERT_TRUE(rt.done(w));
  ASSERT_EQ(rt.result(w).status, Status::io_error);
}

TEST(LostBlocks, ReadsOfALostBlockFailUntilItIsRewritten) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  lose_block_zero(rt);
  EXPECT_EQ(rt.counter("dirty_blocks_lost"), 1u);
  EXPECT_EQ(rt.counter("lost_blocks"), 1u);
  EXPECT_EQ(rt.engine().check_invariants(), "");

  for (int i = 0; i < 2; ++i) {  // every read, not just the first
    const RequestId r = rt.read(0, kBlock);
    ASSERT_TRUE(rt.done(r)) << "a lost block's read must fail at once, not read the array";
    EXPECT_EQ(rt.result(r).status, Status::io_error);
  }
  const RequestId spanning = rt.read(0, 3 * kBlock);  // any read touching it
  EXPECT_EQ(rt.result(spanning).status, Status::io_error);
  EXPECT_EQ(rt.counter("lost_block_reads"), 3u);
  EXPECT_TRUE(rt.pending().empty());
  const RequestId other = rt.read(kBlock, kBlock);  // its neighbour is fine
  rt.complete_all();
  EXPECT_EQ(rt.result(other).status, Status::ok);

  const RequestId partial = rt.write(0, 512);  // a partial rewrite leaves the rest lost
  rt.complete_all();
  EXPECT_EQ(rt.result(partial).status, Status::ok);
  EXPECT_EQ(rt.result(rt.read(0, kBlock)).status, Status::io_error);

  const RequestId whole = rt.write(0, kBlock);  // a whole-block rewrite heals it
  rt.complete_all();
  ASSERT_EQ(rt.result(whole).status, Status::ok);
  EXPECT_EQ(rt.counter("lost_blocks"), 0u);
  const RequestId r = rt.read(0, kBlock);
  rt.complete_all();
  ASSERT_EQ(rt.result(r).status, Status::ok);
  EXPECT_EQ(rt.result(r).versions[0], 4u);  // v1, v2 (failed), v3 (partial), v4
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
  EXPECT_EQ(rt.counter("dirty_blocks_lost"), 1u);  // the total stays
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

TEST(LostBlocks, AFailedRewriteOfALostBlockKeepsItLost) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  lose_block_zero(rt);
  rt.write(0, kBlock);  // takes a new slot; its flash write fails too
  rt.complete(first_of(rt, Kind::flash_write), Status::io_error);
  EXPECT_EQ(rt.counter("lost_blocks"), 1u);
  EXPECT_EQ(rt.result(rt.read(0, kBlock)).status, Status::io_error);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

TEST(LostBlocks, AWholeBlockDiscardHealsALostBlock) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  lose_block_zero(rt);
  rt.discard(0, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.counter("lost_blocks"), 0u);
  const RequestId r = rt.read(0, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.result(r).status, Status::ok);
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
}

// A whole-block write-through write of a dirty block (during a drain out of write-back) whose flash
// part fails but whose array part succeeds: the array has the new version, nothing is lost.
TEST(LostBlocks, WriteThroughWithTheArrayPartDoneLosesNothing) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  rt.write(0, kBlock);  // v1 dirty
  rt.complete_all();
  rt.set_vm_mode(CacheMode::write_through);  // drain: destage of block 0 starts
  ASSERT_EQ(rt.count(Kind::flash_read), 1u);
  const RequestId w = rt.write(0, kBlock);  // v2, write-through, waits for the destage
  rt.complete(first_of(rt, Kind::flash_read), Status::io_error);  // destage fails: still dirty
  ASSERT_EQ(rt.count(Kind::flash_write), 1u);
  rt.complete(first_of(rt, Kind::array_write));                    // v2 on the array
  rt.complete(first_of(rt, Kind::flash_write), Status::io_error);  // flash part fails
  ASSERT_TRUE(rt.done(w));
  EXPECT_EQ(rt.counter("dirty_blocks_lost"), 0u);
  EXPECT_EQ(rt.counter("lost_blocks"), 0u);
  const RequestId r = rt.read(0, kBlock);
  rt.complete_all();
  ASSERT_EQ(rt.result(r).status, Status::ok);
  EXPECT_EQ(rt.result(r).versions[0], 2u);
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
}

}  // namespace
}  // namespace flashtwin::testing
