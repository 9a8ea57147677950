#include "random_source.hpp"

#include <algorithm>
#include <cmath>

namespace flashtwin::models {

std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return mix64(seed + 0x9e3779b97f4a7c15ULL * (stream + 1));
}

double RandomSource::uniform() {
  constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
  return static_cast<double>(engine_() >> 11) * kTwoToMinus53;
}

std::uint64_t RandomSource::below(std::uint64_t n) {
  // Values below `threshold` (= 2^64 mod n) would make the low residues more likely.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t x = engine_();
    if (x >= threshold) return x % n;
  }
}

double RandomSource::exponential() {
  return -std::log1p(-uniform());
}

WeightedChoice::WeightedChoice(const std::vector<double>& weights) {
  cumulative_.reserve(weights.size());
  double sum = 0.0;
  for (const double weight : weights) {
    sum += weight;
    cumulative_.push_back(sum);
  }
}

std::size_t WeightedChoice::draw(RandomSource& random) const {
  const double target = random.uniform() * cumulative_.back();
  // First entry whose cumulative weight exceeds the target; the clamp guards rounding at the top.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
  const auto index = static_cast<std::size_t>(it - cumulative_.begin());
  return std::min(index, cumulative_.size() - 1);
}

}  // namespace flashtwin::models
