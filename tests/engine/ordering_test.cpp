// Overlapping requests: reads never overtake earlier writes, writes apply in submission order,
// reads share, and the array never gets two writes of one block at once.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

TEST(Ordering, ReadAfterAnInFlightWriteWaitsAndSeesIt) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  const RequestId w = rt.write(0, kBlock);
  const std::size_t before = rt.pending().size();
  const RequestId r = rt.read(0, kBlock);
  EXPECT_EQ(rt.pending().size(), before);  // the read issues nothing yet
  rt.complete_all();
  ASSERT_TRUE(rt.done(w) && rt.done(r));
  EXPECT_EQ(rt.result(r).versions, (std::vector<Version>{1}));
}

TEST(Ordering, ConcurrentWritesApplyInSubmissionOrder) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  rt.write(0, 2 * kBlock);       // version 1 on blocks 0, 1
  rt.write(kBlock, 2 * kBlock);  // version 2 on blocks 1, 2: waits for block 1
  EXPECT_EQ(rt.count(Kind::array_write), 1u);
  // Complete in reverse order of emission; the second write still cannot start early.
  while (!rt.pending().empty())
    rt.complete(rt.pending().size() - 1);
  const RequestId r = rt.read(0, 3 * kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.result(r).versions, (std::vector<Version>{1, 2, 2}));
  EXPECT_EQ(rt.array().at(FakeRuntime::kDisk, 1), 2u);
}

TEST(Ordering, ReadsOfTheSameBlockRunSideBySide) {
  FakeRuntime rt(small_config(), CacheMode::write_through);
  rt.read(0, kBlock);
  rt.read(0, kBlock);
  EXPECT_EQ(rt.count(Kind::array_read), 2u);
  rt.complete_all();
  EXPECT_EQ(rt.counter("fill_blocks"), 1u);  // only the first reserved a slot and filled
}

TEST(Ordering, WriteThroughWaitsForADestageOfTheSameBlock) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  rt.write(0, kBlock);
  rt.complete_all();
  rt.set_vm_mode(CacheMode::write_through);  // drain starts
  ASSERT_EQ(rt.count(Kind::flash_read), 1u);
  rt.write(0, kBlock);  // write-through while pending: must not race the destage on the array
  EXPECT_EQ(rt.count(Kind::array_write), 0u);
  EXPECT_EQ(rt.count(Kind::flash_write), 0u);
  rt.complete(0);  // destage read -> destage array write
  ASSERT_EQ(rt.count(Kind::array_write), 1u);
  EXPECT_TRUE(rt.pending()[0].destage);
  rt.complete(0);  // destage done: the write-through write starts
  EXPECT_EQ(rt.count(Kind::array_write), 1u);
  EXPECT_FALSE(rt.pending().back().destage);
  rt.complete_all();
  EXPECT_EQ(rt.array().at(FakeRuntime::kDisk, 0), 2u);
  EXPECT_EQ(rt.engine().mode_of(FakeRuntime::kVm).effective, CacheMode::write_through);
}

TEST(Ordering, ReadSubmittedAfterAnotherReadReturnedNeverSeesOlderData) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  rt.write(0, kBlock);
  rt.complete_all();
  rt.write(0, kBlock);                     // version 2 in flight (flash write pending)
  const RequestId r = rt.read(0, kBlock);  // waits behind it
  rt.complete_all();
  EXPECT_EQ(rt.result(r).versions, (std::vector<Version>{2}));
  EXPECT_TRUE(rt.violations().empty());
}

}  // namespace
}  // namespace flashtwin::testing
