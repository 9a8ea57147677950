#include "block_permutation.hpp"

#include "random_source.hpp"

#include <stdexcept>
#include <string>

namespace flashtwin::models {

BlockPermutation::BlockPermutation(std::uint64_t block_count, std::uint64_t seed)
    : block_count_(block_count), half_bits_(1) {
  if (block_count == 0 || block_count > (std::uint64_t{1} << 62)) {
    throw std::invalid_argument("BlockPermutation: block_count must be in [1, 2^62], got " +
                                std::to_string(block_count));
  }
  while (half_bits_ < 31 && (std::uint64_t{1} << (2 * half_bits_)) < block_count) {
    ++half_bits_;
  }
  half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
  for (std::size_t round = 0; round < round_keys_.size(); ++round) {
    round_keys_[round] = derive_seed(seed, round);
  }
}

std::uint64_t BlockPermutation::feistel(std::uint64_t value) const {
  std::uint64_t left = value >> half_bits_;
  std::uint64_t right = value & half_mask_;
  for (const std::uint64_t key : round_keys_) {
    const std::uint64_t next_right = left ^ (mix64(right ^ key) & half_mask_);
    left = right;
    right = next_right;
  }
  return (left << half_bits_) | right;
}

std::uint64_t BlockPermutation::operator()(std::uint64_t index) const {
  std::uint64_t value = feistel(index);
  while (value >= block_count_) {
    value = feistel(value);
  }
  return value;
}

}  // namespace flashtwin::models
