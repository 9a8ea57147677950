// GhostTable: ghost lists over a growing hash index, checked against a reference of one
// std::list per list and a std::unordered_map of keys; its memory follows the ghosts held.
#include "ghost_table.hpp"

#include <gtest/gtest.h>

#include <list>
#include <random>
#include <unordered_map>
#include <vector>

namespace flashtwin::engine {
namespace {

struct ReferenceGhosts {
  struct Place {
    GhostListId list;
    std::list<std::uint64_t>::iterator at;
  };
  std::vector<std::list<std::uint64_t>> lists;  // front = most recent
  std::unordered_map<std::uint64_t, Place> where;
};

TEST(GhostTable, GrowsAcrossManyRehashesAgreeingWithAReference) {
  constexpr std::uint32_t kCapacity = 300'000;
  GhostTable table(kCapacity, 2);
  EXPECT_EQ(table.buckets(), GhostTable::kInitialBuckets);
  ReferenceGhosts ref{std::vector<std::list<std::uint64_t>>(2), {}};
  std::mt19937_64 rng(3);
  for (int step = 0; step < 800'000; ++step) {
    const unsigned what = static_cast<unsigned>(rng() % 10);
    const std::uint64_t key = rng() % 1'000'000;
    const auto list = static_cast<GhostListId>(rng() % 2);
    if (what < 6 && table.size() < kCapacity) {  // push a key that is not a ghost yet
      if (ref.where.count(key) != 0) continue;
      table.push_front(list, key);
      ref.lists[list].push_front(key);
      ref.where.emplace(key, ReferenceGhosts::Place{list, ref.lists[list].begin()});
    } else if (what < 7) {  // erase a key, present or not
      const bool present = ref.where.count(key) != 0;
      EXPECT_EQ(table.erase(key), present);
      if (present) {
        const ReferenceGhosts::Place place = ref.where.at(key);
        ref.lists[place.list].erase(place.at);
        ref.where.erase(key);
      }
    } else if (what < 8 && !ref.lists[list].empty() && step % 3 == 0) {  // pop the oldest
      EXPECT_EQ(table.pop_back(list), ref.lists[list].back());
      ref.where.erase(ref.lists[list].back());
      ref.lists[list].pop_back();
    } else {
      const auto it = ref.where.find(key);
      EXPECT_EQ(table.find(key), it == ref.where.end() ? kNoGhostList : it->second.list);
    }
    if (step % 100'000 == 0) {
      ASSERT_EQ(table.check(), "") << "step " << step;
    }
  }
  ASSERT_EQ(table.check(), "");
  EXPECT_EQ(table.size(), ref.where.size());
  EXPECT_GE(table.buckets(), GhostTable::kInitialBuckets << 7);
  EXPECT_LE(table.size(), table.buckets() * 3 / 4);
  for (GhostListId list = 0; list < 2; ++list) {  // same order, oldest first
    while (!ref.lists[list].empty()) {
      ASSERT_EQ(table.pop_back(list), ref.lists[list].back());
      ref.lists[list].pop_back();
    }
  }
  EXPECT_EQ(table.size(), 0u);
}

TEST(GhostTable, MemoryFollowsTheGhostsHeldNotTheCapacity) {
  GhostTable table(200'000'000, 2);  // ARC's B1 + B2 for 800 GiB of 4 KiB blocks
  EXPECT_LT(table.memory_bytes(), 64u << 10);
  for (std::uint64_t key = 0; key < 1000; ++key)
    table.push_front(static_cast<GhostListId>(key % 2), key * 7919);
  EXPECT_LT(table.memory_bytes(), 1u << 20);
  EXPECT_LE(table.buckets(), 2048u);
  EXPECT_EQ(table.check(), "");
}

TEST(GhostTable, AFullTableStopsAtThePowerOfTwoItsCapacityNeeds) {
  constexpr std::uint32_t kCapacity = 3000;  // needs 4001 buckets: 4096
  GhostTable table(kCapacity, 1);
  for (std::uint64_t key = 0; key < kCapacity; ++key)
    table.push_front(0, key);
  EXPECT_EQ(table.buckets(), 4096u);
  EXPECT_THROW(table.push_front(0, kCapacity), std::logic_error);
  EXPECT_EQ(table.check(), "");
}

}  // namespace
}  // namespace flashtwin::engine
