// BlockPermutation: a seeded bijection of block numbers [0, n) onto themselves, used to scatter
// popularity ranks (zipf) and hot blocks (hot_set) over the whole disk instead of its start.
//
// Construction: a 4-round balanced Feistel network over the smallest domain [0, 4^h) that holds n
// (a bijection for any round function), restricted to [0, n) by cycle-walking: re-apply until the
// value falls inside. Cycle-walking a bijection keeps it a bijection on the subset. Since 4^h < 4n,
// a call costs 4 Feistel passes or fewer on average. No memory beyond the keys; O(1) setup.
//
// Immutable after construction; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>

namespace flashtwin::models {

class BlockPermutation {
 public:
  // Requires 0 < block_count <= 2^62 (throws std::invalid_argument otherwise).
  BlockPermutation(std::uint64_t block_count, std::uint64_t seed);

  // The block that `index` maps to; requires index < block_count(). Distinct indexes give distinct
  // blocks.
  std::uint64_t operator()(std::uint64_t index) const;
  std::uint64_t block_count() const { return block_count_; }

 private:
  std::uint64_t feistel(std::uint64_t value) const;

  std::uint64_t block_count_;
  unsigned half_bits_;       // h: the domain is [0, 2^(2h))
  std::uint64_t half_mask_;  // 2^h - 1
  std::array<std::uint64_t, 4> round_keys_{};
};

}  // namespace flashtwin::models
