// HostEngine::reads_at_once against the read path it shortcuts: a cache-only replay's reads served
// at once leave the engine exactly as submitting them with every command completed at once does
// (every counter, evictions included, then identical behaviour afterwards), for LRU, ARC and 2Q
// with and without admission filters, in batches of any size; the blocks it reports say truly
// where each block came from. It takes only an engine at rest and checks its requests as submit
// does.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"
#include "read_mix.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::testing {
namespace {

std::uint32_t block_count(const IoRequest& r) {
  const std::uint64_t first = r.offset_bytes / kBlock;
  return static_cast<std::uint32_t>((r.offset_bytes + r.length_bytes + kBlock - 1) / kBlock -
                                    first);
}

class ReadsAtOnce : public ::testing::TestWithParam<Case> {};

TEST_P(ReadsAtOnce, LeaveTheEngineAsTheReadPathDoes) {
  constexpr std::uint64_t kCapacity = 400;
  const EngineConfig config = case_config(GetParam(), kCapacity);
  FakeRuntime at_once(config, CacheMode::write_through, std::uint64_t{1} << 32);
  FakeRuntime served(config, CacheMode::write_through, std::uint64_t{1} << 32);
  const std::vector<Read> sequence = reads(17, 3 * kCapacity, 6000);

  // Batches of 1 to 64 reads, one after the other; after each, every counter agrees.
  std::mt19937_64 rng(5);
  std::map<SlotId, BlockNo> holds;  // what each slot was filled with, by the reported blocks
  std::uint64_t from_flash = 0, filled = 0;
  RequestId id = 1;
  for (std::size_t next = 0; next < sequence.size();) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 64, sequence.size() - next);
    std::vector<IoRequest> batch;
    for (std::size_t i = next; i < next + n; ++i)
      batch.push_back(
          {id++, FakeRuntime::kDisk, IoKind::read, sequence[i].offset, sequence[i].length, 0});
    next += n;
    ASSERT_TRUE(at_once.engine().at_rest());
    std::vector<ServedBlock> blocks;
    ASSERT_TRUE(at_once.engine().reads_at_once(0, batch, blocks));
    std::size_t b = 0;
    for (const IoRequest& r : batch) {
      const RequestId done = served.read(r.offset_bytes, r.length_bytes);
      served.complete_all();
      std::uint32_t flash = 0, array = 0;
      for (std::uint32_t i = 0; i < block_count(r); ++i, ++b) {
        ASSERT_LT(b, blocks.size());
        const BlockNo block = r.offset_bytes / kBlock + i;
        switch (blocks[b].source) {
          case BlockSource::flash:
            ++flash;
            ++from_flash;
            ASSERT_EQ(holds.at(blocks[b].slot), block) << "a hit names the slot holding it";
            break;
          case BlockSource::array_filled:
            ++array;
            ++filled;
            ASSERT_LT(blocks[b].slot, kCapacity);
            holds[blocks[b].slot] = block;
            break;
          case BlockSource::array:
            ++array;
            break;
        }
      }
      EXPECT_EQ(served.result(done).served.local_flash, flash);
      EXPECT_EQ(served.result(done).served.array, array);
    }
    EXPECT_EQ(b, blocks.size());
    ASSERT_EQ(served.counters(), at_once.counters()) << "after " << next << " reads";
  }
  EXPECT_TRUE(at_once.engine().drain().empty()) << "reads at once issue no command";
  EXPECT_EQ(at_once.engine().check_invariants(), "");
  EXPECT_GT(at_once.counter("evictions"), 1000u);
  EXPECT_EQ(from_flash, at_once.counter("read_hit_blocks"));
  EXPECT_EQ(filled, at_once.counter("fill_blocks"));

  // From here on both engines serve the same reads and writes the normal way: any difference in
  // what they hold, in their policy's lists or in admission's state shows in the counters.
  std::mt19937_64 kinds(9);
  for (const Read& r : reads(23, 4 * kCapacity, 3000)) {
    const bool write = kinds() % 4 == 0;
    for (FakeRuntime* rt : {&served, &at_once}) {
      if (write) {
        rt->write(r.offset, r.length);
      } else {
        rt->read(r.offset, r.length);
      }
      rt->complete_all();
    }
  }
  EXPECT_EQ(served.counters(), at_once.counters());
  EXPECT_EQ(at_once.engine().check_invariants(), "");
  EXPECT_TRUE(at_once.violations().empty());
}

INSTANTIATE_TEST_SUITE_P(Policies, ReadsAtOnce, policy_cases(), case_name);

TEST(ReadsAtOnceRules, OnlyAnEngineAtRest) {
  FakeRuntime rt(small_config(64), CacheMode::write_back, std::uint64_t{1} << 30);
  const std::vector<IoRequest> read{{100, FakeRuntime::kDisk, IoKind::read, 0, kBlock, 0}};
  std::vector<ServedBlock> blocks;
  EXPECT_TRUE(rt.engine().at_rest());
  rt.write(0, kBlock);  // its flash write is pending
  EXPECT_FALSE(rt.engine().at_rest());
  const auto before = rt.counters();
  EXPECT_FALSE(rt.engine().reads_at_once(0, read, blocks));
  rt.complete_all();  // acknowledged, and dirty: destage is still to come
  EXPECT_FALSE(rt.engine().at_rest());
  EXPECT_FALSE(rt.engine().reads_at_once(0, read, blocks));
  EXPECT_TRUE(blocks.empty());
  EXPECT_EQ(rt.counter("read_requests"), before.at("read_requests"));

  rt.flush();  // destages the block
  rt.complete_all();
  ASSERT_EQ(rt.counter("dirty_blocks"), 0u);
  EXPECT_TRUE(rt.engine().at_rest());
  ASSERT_TRUE(rt.engine().reads_at_once(0, read, blocks));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].source, BlockSource::flash) << "the written block stays cached, clean";
}

TEST(ReadsAtOnceRules, ChecksEachRequestAsSubmitDoes) {
  FakeRuntime rt(small_config(64), CacheMode::write_through, std::uint64_t{1} << 20);
  std::vector<ServedBlock> blocks;
  const auto serve = [&](const IoRequest& r) {
    const std::vector<IoRequest> batch{{1, FakeRuntime::kDisk, IoKind::read, 0, kBlock, 0}, r};
    return rt.engine().reads_at_once(0, batch, blocks);
  };
  EXPECT_THROW(serve({2, 999, IoKind::read, 0, kBlock, 0}), std::invalid_argument);
  EXPECT_THROW(serve({2, FakeRuntime::kDisk, IoKind::read, std::uint64_t{1} << 20, kBlock, 0}),
               std::out_of_range);
  EXPECT_THROW(serve({2, FakeRuntime::kDisk, IoKind::write, 0, kBlock, 1}), std::invalid_argument);
  // The first read of each batch was served (a miss, then hits), the bad ones not at all.
  EXPECT_EQ(rt.counter("read_requests"), 3u);
  EXPECT_EQ(rt.counter("read_hit_blocks"), 2u);
  EXPECT_EQ(blocks.size(), 3u);
  EXPECT_TRUE(rt.engine().at_rest());
}

}  // namespace
}  // namespace flashtwin::testing
