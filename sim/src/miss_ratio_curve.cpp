#include "flashtwin/sim/miss_ratio_curve.hpp"

#include "flashtwin/sim/block_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>

namespace flashtwin::sim {

namespace {

// SHARDS' hash space: a block is sampled when its 24-bit hash is below the threshold.
constexpr std::uint32_t kHashSpace = std::uint32_t{1} << 24;
// The time line's smallest length; it is renumbered when full (see the header).
constexpr std::uint32_t kMinPositions = std::uint32_t{1} << 16;

std::uint32_t spatial_hash(std::uint64_t key, std::uint64_t seed) {
  // splitmix64's finaliser: every key bit moves the top 24 bits.
  key += seed * 0x9E3779B97F4A7C15ULL;
  key ^= key >> 30;
  key *= 0xBF58476D1CE4E5B9ULL;
  key ^= key >> 27;
  key *= 0x94D049BB133111EBULL;
  key ^= key >> 31;
  return static_cast<std::uint32_t>(key >> 40);
}

// Counts of 1s at positions [0, n): add and prefix sums in O(log n).
class FenwickTree {
 public:
  void reset(std::uint32_t positions, std::uint32_t ones_at_front) {
    tree_.assign(std::size_t{positions} + 1, 0);
    for (std::uint32_t i = 1; i <= positions; ++i) {
      if (i <= ones_at_front) tree_[i] += 1;
      const std::uint32_t parent = i + (i & (0u - i));
      if (parent <= positions) tree_[parent] += tree_[i];
    }
  }
  std::uint32_t size() const { return static_cast<std::uint32_t>(tree_.size() - 1); }
  void add(std::uint32_t position, std::int32_t delta) {
    for (std::size_t i = std::size_t{position} + 1; i < tree_.size(); i += i & (0 - i))
      tree_[i] += delta;
  }
  // Ones at positions [0, position].
  std::int64_t prefix(std::uint32_t position) const {
    std::int64_t sum = 0;
    for (std::size_t i = std::size_t{position} + 1; i > 0; i -= i & (0 - i))
      sum += tree_[i];
    return sum;
  }

 private:
  std::vector<std::int32_t> tree_;
};

}  // namespace

void validate(const CurveOptions& o) {
  if (o.block_bytes == 0) throw std::invalid_argument("curve: block_bytes: must be > 0");
  if (o.sampling == CurveSampling::fixed_rate && !(o.rate > 0 && o.rate <= 1)) {
    throw std::invalid_argument("curve: sampling rate: must be in (0, 1], got " +
                                std::to_string(o.rate));
  }
  if (o.max_bins < 2) throw std::invalid_argument("curve: max_bins: must be >= 2");
  if (o.sampling == CurveSampling::fixed_size && o.max_sampled_blocks == 0) {
    throw std::invalid_argument("curve: sampled blocks: must be >= 1");
  }
}

std::string describe(const CurveOptions& o) {
  switch (o.sampling) {
    case CurveSampling::exact:
      return "exact";
    case CurveSampling::fixed_rate: {
      char text[64];
      std::snprintf(text, sizeof text, "shards fixed rate %g", o.rate);
      return text;
    }
    case CurveSampling::fixed_size:
      return "shards fixed size " + std::to_string(o.max_sampled_blocks) + " blocks";
  }
  return "";
}

struct CurveBuilder::State {
  CurveOptions options;
  std::uint32_t threshold = kHashSpace;  // sampled: hash < threshold
  BlockMap<std::uint32_t> last;          // block -> position of its latest reference
  FenwickTree latest;                    // 1 at every block's latest position
  std::uint32_t next_position = 0;
  std::uint32_t live = 0;  // blocks tracked (= ones in `latest`)
  // fixed size: the tracked blocks by hash, largest on top.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> by_hash;
  // Hits by distance bin, weighted; reads apart.
  std::vector<double> bins_all, bins_read;
  std::uint64_t bin_blocks = 1;
  double weight_all = 0, weight_read = 0;  // every sampled reference, weighted
  std::uint64_t references = 0, read_references = 0, sampled = 0;
  CurveBuilder::Tally tally;

  double weight() const { return double{kHashSpace} / threshold; }

  void renumber() {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> order;
    order.reserve(live);
    last.for_each(
        [&](std::uint64_t key, std::uint32_t position) { order.emplace_back(position, key); });
    std::sort(order.begin(), order.end());
    for (std::uint32_t i = 0; i < order.size(); ++i)
      *last.find(order[i].second) = i;
    const std::uint64_t positions = std::max<std::uint64_t>(kMinPositions, 2 * std::uint64_t{live});
    if (positions > std::numeric_limits<std::uint32_t>::max() / 2) {
      throw std::length_error("curve: more than 2^30 distinct blocks to track; sample them");
    }
    latest.reset(static_cast<std::uint32_t>(positions), live);
    next_position = live;
  }

  // Bins twice as wide: each pair of adjacent bins made one.
  void widen_bins() {
    for (std::vector<double>* bins : {&bins_all, &bins_read}) {
      for (std::size_t i = 0; i < bins->size(); ++i)
        (*bins)[i / 2] = (i % 2 == 0 ? 0 : (*bins)[i / 2]) + (*bins)[i];
      bins->resize((bins->size() + 1) / 2);
    }
    bin_blocks *= 2;
  }

  void count_hit(double distance, double w, bool read) {
    auto bin = static_cast<std::uint64_t>(distance / static_cast<double>(bin_blocks));
    while (bin >= options.max_bins) {
      widen_bins();
      bin /= 2;
    }
    if (bin >= bins_all.size()) {
      bins_all.resize(bin + 1, 0);
      bins_read.resize(bin + 1, 0);
    }
    bins_all[bin] += w;
    if (read) bins_read[bin] += w;
  }

  // Fixed size: drops the blocks of the largest hash until at most max_sampled_blocks remain.
  void shed() {
    while (live > options.max_sampled_blocks) {
      const std::uint32_t top = by_hash.front().first;
      while (!by_hash.empty() && by_hash.front().first == top) {
        std::pop_heap(by_hash.begin(), by_hash.end());
        const std::uint64_t key = by_hash.back().second;
        by_hash.pop_back();
        latest.add(*last.find(key), -1);
        last.erase(key);
        --live;
      }
      threshold = top;
    }
    // Scaled distances are now multiples of 1 / R: bins need be no finer.
    while (2 * static_cast<double>(bin_blocks) <= weight())
      widen_bins();
  }
};

CurveBuilder::CurveBuilder(const CurveOptions& options) : state_(std::make_unique<State>()) {
  validate(options);
  state_->options = options;
  if (options.sampling == CurveSampling::fixed_rate) {
    state_->threshold = std::max<std::uint32_t>(
        1, static_cast<std::uint32_t>(std::llround(options.rate * kHashSpace)));
    // Scaled distances are multiples of 1 / R: bins finer than that would stay mostly empty.
    while (2 * static_cast<double>(state_->bin_blocks) <= 1 / options.rate)
      state_->bin_blocks *= 2;
  }
  state_->latest.reset(kMinPositions, 0);
}

CurveBuilder::~CurveBuilder() = default;

void CurveBuilder::reference(std::uint64_t key, bool read, bool counted, bool admitted) {
  State& s = *state_;
  if (counted) {
    ++s.references;
    if (read) ++s.read_references;
  }
  std::uint32_t hash = 0;
  if (s.options.sampling != CurveSampling::exact) {
    hash = spatial_hash(key, s.options.hash_seed);
    if (hash >= s.threshold) return;
  }
  const double w = s.weight();
  ++s.tally.sampled;
  if (counted) {
    ++s.sampled;
    s.weight_all += w;
    if (read) s.weight_read += w;
  }
  if (!admitted && s.last.find(key) == nullptr) return;  // a miss, left out of the stack
  if (s.next_position == s.latest.size()) s.renumber();
  std::uint32_t& position = s.last[key];
  const bool seen = s.last.size() == s.live;  // operator[] inserted nothing
  if (seen) {
    ++s.tally.repeated;
    const std::int64_t distance = s.live - s.latest.prefix(position);
    if (counted) s.count_hit(static_cast<double>(distance) * w, w, read);
    s.latest.add(position, -1);
  } else {
    ++s.live;
    if (s.options.sampling == CurveSampling::fixed_size) {
      s.by_hash.emplace_back(hash, key);
      std::push_heap(s.by_hash.begin(), s.by_hash.end());
    }
  }
  position = s.next_position++;
  s.latest.add(position, +1);
  if (!seen && s.options.sampling == CurveSampling::fixed_size) s.shed();
}

void CurveBuilder::request(std::uint32_t disk, const models::StreamRequest& r, bool counted,
                           bool admitted) {
  if (r.length_bytes == 0) return;
  const bool read = r.kind == engine::IoKind::read;
  if (!read && r.kind != engine::IoKind::write) return;
  const std::uint64_t block_bytes = state_->options.block_bytes;
  const std::uint64_t last_block = (r.offset_bytes + r.length_bytes - 1) / block_bytes;
  for (std::uint64_t b = r.offset_bytes / block_bytes; b <= last_block; ++b)
    reference(disk_block_key(disk, b), read, counted, admitted);
}

CurveBuilder::Tally CurveBuilder::tally() const {
  return state_->tally;
}

MissRatioCurve CurveBuilder::curve() const {
  const State& s = *state_;
  MissRatioCurve c;
  c.references = s.references;
  c.read_references = s.read_references;
  c.sampled_references = s.sampled;
  c.final_rate = 1 / s.weight();
  c.footprint_blocks = s.live * s.weight();
  c.bin_blocks = s.bin_blocks;
  c.block_bytes = s.options.block_bytes;
  c.method = describe(s.options);
  const bool adjust = s.options.sampling == CurveSampling::fixed_rate;
  auto fill = [&](MissRatioCurve::Counts& counts, const std::vector<double>& bins, double weight,
                  std::uint64_t actual) {
    // SHARDS-adj: the sample's weight is made the references' count; the difference is the
    // sample's error at the smallest distance.
    counts.total = adjust ? static_cast<double>(actual) : weight;
    double sum = adjust ? counts.total - weight : 0;
    counts.hits_below.assign(bins.size() + 1, 0);
    for (std::size_t i = 0; i < bins.size(); ++i) {
      sum += bins[i];
      counts.hits_below[i + 1] = std::clamp(sum, 0.0, counts.total);
    }
  };
  fill(c.all_, s.bins_all, s.weight_all, s.references);
  fill(c.reads_, s.bins_read, s.weight_read, s.read_references);
  return c;
}

double MissRatioCurve::miss_ratio(const Counts& counts, std::uint64_t capacity_blocks,
                                  std::uint64_t bin_blocks) {
  if (counts.total <= 0) return 0;
  const std::uint64_t bins = counts.hits_below.size() - 1;
  const std::uint64_t bin = capacity_blocks / bin_blocks;
  double hits = counts.hits_below[std::min(bin, bins)];
  if (bin < bins) {
    const double within =
        static_cast<double>(capacity_blocks % bin_blocks) / static_cast<double>(bin_blocks);
    hits += within * (counts.hits_below[bin + 1] - counts.hits_below[bin]);
  }
  return std::clamp(1 - hits / counts.total, 0.0, 1.0);
}

std::optional<std::uint64_t> MissRatioCurve::capacity_for(const Counts& counts, double target,
                                                          std::uint64_t bin_blocks) {
  if (target <= 0) return 0;
  const double needed = target * counts.total;
  const auto& h = counts.hits_below;
  if (counts.total <= 0 || h.back() < needed) return std::nullopt;
  const auto bin =
      static_cast<std::uint64_t>(std::lower_bound(h.begin(), h.end(), needed) - h.begin());
  // hits_below[bin] >= needed > hits_below[bin - 1]: the capacity lies in bin - 1's span.
  const double share = (needed - h[bin - 1]) / (h[bin] - h[bin - 1]);
  const auto within =
      static_cast<std::uint64_t>(std::ceil(share * static_cast<double>(bin_blocks)));
  return (bin - 1) * bin_blocks + std::clamp<std::uint64_t>(within, 1, bin_blocks);
}

double MissRatioCurve::miss_ratio(std::uint64_t capacity_blocks) const {
  return miss_ratio(all_, capacity_blocks, bin_blocks);
}
double MissRatioCurve::read_miss_ratio(std::uint64_t capacity_blocks) const {
  return miss_ratio(reads_, capacity_blocks, bin_blocks);
}
std::optional<std::uint64_t> MissRatioCurve::capacity_for_read_hit(double target) const {
  return capacity_for(reads_, target, bin_blocks);
}
std::optional<std::uint64_t> MissRatioCurve::capacity_for_hit(double target) const {
  return capacity_for(all_, target, bin_blocks);
}

}  // namespace flashtwin::sim
