// BlockIndex: a growing hash table of slot numbers. Checked against std::unordered_map over many
// rehashes with interleaved releases, reassignments and lookups; its memory follows what it holds.
#include "block_index.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace flashtwin::engine {
namespace {

// Random allocate / release / reassign / find, mirrored in a reference map; returns the find
// results so that two runs can be compared.
std::vector<SlotId> run_against_reference(BlockIndex& index, std::uint64_t seed, int steps,
                                          std::uint32_t keep_below) {
  std::mt19937_64 rng(seed);
  std::unordered_map<std::uint64_t, SlotId> reference;
  std::vector<std::uint64_t> keys;  // keys in the reference, for picking one at random
  std::vector<SlotId> found;
  auto random_key = [&] { return block_key(static_cast<LocalDisk>(rng() % 3), rng() % 2'000'000); };
  auto drop_key = [&](std::size_t at) {
    keys[at] = keys.back();
    keys.pop_back();
  };
  for (int step = 0; step < steps; ++step) {
    const unsigned what = static_cast<unsigned>(rng() % 10);
    if (what < 5 && reference.size() < keep_below) {  // allocate a new key
      const std::uint64_t key = random_key();
      if (reference.count(key) != 0) continue;
      const SlotId slot = index.allocate(key, SlotState::clean);
      EXPECT_NE(slot, BlockIndex::kNoSlot);
      reference.emplace(key, slot);
      keys.push_back(key);
    } else if (what < 7 && !keys.empty()) {  // release a random block
      const std::size_t at = rng() % keys.size();
      index.release(reference.at(keys[at]));
      reference.erase(keys[at]);
      drop_key(at);
    } else if (what < 8 && !keys.empty()) {  // reassign a random block's slot to a new key
      const std::size_t at = rng() % keys.size();
      const std::uint64_t key = random_key();
      if (reference.count(key) != 0) continue;
      const SlotId slot = reference.at(keys[at]);
      index.reassign(slot, key, SlotState::dirty);
      reference.erase(keys[at]);
      drop_key(at);
      reference.emplace(key, slot);
      keys.push_back(key);
    } else {  // look up a present key and an absent one
      if (!keys.empty()) {
        const std::uint64_t key = keys[rng() % keys.size()];
        EXPECT_EQ(index.find(key), reference.at(key));
        found.push_back(index.find(key));
      }
      const std::uint64_t other = random_key();
      const auto it = reference.find(other);
      EXPECT_EQ(index.find(other), it == reference.end() ? BlockIndex::kNoSlot : it->second);
    }
    if (step % 50'000 == 0) {
      EXPECT_EQ(index.check_invariants(), "") << "step " << step;
    }
  }
  EXPECT_EQ(index.used(), reference.size());
  for (const auto& [key, slot] : reference)
    EXPECT_EQ(index.find(key), slot);
  EXPECT_EQ(index.check_invariants(), "");
  return found;
}

TEST(BlockIndex, StartsSmallAndGrowsAcrossManyRehashesAgreeingWithAReferenceMap) {
  BlockIndex index(1u << 20);
  EXPECT_EQ(index.buckets(), BlockIndex::kInitialBuckets);
  run_against_reference(index, 7, 600'000, 200'000);
  // From 1 Ki buckets to what up to 200 K entries need at load 0.75: many growths of every shard.
  EXPECT_GE(index.buckets(), BlockIndex::kInitialBuckets << 7);
  EXPECT_LE(index.used(), index.buckets() * 3 / 4);
}

TEST(BlockIndex, PrefetchHintsChangeNothing) {
  BlockIndex hinted(1u << 16), plain(1u << 16);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20'000; ++i) {
    const std::uint64_t key = block_key(static_cast<LocalDisk>(rng() % 2), rng() % 50'000);
    // Present and absent keys, and one no slot can hold.
    hinted.prefetch_bucket(key);
    hinted.prefetch_slot(key);
    hinted.prefetch_slot(block_key(kMaxLocalDisks, 1));
    ASSERT_EQ(hinted.find(key), plain.find(key));
    if (plain.find(key) == BlockIndex::kNoSlot && plain.used() < plain.capacity()) {
      ASSERT_EQ(hinted.allocate(key, SlotState::clean), plain.allocate(key, SlotState::clean));
    }
  }
  EXPECT_EQ(hinted.buckets(), plain.buckets());
  EXPECT_EQ(hinted.memory_bytes(), plain.memory_bytes());
  EXPECT_EQ(hinted.check_invariants(), "");
}

TEST(BlockIndex, SameCallsGiveTheSameLayoutAndResults) {
  BlockIndex a(1u << 18), b(1u << 18);
  const std::vector<SlotId> from_a = run_against_reference(a, 11, 200'000, 100'000);
  const std::vector<SlotId> from_b = run_against_reference(b, 11, 200'000, 100'000);
  EXPECT_EQ(from_a, from_b);
  EXPECT_EQ(a.buckets(), b.buckets());
  EXPECT_EQ(a.memory_bytes(), b.memory_bytes());
}

TEST(BlockIndex, NeverGrowsBeyondWhatTheCapacityNeeds) {
  constexpr std::uint32_t kCapacity = 5000;
  BlockIndex index(kCapacity);
  for (std::uint64_t b = 0; b < kCapacity; ++b)
    ASSERT_NE(index.allocate(block_key(0, b), SlotState::clean), BlockIndex::kNoSlot);
  EXPECT_EQ(index.allocate(block_key(1, 0), SlotState::clean), BlockIndex::kNoSlot);  // full
  // Each shard at most a quarter (or 16 buckets) above what its entries need at load 0.75.
  EXPECT_LE(index.buckets(),
            static_cast<std::size_t>(kCapacity / 0.75 * 1.25) + BlockIndex::kShards * 16);
  for (std::uint64_t b = 0; b < kCapacity; ++b)
    ASSERT_EQ(index.find(block_key(0, b)), b);
  EXPECT_EQ(index.check_invariants(), "");
}

TEST(BlockIndex, GrowsOneShardAtATimeSoARehashNeverCopiesTheWholeTable) {
  BlockIndex index(1u << 20);
  std::size_t growths = 0;
  for (std::uint64_t b = 0; b < 400'000; ++b) {
    const std::size_t before = index.buckets();
    ASSERT_NE(index.allocate(block_key(2, b * 31), SlotState::clean), BlockIndex::kNoSlot);
    const std::size_t added = index.buckets() - before;
    if (added == 0) continue;
    ++growths;
    // One shard, a quarter bigger: about a quarter of a 64th of the table, never a doubling.
    ASSERT_LE(added, before / BlockIndex::kShards / 2 + 16) << "insert " << b;
  }
  EXPECT_GT(growths, BlockIndex::kShards * 10);
  // Loads between 0.6 and 0.75 in every shard.
  EXPECT_GE(std::size_t{index.used()} * 20, index.buckets() * 11);  // load at least 0.55
  EXPECT_EQ(index.check_invariants(), "");
}

// Keys are kept in 6 bytes: the largest disk and block numbers read back whole, larger ones are
// refused rather than folded onto another block.
TEST(BlockIndex, KeysUpToTheLimitsReadBackWholeAndLargerOnesAreRefused) {
  BlockIndex index(64);
  const std::uint64_t last = block_key(kMaxLocalDisks - 1, kMaxBlocksPerDisk - 1);
  const std::uint64_t first = block_key(0, 0);
  const SlotId a = index.allocate(last, SlotState::dirty);
  const SlotId b = index.allocate(first, SlotState::clean);
  EXPECT_EQ(index.key_of(a), last);
  EXPECT_EQ(index.key_of(b), first);
  EXPECT_EQ(index.find(last), a);
  EXPECT_EQ(index.state(a), SlotState::dirty);
  for (const std::uint64_t beyond :
       {block_key(kMaxLocalDisks, 0), block_key(0, kMaxBlocksPerDisk)}) {
    EXPECT_FALSE(BlockIndex::storable(beyond));
    EXPECT_THROW(index.allocate(beyond, SlotState::clean), std::out_of_range);
    EXPECT_THROW(index.reassign(b, beyond, SlotState::clean), std::out_of_range);
    EXPECT_EQ(index.find(beyond), BlockIndex::kNoSlot);
  }
  EXPECT_EQ(index.key_of(b), first);  // a refused reassign changes nothing
  EXPECT_EQ(index.check_invariants(), "");
}

TEST(BlockIndex, MemoryFollowsTheBlocksHeldNotTheCapacity) {
  // 200 M slots: 800 GiB of 4 KiB blocks. Sized for the capacity, the table alone would be 1 GiB.
  BlockIndex index(200'000'000);
  const std::size_t empty = index.memory_bytes();
  EXPECT_LT(empty, 64u << 10);
  for (std::uint64_t b = 0; b < 1000; ++b)
    ASSERT_NE(index.allocate(block_key(0, b * 977), SlotState::clean), BlockIndex::kNoSlot);
  EXPECT_LT(index.memory_bytes(), 1u << 20);
  EXPECT_LE(index.buckets(), 2048u);
  for (std::uint64_t b = 1000; b < 100'000; ++b)
    ASSERT_NE(index.allocate(block_key(0, b * 977), SlotState::clean), BlockIndex::kNoSlot);
  // 100 K blocks: 8 + 1/4 bytes of slot arrays and at most 4 / 0.6 bytes of table (a shard's load
  // is at least 0.75 / 1.25 after it grows) each.
  EXPECT_LT(index.memory_bytes(), 100'000u * 15 + (64u << 10));
  EXPECT_GT(index.memory_bytes(), 100'000u * 8);
}

}  // namespace
}  // namespace flashtwin::engine
