// VersionMap: versions of any width read back as set, at 12 bytes an entry while they fit 32 bits.
#include "flashtwin/sim/version_map.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace flashtwin::sim {
namespace {

TEST(VersionMap, ReadsBackEveryWidthAsSetAndAbsentKeysAsZero) {
  VersionMap map;
  std::map<std::uint64_t, engine::Version> reference;
  std::mt19937_64 random(5);
  const engine::Version mixed_label = (engine::Version{1} << 63) | 17;  // an array's mixed label
  const engine::Version widths[] = {1, 0xFFFFFFFEu, 0xFFFFFFFFu, engine::Version{1} << 40,
                                    mixed_label};
  for (int step = 0; step < 200'000; ++step) {
    const std::uint64_t key =
        disk_block_key(static_cast<std::uint32_t>(random() % 3), random() % 50'000);
    const engine::Version value = widths[random() % 5] + (random() % 2);
    map.set(key, value);
    reference[key] = value;
  }
  EXPECT_EQ(map.size(), reference.size());
  for (const auto& [key, value] : reference) {
    ASSERT_TRUE(map.contains(key));
    ASSERT_EQ(map.get(key), value) << key;
  }
  EXPECT_FALSE(map.contains(disk_block_key(9, 1)));
  EXPECT_EQ(map.get(disk_block_key(9, 1)), 0u);
  std::size_t visited = 0;
  map.for_each([&](std::uint64_t key, engine::Version value) {
    ++visited;
    EXPECT_EQ(reference.at(key), value);
  });
  EXPECT_EQ(visited, reference.size());
}

TEST(VersionMap, NarrowVersionsCostTwelveBytesAnEntryAndAWideOneIsDroppedWhenReplaced) {
  VersionMap map;
  for (std::uint64_t b = 0; b < 100'000; ++b)
    map.set(disk_block_key(1, b), b + 1);
  // 12 bytes an entry, at most 1.25 / 0.8 of that in the table (and the shards' first steps).
  EXPECT_LE(map.memory_bytes(), 100'000u * 12 * 25 / 16 + 2 * BlockMap<int>::kShards * 8 * 16);
  const std::size_t narrow_only = map.memory_bytes();
  map.set(disk_block_key(1, 7), engine::Version{1} << 33);
  EXPECT_EQ(map.get(disk_block_key(1, 7)), engine::Version{1} << 33);
  map.set(disk_block_key(1, 7), 8);  // back to narrow
  EXPECT_EQ(map.get(disk_block_key(1, 7)), 8u);
  EXPECT_EQ(map.size(), 100'000u);
  EXPECT_LE(map.memory_bytes(), narrow_only + BlockMap<int>::kShards * 8 * 16);
}

}  // namespace
}  // namespace flashtwin::sim
