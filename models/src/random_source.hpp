// RandomSource: a seeded std::mt19937_64 with our own, fully specified distributions, so that a
// workload is the same sequence on every platform and standard library (the std:: distributions
// are implementation-defined). Also derive_seed, to give each aspect of a workload (addresses,
// kinds, sizes, arrivals) its own independent source from one user seed.
//
// Not thread-safe; cheap to copy (copies continue the same sequence independently).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace flashtwin::models {

// A well-mixed 64-bit seed for sub-stream `stream` of `seed` (SplitMix64 finaliser).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

// SplitMix64 finaliser: a bijective mixing of 64 bits, used as a hash.
std::uint64_t mix64(std::uint64_t x);

class RandomSource {
 public:
  explicit RandomSource(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }
  // Uniform on [0, 1) from the top 53 bits: k / 2^53 for k uniform in [0, 2^53).
  double uniform();
  // Uniform on [0, n); requires n > 0. Exact (rejection of the biased low range).
  std::uint64_t below(std::uint64_t n);
  // Exponential with mean 1: -log(1 - u), u = uniform(); always finite and >= 0.
  double exponential();

 private:
  std::mt19937_64 engine_;
};

// Draws an index with probability weights[i] / sum(weights), by a binary search of the cumulative
// weights. Requires a non-empty vector of positive finite weights (checked by the caller).
class WeightedChoice {
 public:
  explicit WeightedChoice(const std::vector<double>& weights);
  std::size_t draw(RandomSource& random) const;

 private:
  std::vector<double> cumulative_;  // cumulative_[i] = weights[0] + ... + weights[i]
};

}  // namespace flashtwin::models
