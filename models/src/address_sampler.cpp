#include "address_sampler.hpp"

#include "block_permutation.hpp"
#include "zipf_sampler.hpp"

#include <cmath>
#include <stdexcept>

namespace flashtwin::models {
namespace {

// Moves a drawn block back so that a request of `length_blocks` fits on the disk.
std::uint64_t fit(std::uint64_t block, std::uint64_t length_blocks, std::uint64_t block_count) {
  return block + length_blocks > block_count ? block_count - length_blocks : block;
}

class UniformAddresses final : public AddressSampler {
 public:
  explicit UniformAddresses(std::uint64_t block_count) : block_count_(block_count) {}
  std::uint64_t first_block(std::uint64_t length_blocks, RandomSource& random) override {
    return fit(random.below(block_count_), length_blocks, block_count_);
  }

 private:
  std::uint64_t block_count_;
};

class ZipfAddresses final : public AddressSampler {
 public:
  ZipfAddresses(std::uint64_t block_count, double theta, std::uint64_t scramble_seed)
      : ranks_(block_count, theta), scramble_(block_count, scramble_seed) {}
  std::uint64_t first_block(std::uint64_t length_blocks, RandomSource& random) override {
    return fit(scramble_(ranks_.draw(random)), length_blocks, scramble_.block_count());
  }

 private:
  ZipfSampler ranks_;
  BlockPermutation scramble_;
};

// The hot blocks are the images of [0, hot) under the permutation; the cold ones of [hot, n).
class HotSetAddresses final : public AddressSampler {
 public:
  HotSetAddresses(std::uint64_t block_count, std::uint64_t hot_blocks, double hot_access_fraction,
                  std::uint64_t scramble_seed)
      : hot_blocks_(hot_blocks),
        hot_access_fraction_(hot_access_fraction),
        scramble_(block_count, scramble_seed) {}
  std::uint64_t first_block(std::uint64_t length_blocks, RandomSource& random) override {
    const std::uint64_t block_count = scramble_.block_count();
    const std::uint64_t index = random.uniform() < hot_access_fraction_
                                    ? random.below(hot_blocks_)
                                    : hot_blocks_ + random.below(block_count - hot_blocks_);
    return fit(scramble_(index), length_blocks, block_count);
  }

 private:
  std::uint64_t hot_blocks_;
  double hot_access_fraction_;
  BlockPermutation scramble_;
};

class SequentialAddresses final : public AddressSampler {
 public:
  SequentialAddresses(std::uint64_t block_count, std::uint64_t start_block)
      : block_count_(block_count), cursor_(start_block) {}
  std::uint64_t first_block(std::uint64_t length_blocks, RandomSource& /*random*/) override {
    if (cursor_ + length_blocks > block_count_) cursor_ = 0;
    const std::uint64_t block = cursor_;
    cursor_ += length_blocks;
    return block;
  }

 private:
  std::uint64_t block_count_;
  std::uint64_t cursor_;  // where the next request starts, unless it has to wrap
};

}  // namespace

std::uint64_t hot_block_count(double hot_fraction, std::uint64_t block_count) {
  return static_cast<std::uint64_t>(std::llround(hot_fraction * static_cast<double>(block_count)));
}

std::unique_ptr<AddressSampler> make_address_sampler(const SyntheticWorkload& workload,
                                                     std::uint64_t scramble_seed) {
  const std::uint64_t block_count = workload.disk_bytes / workload.alignment_bytes;
  switch (workload.pattern) {
    case AddressPattern::uniform:
      return std::make_unique<UniformAddresses>(block_count);
    case AddressPattern::zipf:
      return std::make_unique<ZipfAddresses>(block_count, workload.zipf_theta, scramble_seed);
    case AddressPattern::hot_set:
      return std::make_unique<HotSetAddresses>(block_count,
                                               hot_block_count(workload.hot_fraction, block_count),
                                               workload.hot_access_fraction, scramble_seed);
    case AddressPattern::sequential:
      return std::make_unique<SequentialAddresses>(
          block_count, workload.start_offset_bytes / workload.alignment_bytes);
  }
  throw std::invalid_argument("pattern: unknown value");  // validate() rejects it first
}

}  // namespace flashtwin::models
