// LatencyHistogram: counts latencies in nanoseconds in log-linear buckets, so that percentiles of
// millions of requests cost a few KB and stay within a fixed relative error.
//
// Bucket scheme (64 linear sub-buckets per power of two):
//   - values 0..127 ns each have their own bucket (exact);
//   - a value v in [2^e, 2^(e+1)), 7 <= e <= 40, falls in one of 64 equal buckets of width
//     2^(e-6) covering that power of two;
//   - values >= 2^41 ns (about 36.6 minutes) share one overflow bucket.
// A bucket's width is at most 1/64 of its lower edge, so any value in a bucket is within 1/64
// (1.5625 %) of the bucket's upper edge. Memory does not grow with the number of values: at most
// 2,305 counters (18 KB), allocated up to the highest bucket used (about 8 KB for latencies under
// 1 ms).
//
// percentile(q) returns an upper estimate of the rank-th smallest value recorded, where
//   rank = max(1, ceil(q / 100 * count))   (computed with a relative tolerance of 1e-12, so that
//                                           the 99.9th percentile of 1000 values is rank 999):
//   - rank 1 returns min() exactly;
//   - otherwise the upper edge (largest value) of the bucket holding that value, clamped to
//     max(); for the overflow bucket, max().
// Hence, with v the exact rank-th value: v <= percentile(q) <= v * (1 + 1/64), and exact for
// v < 128 ns. (For values in the overflow bucket the estimate is max().)
//
// min, max, count and the sum (so the mean) are exact. The sum is kept in 64 bits: the latencies
// recorded into one histogram must add up to less than 2^64 ns (584 years). Plain value type, no
// thread safety; every operation is deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace flashtwin::sim {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;           // 64 sub-buckets per power of two
  static constexpr int kMaxExponent = 40;            // tracked: values < 2^41 ns
  static constexpr std::size_t kExactBuckets = 128;  // values 0..127 exact
  static constexpr std::size_t kBuckets =
      kExactBuckets + 64 * (kMaxExponent - 6) + 1;  // + overflow
  static constexpr double kRelativeError = 1.0 / 64;

  // Adds one value. Requires value_ns >= 0 (std::invalid_argument otherwise).
  void record(std::int64_t value_ns);
  // Adds every value `other` holds: the result equals recording both sets into one histogram.
  void merge(const LatencyHistogram& other);
  // Forgets every value; keeps the memory.
  void reset();

  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }  // 0 when empty
  std::int64_t max() const { return max_; }                    // 0 when empty
  std::uint64_t sum() const { return sum_; }
  double mean() const;  // exact sum / count; 0 when empty
  // See the file comment. Requires 0 <= q <= 100 (std::invalid_argument otherwise); 0 when empty.
  std::int64_t percentile(double q) const;

  // The rank (1-based) percentile(q) reports among `count` values; 0 when count is 0. Exposed so
  // that tests can compare against sorted samples with the same definition.
  static std::uint64_t rank(double q, std::uint64_t count);
  // Bucket arithmetic, exposed for tests: the bucket of a value and the largest value it holds
  // (for the overflow bucket, INT64_MAX).
  static std::size_t bucket_of(std::int64_t value_ns);
  static std::int64_t bucket_upper_edge(std::size_t bucket);

 private:
  std::vector<std::uint64_t> counts_;  // grown up to the highest bucket used
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace flashtwin::sim
