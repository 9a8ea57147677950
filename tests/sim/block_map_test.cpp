// BlockMap: a flat map must behave as a map through growth, and iterate deterministically.
#include "flashtwin/sim/block_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace flashtwin::sim {
namespace {

TEST(BlockMap, BehavesAsAMapThroughGrowth) {
  BlockMap<std::uint64_t> flat;
  std::map<std::uint64_t, std::uint64_t> reference;
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200'000; ++i) {
    const std::uint64_t key = disk_block_key(static_cast<std::uint32_t>(rng() % 8), rng() % 50'000);
    const std::uint64_t value = rng();
    flat[key] = value;
    reference[key] = value;
  }
  EXPECT_EQ(flat.size(), reference.size());
  for (const auto& [key, value] : reference) {
    ASSERT_NE(flat.find(key), nullptr);
    EXPECT_EQ(*flat.find(key), value);
  }
  EXPECT_EQ(flat.find(disk_block_key(9, 1)), nullptr);
  std::size_t visited = 0;
  flat.for_each([&](std::uint64_t key, std::uint64_t value) {
    EXPECT_EQ(reference.at(key), value);
    ++visited;
  });
  EXPECT_EQ(visited, reference.size());
}

// Erasing shifts later entries back; with a small table full of collisions and wrap-arounds, every
// key left must still be found and every key erased gone.
TEST(BlockMap, ErasingKeepsEveryOtherKeyFindable) {
  BlockMap<std::uint64_t> flat;
  std::map<std::uint64_t, std::uint64_t> reference;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300'000; ++i) {
    const std::uint64_t key = rng() % 3'000;  // few keys: long runs, many erasures
    if (rng() % 2 == 0) {
      flat[key] = static_cast<std::uint64_t>(i);
      reference[key] = static_cast<std::uint64_t>(i);
    } else {
      ASSERT_EQ(flat.erase(key), reference.erase(key) == 1) << "step " << i;
    }
    if (i % 1000 == 0) {
      ASSERT_EQ(flat.size(), reference.size());
      for (std::uint64_t k = 0; k < 3'000; ++k) {
        const auto it = reference.find(k);
        const std::uint64_t* got = flat.find(k);
        ASSERT_EQ(got != nullptr, it != reference.end()) << "key " << k << " step " << i;
        if (got != nullptr) {
          ASSERT_EQ(*got, it->second);
        }
      }
    }
  }
  EXPECT_FALSE(flat.erase(kEmptyKey));
}

TEST(BlockMap, IterationOrderDependsOnlyOnTheInsertions) {
  auto fill = [] {
    BlockMap<int> map;
    for (std::uint64_t k = 0; k < 1000; ++k)
      map[k * 7919 % 1009] = static_cast<int>(k);
    std::vector<std::uint64_t> order;
    map.for_each([&](std::uint64_t key, int) { order.push_back(key); });
    return order;
  };
  EXPECT_EQ(fill(), fill());
}

TEST(BlockMap, KeepsEveryKeyButTheEmptyMarkerAndStaysCompact) {
  BlockMap<std::uint64_t> map;
  map[0] = 1;  // key 0 is an ordinary key
  map[disk_block_key(1, 5)] = 2;
  ASSERT_NE(map.find(0), nullptr);
  EXPECT_EQ(*map.find(0), 1u);
  EXPECT_EQ(map.find(kEmptyKey), nullptr);
  EXPECT_THROW(map[kEmptyKey], std::out_of_range);
  for (std::uint64_t k = 0; k < 100'000; ++k)
    map[disk_block_key(2, k)] = k;
  // 16 bytes an entry, at most 1.25 / 0.8 of that with a shard at its emptiest after it grew
  // (and the small shards' first 8-slot steps).
  EXPECT_LE(map.memory_bytes(),
            map.size() * 16 * 25 / 16 + BlockMap<std::uint64_t>::kShards * 8 * 16);
  EXPECT_GE(map.memory_bytes(), map.size() * 16 * 5 / 4);
}

TEST(BlockMap, GrowsOneShardAtATimeSoItNeverHoldsASecondCopyOfItself) {
  BlockMap<std::uint64_t> map;
  std::size_t growths = 0;
  for (std::uint64_t k = 0; k < 300'000; ++k) {
    const std::size_t before = map.memory_bytes();
    map[disk_block_key(3, k * 7)] = k;
    const std::size_t added = map.memory_bytes() - before;
    if (added == 0) continue;
    ++growths;
    // One shard a quarter bigger: far below a doubling of the map.
    ASSERT_LE(added, before / BlockMap<std::uint64_t>::kShards / 2 + 8 * 16) << "insert " << k;
  }
  EXPECT_GT(growths, BlockMap<std::uint64_t>::kShards * 10);
  for (std::uint64_t k = 0; k < 300'000; ++k)
    ASSERT_EQ(*map.find(disk_block_key(3, k * 7)), k);
}

}  // namespace
}  // namespace flashtwin::sim
