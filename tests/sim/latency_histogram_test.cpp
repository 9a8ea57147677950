// LatencyHistogram: the bucket scheme, percentiles within the stated bound against the exact
// percentiles of sorted samples, edge cases, and merge.
#include "flashtwin/sim/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace flashtwin::sim {
namespace {

constexpr double kQuantiles[] = {0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

// Checks every quantile against sorted samples: exact <= estimate <= exact * (1 + 1/64), exact
// below 128 ns, and min / max / mean exact.
void expect_within_bound(std::vector<std::int64_t> samples) {
  LatencyHistogram h;
  std::uint64_t sum = 0;
  for (std::int64_t v : samples) {
    h.record(v);
    sum += static_cast<std::uint64_t>(v);
  }
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.sum(), sum);
  EXPECT_DOUBLE_EQ(h.mean(), static_cast<double>(sum) / static_cast<double>(samples.size()));
  for (double q : kQuantiles) {
    const std::int64_t exact = samples[LatencyHistogram::rank(q, samples.size()) - 1];
    const std::int64_t estimate = h.percentile(q);
    EXPECT_GE(estimate, exact) << "q=" << q;
    if (exact < 128) {
      EXPECT_EQ(estimate, exact) << "q=" << q;
    } else {
      EXPECT_LE(static_cast<double>(estimate),
                static_cast<double>(exact) * (1 + LatencyHistogram::kRelativeError))
          << "q=" << q;
    }
  }
}

TEST(LatencyHistogram, BucketsAreContiguousAndNarrow) {
  for (std::int64_t v = 0; v < 128; ++v) {
    EXPECT_EQ(LatencyHistogram::bucket_of(v), static_cast<std::size_t>(v));
  }
  std::int64_t lower = 0;
  for (std::size_t b = 0; b + 1 < LatencyHistogram::kBuckets; ++b) {
    const std::int64_t upper = LatencyHistogram::bucket_upper_edge(b);
    ASSERT_EQ(LatencyHistogram::bucket_of(lower), b);
    ASSERT_EQ(LatencyHistogram::bucket_of(upper), b);
    ASSERT_EQ(LatencyHistogram::bucket_of(upper + 1), b + 1);
    if (lower >= 128) {  // below, one value per bucket
      ASSERT_LE(static_cast<double>(upper - lower + 1) / static_cast<double>(lower),
                LatencyHistogram::kRelativeError)
          << "bucket " << b;
    }
    lower = upper + 1;
  }
  EXPECT_EQ(lower, std::int64_t{1} << 41);  // the overflow bucket starts at 2^41 ns
  EXPECT_EQ(LatencyHistogram::bucket_of(std::numeric_limits<std::int64_t>::max()),
            LatencyHistogram::kBuckets - 1);
  EXPECT_LE(LatencyHistogram::kBuckets * sizeof(std::uint64_t), 20'000u);
}

TEST(LatencyHistogram, RankIsNearestRankCeiling) {
  EXPECT_EQ(LatencyHistogram::rank(50, 0), 0u);
  EXPECT_EQ(LatencyHistogram::rank(0, 10), 1u);
  EXPECT_EQ(LatencyHistogram::rank(100, 10), 10u);
  EXPECT_EQ(LatencyHistogram::rank(50, 4), 2u);
  EXPECT_EQ(LatencyHistogram::rank(50, 5), 3u);
  EXPECT_EQ(LatencyHistogram::rank(99.9, 1000), 999u);  // not 1000 from 99.9 * 10 rounding up
  EXPECT_EQ(LatencyHistogram::rank(99.9, 1001), 1000u);
  EXPECT_EQ(LatencyHistogram::rank(99, 100), 99u);
  EXPECT_THROW(LatencyHistogram::rank(-0.1, 10), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram::rank(100.1, 10), std::invalid_argument);
}

TEST(LatencyHistogram, EmptyReportsZeros) {
  LatencyHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.percentile(50), 0);
  EXPECT_EQ(h.percentile(100), 0);
  EXPECT_THROW(h.percentile(101), std::invalid_argument);
}

TEST(LatencyHistogram, OneValueIsEveryPercentile) {
  LatencyHistogram h;
  h.record(123'456'789);
  for (double q : kQuantiles)
    EXPECT_EQ(h.percentile(q), 123'456'789) << q;
  EXPECT_EQ(h.mean(), 123'456'789.0);
}

TEST(LatencyHistogram, NegativeValueIsMisuse) {
  LatencyHistogram h;
  EXPECT_THROW(h.record(-1), std::invalid_argument);
  EXPECT_TRUE(h.empty());
}

TEST(LatencyHistogram, UniformWithinBound) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::int64_t> dist(1, 10'000'000);  // 1 ns .. 10 ms
  std::vector<std::int64_t> samples(100'000);
  for (auto& v : samples)
    v = dist(rng);
  expect_within_bound(samples);
}

TEST(LatencyHistogram, ExponentialWithinBound) {
  std::mt19937_64 rng(2);
  std::exponential_distribution<double> dist(1.0 / 200'000);  // mean 200 us
  std::vector<std::int64_t> samples(100'000);
  for (auto& v : samples)
    v = static_cast<std::int64_t>(dist(rng));
  expect_within_bound(samples);
}

TEST(LatencyHistogram, BimodalWithinBound) {
  // Flash hits around 80 us, array misses around 5 ms: the percentiles straddle the gap.
  std::mt19937_64 rng(3);
  std::normal_distribution<double> hit(80'000, 10'000);
  std::normal_distribution<double> miss(5'000'000, 1'000'000);
  std::bernoulli_distribution is_hit(0.9);
  std::vector<std::int64_t> samples(100'000);
  for (auto& v : samples) {
    v = std::max<std::int64_t>(1, static_cast<std::int64_t>(is_hit(rng) ? hit(rng) : miss(rng)));
  }
  expect_within_bound(samples);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  std::vector<std::int64_t> samples;
  for (std::int64_t v = 0; v < 128; ++v)
    samples.push_back(v);
  expect_within_bound(samples);
  LatencyHistogram h;
  for (std::int64_t v : samples)
    h.record(v);
  EXPECT_EQ(h.percentile(50), 63);
}

TEST(LatencyHistogram, HugeValues) {
  // 1000 s is inside the tracked range; beyond 2^41 ns values share the overflow bucket, whose
  // percentile is the exact max.
  expect_within_bound({1, 1'000'000'000'000, 999'000'000'000, 2'000'000'000'000});
  LatencyHistogram h;
  const std::int64_t huge = std::numeric_limits<std::int64_t>::max();
  h.record(std::int64_t{1} << 42);
  h.record(huge);
  EXPECT_EQ(h.max(), huge);
  EXPECT_EQ(h.percentile(100), huge);
  EXPECT_EQ(h.percentile(50), std::int64_t{1} << 42);  // rank 1: the exact min
  EXPECT_EQ(h.sum(), static_cast<std::uint64_t>(huge) + (std::uint64_t{1} << 42));
}

TEST(LatencyHistogram, MergeEqualsRecordingAll) {
  std::mt19937_64 rng(4);
  std::exponential_distribution<double> fast(1.0 / 50'000);
  std::exponential_distribution<double> slow(1.0 / 20'000'000);
  LatencyHistogram a, b, all;
  for (int i = 0; i < 20'000; ++i) {
    const auto x = static_cast<std::int64_t>(fast(rng));
    const auto y = static_cast<std::int64_t>(slow(rng));
    a.record(x);
    b.record(y);
    all.record(x);
    all.record(y);
  }
  LatencyHistogram merged;
  merged.merge(a);  // into an empty histogram
  merged.merge(b);  // with more buckets than the target
  merged.merge(LatencyHistogram{});
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_EQ(merged.sum(), all.sum());
  for (double q : kQuantiles)
    EXPECT_EQ(merged.percentile(q), all.percentile(q)) << q;
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  LatencyHistogram h;
  h.record(5'000'000);
  h.reset();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.max(), 0);
  h.record(7);
  EXPECT_EQ(h.percentile(100), 7);
  EXPECT_EQ(h.min(), 7);
}

}  // namespace
}  // namespace flashtwin::sim
