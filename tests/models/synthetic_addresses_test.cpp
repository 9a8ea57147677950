// Address patterns seen through the public stream: uniform spread, zipf popularity against the
// closed form, hot set share and scattering, sequential order and wrap.
// Statistical tolerances are about 5 standard deviations, so they hold for any seed.
#include "collect_requests.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace flashtwin::models {
namespace {

using testing::collect;
using testing::small_workload;

constexpr std::uint64_t kBlocks = 10'000;

// Hits per 4 KiB block of a stream of 4 KiB requests.
std::vector<double> block_hits(const SyntheticWorkload& workload) {
  std::vector<double> hits(workload.disk_bytes / 4096, 0.0);
  for (const StreamRequest& r : collect(workload)) {
    hits[r.offset_bytes / 4096] += 1;
  }
  return hits;
}

double binomial_sigma(double p, double n) {
  return std::sqrt(p * (1 - p) / n);
}

TEST(UniformAddresses, EveryTenthOfTheDiskGetsATenth) {
  const std::vector<double> hits = block_hits(small_workload());
  for (std::uint64_t tenth = 0; tenth < 10; ++tenth) {
    double share = 0;
    for (std::uint64_t b = tenth * kBlocks / 10; b < (tenth + 1) * kBlocks / 10; ++b) {
      share += hits[b] / 1e5;
    }
    EXPECT_NEAR(share, 0.1, 5 * binomial_sigma(0.1, 1e5)) << tenth;  // 0.0047
  }
}

// The most popular blocks carry 1/zeta(N), 2^-theta/zeta(N), 3^-theta/zeta(N) of the requests.
void expect_zipf_head(double theta) {
  SyntheticWorkload workload = small_workload();
  workload.disk_bytes = 1000 * 4096;
  workload.pattern = AddressPattern::zipf;
  workload.zipf_theta = theta;
  workload.max_requests = 200'000;
  std::vector<double> hits = block_hits(workload);
  std::sort(hits.begin(), hits.end(), std::greater<>());
  double zeta = 0;
  for (int i = 1000; i >= 1; --i) {
    zeta += std::pow(i, -theta);
  }
  for (int rank = 0; rank < 3; ++rank) {
    const double expected = std::pow(rank + 1, -theta) / zeta;
    EXPECT_NEAR(hits[rank] / 2e5, expected, 5 * binomial_sigma(expected, 2e5))
        << "theta " << theta << " rank " << rank;
  }
}

TEST(ZipfAddresses, MostPopularBlocksMatchClosedFormBelowOne) {
  expect_zipf_head(0.99);
}
TEST(ZipfAddresses, MostPopularBlocksMatchClosedFormAboveOne) {
  expect_zipf_head(1.5);
}
TEST(ZipfAddresses, MostPopularBlocksMatchClosedFormAtOne) {
  expect_zipf_head(1.0);
}

TEST(ZipfAddresses, HotBlocksAreScatteredOverTheDisk) {
  SyntheticWorkload workload = small_workload();
  workload.pattern = AddressPattern::zipf;
  const std::vector<double> hits = block_hits(workload);
  std::vector<std::uint64_t> blocks(kBlocks);
  for (std::uint64_t b = 0; b < kBlocks; ++b) {
    blocks[b] = b;
  }
  std::sort(blocks.begin(), blocks.end(),
            [&hits](std::uint64_t a, std::uint64_t b) { return hits[a] > hits[b]; });
  // The 100 hottest blocks: how many lie in the first tenth of the disk (10 expected if scattered).
  const auto in_first_tenth = std::count_if(blocks.begin(), blocks.begin() + 100,
                                            [](std::uint64_t b) { return b < kBlocks / 10; });
  EXPECT_LT(in_first_tenth, 30);
  EXPECT_GT(*std::max_element(blocks.begin(), blocks.begin() + 100), kBlocks / 2);
}

TEST(HotSetAddresses, HotRegionOfHotFractionGetsHotAccessFraction) {
  SyntheticWorkload workload = small_workload();
  workload.pattern = AddressPattern::hot_set;
  workload.hot_fraction = 0.1;
  workload.hot_access_fraction = 0.9;
  workload.max_requests = 200'000;
  std::vector<double> hits = block_hits(workload);
  std::vector<std::uint64_t> hot_blocks;
  for (std::uint64_t b = 0; b < kBlocks; ++b) {
    if (hits[b] > 40) hot_blocks.push_back(b);  // hot: ~180 hits each; cold: ~2.2
  }
  ASSERT_EQ(hot_blocks.size(), 1000U);  // exactly hot_fraction * disk
  double hot_share = 0;
  for (const std::uint64_t b : hot_blocks) {
    hot_share += hits[b] / 2e5;
  }
  EXPECT_NEAR(hot_share, 0.9, 5 * binomial_sigma(0.9, 2e5));  // 0.0034
  // Scattered: about a tenth of the hot blocks in each tenth of the disk, not all at the start.
  const auto in_first_tenth = std::count_if(hot_blocks.begin(), hot_blocks.end(),
                                            [](std::uint64_t b) { return b < kBlocks / 10; });
  EXPECT_NEAR(static_cast<double>(in_first_tenth), 100.0, 50.0);
}

TEST(SequentialAddresses, FollowsOnAndWrapsAtTheEndOfTheDisk) {
  SyntheticWorkload workload;
  workload.disk_bytes = 10 * 4096;
  workload.pattern = AddressPattern::sequential;
  workload.start_offset_bytes = 4 * 4096;
  workload.size_mix = {{3 * 4096, 1.0}};
  workload.max_requests = 7;
  std::vector<std::uint64_t> first_blocks;
  for (const StreamRequest& r : collect(workload)) {
    first_blocks.push_back(r.offset_bytes / 4096);
  }
  EXPECT_EQ(first_blocks, (std::vector<std::uint64_t>{4, 7, 0, 3, 6, 0, 3}));
}

TEST(SequentialAddresses, MixedSizesStayContiguousUntilTheWrap) {
  SyntheticWorkload workload = small_workload();
  workload.pattern = AddressPattern::sequential;
  workload.size_mix = {{4096, 1.0}, {65536, 1.0}, {1 << 20, 1.0}};
  const auto requests = collect(workload);
  int wraps = 0;
  for (std::size_t i = 1; i < requests.size(); ++i) {
    const std::uint64_t end = requests[i - 1].offset_bytes + requests[i - 1].length_bytes;
    if (requests[i].offset_bytes == end) continue;
    ASSERT_EQ(requests[i].offset_bytes, 0U) << i;
    ASSERT_GT(end + requests[i].length_bytes, workload.disk_bytes) << i;
    ++wraps;
  }
  EXPECT_GT(wraps, 500);  // ~356 KiB mean x 100k requests over a 39 MiB disk: ~890 wraps
}

}  // namespace
}  // namespace flashtwin::models
