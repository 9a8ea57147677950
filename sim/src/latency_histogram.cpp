// LatencyHistogram: see the header for the bucket scheme and the percentile definition.
#include "flashtwin/sim/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace flashtwin::sim {

namespace {

constexpr int kSubBuckets = 1 << LatencyHistogram::kSubBucketBits;  // 64
constexpr std::size_t kOverflowBucket = LatencyHistogram::kBuckets - 1;

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::int64_t value_ns) {
  if (value_ns < 0) throw std::invalid_argument("LatencyHistogram: negative value");
  const auto v = static_cast<std::uint64_t>(value_ns);
  if (v < kExactBuckets) return static_cast<std::size_t>(v);
  const int e = static_cast<int>(std::bit_width(v)) - 1;  // v in [2^e, 2^(e+1)), e >= 7
  if (e > kMaxExponent) return kOverflowBucket;
  const int shift = e - kSubBucketBits;
  const auto sub = static_cast<std::size_t>((v >> shift) - kSubBuckets);  // [0, 64)
  return kExactBuckets + static_cast<std::size_t>(e - 7) * kSubBuckets + sub;
}

std::int64_t LatencyHistogram::bucket_upper_edge(std::size_t bucket) {
  if (bucket < kExactBuckets) return static_cast<std::int64_t>(bucket);
  if (bucket >= kOverflowBucket) return std::numeric_limits<std::int64_t>::max();
  const std::size_t group = (bucket - kExactBuckets) / kSubBuckets;
  const std::size_t sub = (bucket - kExactBuckets) % kSubBuckets;
  const int shift = static_cast<int>(group) + 7 - kSubBucketBits;
  const std::uint64_t lower = (std::uint64_t{kSubBuckets} + sub) << shift;
  return static_cast<std::int64_t>(lower + (std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::int64_t value_ns) {
  const std::size_t bucket = bucket_of(value_ns);  // throws on negative values
  if (bucket >= counts_.size()) counts_.resize(bucket + 1, 0);
  ++counts_[bucket];
  if (count_ == 0 || value_ns < min_) min_ = value_ns;
  if (count_ == 0 || value_ns > max_) max_ = value_ns;
  ++count_;
  sum_ += static_cast<std::uint64_t>(value_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void LatencyHistogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = 0;
  min_ = 0;
  max_ = 0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::uint64_t LatencyHistogram::rank(double q, std::uint64_t count) {
  if (!(q >= 0.0 && q <= 100.0)) {
    throw std::invalid_argument("LatencyHistogram: percentile " + std::to_string(q) +
                                " is outside [0, 100]");
  }
  if (count == 0) return 0;
  const double x = q / 100.0 * static_cast<double>(count);
  const double r = std::ceil(x - x * 1e-12);
  if (r <= 1.0) return 1;
  if (r >= static_cast<double>(count)) return count;
  return static_cast<std::uint64_t>(r);
}

std::int64_t LatencyHistogram::percentile(double q) const {
  const std::uint64_t r = rank(q, count_);  // validates q
  if (r == 0) return 0;
  if (r == 1) return min_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= r) return std::min(bucket_upper_edge(i), max_);
  }
  return max_;  // not reached: the counters add up to count_
}

}  // namespace flashtwin::sim
