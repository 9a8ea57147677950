// BlockPermutation: a bijection of [0, n) for every n, keyed by the seed, that scatters.
#include "block_permutation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace flashtwin::models {
namespace {

TEST(BlockPermutation, IsABijectionForManySizes) {
  for (const std::uint64_t n : {1, 2, 3, 4, 5, 17, 255, 256, 257, 1000, 4097, 65536, 100'003}) {
    const BlockPermutation permutation(n, 42);
    std::vector<bool> seen(n, false);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t block = permutation(i);
      ASSERT_LT(block, n) << "n " << n;
      ASSERT_FALSE(seen[block]) << "n " << n << ": two indexes map to " << block;
      seen[block] = true;
    }
  }
}

TEST(BlockPermutation, ScattersTheFirstIndexesOverTheWholeRange) {
  const std::uint64_t n = 1'000'000;
  const BlockPermutation permutation(n, 1);
  std::vector<std::uint64_t> tenths(10, 0);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ++tenths[permutation(i) * 10 / n];
  }
  for (const std::uint64_t count : tenths) {
    EXPECT_NEAR(static_cast<double>(count), 100.0, 50.0);
  }
}

TEST(BlockPermutation, DependsOnTheSeed) {
  const BlockPermutation a(1'000'000, 1);
  const BlockPermutation b(1'000'000, 2);
  int same = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    same += a(i) == b(i) ? 1 : 0;
  }
  EXPECT_LT(same, 5);
}

TEST(BlockPermutation, HandlesTheLargestDisks) {
  const std::uint64_t n = (std::uint64_t{1} << 55) + 12345;  // 2^64 bytes / 512
  const BlockPermutation permutation(n, 3);
  for (std::uint64_t i = n - 1000; i < n; ++i) {
    ASSERT_LT(permutation(i), n);
  }
  EXPECT_THROW(BlockPermutation(0, 1), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::models
