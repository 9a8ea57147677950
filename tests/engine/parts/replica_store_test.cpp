// ReplicaStore: the peer's replica blocks in an open-addressing table, checked against a std::map
// model under random inserts and erases (clustered keys, so probe runs form, wrap around the
// table and are shifted back by erases), and the namespace codes per (owner, disk).
#include "replica_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace flashtwin::engine {
namespace {

TEST(ReplicaStore, MatchesAMapUnderRandomInsertsAndErases) {
  std::mt19937_64 rng(5);
  ReplicaStore store;
  std::map<std::uint64_t, Version> model;
  for (int step = 0; step < 200'000; ++step) {
    // Keys of two owner disks, clustered so that probe runs are long.
    const std::uint64_t key = block_key(static_cast<LocalDisk>(4095 - rng() % 2), rng() % 3000);
    if (rng() % 3 != 0) {
      if (model.contains(key)) {
        store.find(key)->version = step;
        model[key] = step;
      } else {
        store.insert(key, ReplicaEntry{static_cast<SlotId>(key & 0xFFFF), Version(step)});
        model[key] = step;
      }
    } else {
      store.erase(key);  // absent keys too
      model.erase(key);
    }
    if (step % 10'000 != 0) continue;
    ASSERT_EQ(store.size(), model.size()) << "step " << step;
    for (const auto& [k, version] : model) {
      const ReplicaEntry* entry = store.find(k);
      ASSERT_NE(entry, nullptr) << "step " << step << " key " << k;
      ASSERT_EQ(entry->version, version);
      ASSERT_EQ(entry->slot, static_cast<SlotId>(k & 0xFFFF));
    }
    std::size_t visited = 0;
    store.for_each([&](std::uint64_t k, const ReplicaEntry& entry) {
      ++visited;
      EXPECT_EQ(model.at(k), entry.version);
    });
    ASSERT_EQ(visited, model.size());
  }
}

TEST(ReplicaStore, ReserveKeepsEntriesInPlaceForTheInsertsItMadeRoomFor) {
  ReplicaStore store;
  store.insert(block_key(4095, 1), ReplicaEntry{1, 1});
  store.reserve(1000);
  ReplicaEntry* first = store.find(block_key(4095, 1));
  for (std::uint64_t b = 2; b < 1000; ++b)
    store.insert(block_key(4095, b), ReplicaEntry{static_cast<SlotId>(b), b});
  EXPECT_EQ(store.find(block_key(4095, 1)), first);
  EXPECT_EQ(first->version, 1u);
}

TEST(ReplicaStore, CodesCountDownPerOwnerDiskAndNameTheirOwner) {
  ReplicaStore store;
  const auto a = store.key(/*owner=*/2, /*disk=*/7, 10, /*lowest_allowed=*/3);
  const auto b = store.key(5, 7, 11, 3);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(disk_of(*a), kMaxLocalDisks - 1);
  EXPECT_EQ(disk_of(*b), kMaxLocalDisks - 2);
  EXPECT_EQ(store.owner_of(*a), (std::pair<HostId, DiskId>{2, 7}));
  EXPECT_EQ(store.owner_of(*b), (std::pair<HostId, DiskId>{5, 7}));
  EXPECT_EQ(store.find_key(2, 7, 99), block_key(kMaxLocalDisks - 1, 99));
  EXPECT_FALSE(store.find_key(3, 7, 1));
  EXPECT_TRUE(store.holds_key(*a));
  EXPECT_FALSE(store.holds_key(block_key(0, 1)));
}

}  // namespace
}  // namespace flashtwin::engine
