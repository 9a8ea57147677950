// Working set over time windows: hand-made requests, and a generated trace against sets.
#include "flashtwin/sim/working_set.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <stdexcept>

namespace flashtwin::sim {
namespace {

models::StreamRequest at(double t_s, engine::IoKind kind, std::uint64_t block,
                         std::uint64_t blocks = 1) {
  models::StreamRequest r;
  r.time_ns = static_cast<std::int64_t>(t_s * 1e9);
  r.kind = kind;
  r.offset_bytes = block * 4096;
  r.length_bytes = blocks * 4096;
  return r;
}

TEST(WorkingSet, CountsDistinctAndNewBlocksPerWindowAndDisk) {
  WorkingSetWindows ws(10);
  ws.request(1, at(0.5, engine::IoKind::read, 0, 4));    // window 0: blocks 0..3, new
  ws.request(1, at(9.9, engine::IoKind::write, 2, 4));   // window 0: 4, 5 new
  ws.request(2, at(1, engine::IoKind::read, 0));         // disk 2: its own block 0
  ws.request(1, at(12, engine::IoKind::read, 5, 2));     // window 1: 5 (old), 6 (new)
  ws.request(1, at(13, engine::IoKind::flush, 0, 0));    // no block
  ws.request(1, at(35, engine::IoKind::discard, 9, 9));  // no block, no window
  const auto& disk1 = ws.by_disk().at(1);
  ASSERT_EQ(disk1.size(), 2U);
  EXPECT_EQ(disk1.at(0).blocks, 6U);
  EXPECT_EQ(disk1.at(0).new_blocks, 6U);
  EXPECT_EQ(disk1.at(1).blocks, 2U);
  EXPECT_EQ(disk1.at(1).new_blocks, 1U);
  const auto total = ws.total();
  EXPECT_EQ(total.at(0).blocks, 7U);
  EXPECT_EQ(total.at(1).new_blocks, 1U);
  EXPECT_THROW(WorkingSetWindows(0), std::invalid_argument);
}

TEST(WorkingSet, EqualsSetsOfBlocksOnAGeneratedTrace) {
  std::mt19937_64 random(9);
  WorkingSetWindows ws(1);
  std::vector<std::set<std::uint64_t>> windows(50);
  std::set<std::uint64_t> ever;
  std::vector<std::uint64_t> fresh(50, 0);
  double t = 0;
  for (int i = 0; i < 20'000; ++i) {
    t += 0.0024;
    const std::uint64_t block = random() % 3000 + static_cast<std::uint64_t>(t * 40);  // drifts
    ws.request(1, at(t, engine::IoKind::read, block));
    const auto w = static_cast<std::size_t>(t);
    windows[w].insert(block);
    if (ever.insert(block).second) ++fresh[w];
  }
  const auto& got = ws.by_disk().at(1);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    if (windows[w].empty()) continue;
    EXPECT_EQ(got.at(w).blocks, windows[w].size()) << w;
    EXPECT_EQ(got.at(w).new_blocks, fresh[w]) << w;
  }
}

}  // namespace
}  // namespace flashtwin::sim
