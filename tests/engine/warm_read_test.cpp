// HostEngine::warm_read against the read path it shortcuts: warming a cache with a sequence of
// reads leaves the engine exactly as submitting them with every command completed at once does
// (every counter, the index, the eviction policy's lists and admission's state, seen through
// identical behaviour afterwards), for LRU, ARC and 2Q with and without admission filters. It
// never evicts, refuses an engine with work in flight, and checks its request as submit does.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"
#include "read_mix.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::testing {
namespace {

class WarmRead : public ::testing::TestWithParam<Case> {};

TEST_P(WarmRead, LeavesTheEngineAsTheReadPathDoes) {
  constexpr std::uint64_t kCapacity = 400;
  const EngineConfig config = case_config(GetParam(), kCapacity);
  FakeRuntime warmed(config, CacheMode::write_through, std::uint64_t{1} << 32);
  FakeRuntime served(config, CacheMode::write_through, std::uint64_t{1} << 32);
  const std::vector<Read> sequence = reads(17, 2 * kCapacity, 8000);

  // A probe finds the first read that meets a full cache (the read path would evict there, warming
  // does not); both engines then take the reads before it, one warmed, one served.
  std::size_t fitting = 0;
  {
    FakeRuntime probe(config, CacheMode::write_through, std::uint64_t{1} << 32);
    std::vector<WarmFill> filled;
    for (; fitting < sequence.size(); ++fitting) {
      const Read& r = sequence[fitting];
      if (!probe.engine().warm_read(
              {fitting + 1, FakeRuntime::kDisk, IoKind::read, r.offset, r.length, 0}, filled))
        break;
    }
    EXPECT_EQ(probe.counters().at("evictions"), 0u) << "warm_read never evicts";
    EXPECT_EQ(probe.counters().at("cached_blocks"), kCapacity);
    EXPECT_EQ(probe.engine().check_invariants(), "");
  }
  ASSERT_GT(fitting, 50u) << "the cache filled too soon to compare anything";
  ASSERT_LT(fitting, sequence.size()) << "the cache never filled";

  std::vector<WarmFill> filled;
  for (std::size_t i = 0; i < fitting; ++i) {
    const Read& r = sequence[i];
    const std::size_t before = filled.size();
    ASSERT_TRUE(warmed.engine().warm_read(
        {i + 1, FakeRuntime::kDisk, IoKind::read, r.offset, r.length, 0}, filled));
    for (std::size_t f = before; f < filled.size(); ++f) {  // a block of this read, a real slot
      ASSERT_LT(filled[f].slot, kCapacity);
      ASSERT_LT(filled[f].block * kBlock, r.offset + r.length);
      ASSERT_GT((filled[f].block + 1) * kBlock, r.offset);
    }
    served.read(r.offset, r.length);
    served.complete_all();
  }
  EXPECT_EQ(served.counters(), warmed.counters());
  EXPECT_EQ(warmed.engine().check_invariants(), "");
  EXPECT_TRUE(warmed.engine().drain().empty()) << "warming issues no command";

  // From here on both engines serve the same reads the normal way: any difference in what they
  // hold, in their policy's lists or in admission's state shows in the hits and evictions.
  for (const Read& r : reads(23, 4 * kCapacity, 3000)) {
    served.read(r.offset, r.length);
    served.complete_all();
    warmed.read(r.offset, r.length);
    warmed.complete_all();
  }
  EXPECT_EQ(served.counters(), warmed.counters());
  EXPECT_GT(warmed.counters().at("evictions"), 0u);
  EXPECT_EQ(warmed.engine().check_invariants(), "");
  EXPECT_TRUE(warmed.violations().empty());
}

INSTANTIATE_TEST_SUITE_P(Policies, WarmRead, policy_cases(), case_name);

TEST(WarmReadRules, ABatchTakesItsReadsAsOneAtATime) {
  constexpr std::uint64_t kCapacity = 400;
  EngineConfig config = small_config(kCapacity);
  config.eviction = "arc";
  FakeRuntime single(config, CacheMode::write_through, std::uint64_t{1} << 32);
  FakeRuntime batched(config, CacheMode::write_through, std::uint64_t{1} << 32);
  std::vector<IoRequest> requests;
  for (const Read& r : reads(31, 4 * kCapacity, 4000))
    requests.push_back(
        {requests.size() + 1, FakeRuntime::kDisk, IoKind::read, r.offset, r.length, 0});

  std::vector<WarmFill> single_fills, batch_fills;
  std::size_t taken_one_by_one = 0;
  while (taken_one_by_one < requests.size() &&
         single.engine().warm_read(requests[taken_one_by_one++], single_fills)) {
  }
  ASSERT_LT(taken_one_by_one, requests.size()) << "the cache never filled";
  std::size_t taken = 0;
  for (std::size_t from = 0; from < requests.size() && taken == from; from += 100) {
    const std::size_t n = std::min<std::size_t>(100, requests.size() - from);
    taken += batched.engine().warm_reads(std::span(requests).subspan(from, n), batch_fills);
  }
  EXPECT_EQ(taken, taken_one_by_one) << "up to and including the read that found it full";
  EXPECT_EQ(batched.counters(), single.counters());
  ASSERT_EQ(batch_fills.size(), single_fills.size());
  for (std::size_t i = 0; i < batch_fills.size(); ++i) {
    EXPECT_EQ(batch_fills[i].slot, single_fills[i].slot);
    EXPECT_EQ(batch_fills[i].disk, FakeRuntime::kDisk);
    EXPECT_EQ(batch_fills[i].block, single_fills[i].block);
  }
}

TEST(WarmReadRules, PassThroughReadsPlaceNothingAndCountAsTheReadPath) {
  FakeRuntime warmed(small_config(64), CacheMode::pass_through, std::uint64_t{1} << 30);
  FakeRuntime served(small_config(64), CacheMode::pass_through, std::uint64_t{1} << 30);
  std::vector<WarmFill> filled;
  RequestId id = 1;
  for (const Read& r : reads(41, 256, 200)) {
    EXPECT_TRUE(warmed.engine().warm_read(
        {id++, FakeRuntime::kDisk, IoKind::read, r.offset, r.length, 0}, filled));
    served.read(r.offset, r.length);
    served.complete_all();
  }
  EXPECT_TRUE(filled.empty());
  EXPECT_EQ(warmed.counter("cached_blocks"), 0u);
  EXPECT_EQ(warmed.counters(), served.counters());
}

TEST(WarmReadRules, StopsAtAFullCacheWithoutEvicting) {
  FakeRuntime rt(small_config(16), CacheMode::write_through, std::uint64_t{1} << 30);
  std::vector<WarmFill> filled;
  for (std::uint64_t i = 0; i < 4; ++i) {  // 4 blocks a read: the most one read may place here
    EXPECT_TRUE(rt.engine().warm_read(
        {i + 1, FakeRuntime::kDisk, IoKind::read, 4 * i * kBlock, 4 * kBlock, 0}, filled));
  }
  EXPECT_FALSE(rt.engine().warm_read(
      {5, FakeRuntime::kDisk, IoKind::read, 100 * kBlock, 2 * kBlock, 0}, filled));
  EXPECT_EQ(filled.size(), 16u);
  EXPECT_EQ(rt.counter("cached_blocks"), 16u);
  EXPECT_EQ(rt.counter("evictions"), 0u);
  // The first twelve blocks are still cached: a read of them hits on flash.
  rt.read(0, 12 * kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.counter("read_hit_blocks"), 12u);
}

TEST(WarmReadRules, RefusesAnEngineWithWorkInFlight) {
  FakeRuntime rt(small_config(64), CacheMode::write_back, std::uint64_t{1} << 30);
  rt.write(0, kBlock);  // its flash write is pending
  std::vector<WarmFill> filled;
  EXPECT_THROW(rt.engine().warm_read({9, FakeRuntime::kDisk, IoKind::read, 0, kBlock, 0}, filled),
               std::logic_error);
  EXPECT_TRUE(filled.empty());
}

TEST(WarmReadRules, ChecksTheRequestAsSubmitDoes) {
  FakeRuntime rt(small_config(64), CacheMode::write_through, std::uint64_t{1} << 20);
  std::vector<WarmFill> filled;
  EXPECT_THROW(rt.engine().warm_read({1, 999, IoKind::read, 0, kBlock, 0}, filled),
               std::invalid_argument);
  EXPECT_THROW(
      rt.engine().warm_read(
          {2, FakeRuntime::kDisk, IoKind::read, std::uint64_t{1} << 20, kBlock, 0}, filled),
      std::out_of_range);
  EXPECT_THROW(rt.engine().warm_read({3, FakeRuntime::kDisk, IoKind::write, 0, kBlock, 1}, filled),
               std::invalid_argument);
  EXPECT_EQ(rt.counter("read_requests"), 0u);
  EXPECT_TRUE(filled.empty());
}

}  // namespace
}  // namespace flashtwin::testing
