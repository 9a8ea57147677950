// AddressSampler: where a synthetic stream's next request starts, one implementation per
// AddressPattern (uniform, zipf, hot_set, sequential). Internal to models/.
//
// Units are blocks of the workload's alignment_bytes. Contract of first_block: for a length of
// 1 <= length_blocks <= block_count blocks, returns b with b + length_blocks <= block_count. Random
// patterns draw a block from their distribution and, if the request would run past the end of the
// disk, move it back to end exactly at the end. Sequential continues where the previous request
// ended and wraps to block 0 when the next request would not fit.
//
// Each sampler takes its randomness from the caller's RandomSource. Not thread-safe (sequential
// keeps a cursor).
#pragma once

#include "flashtwin/models/synthetic_workload.hpp"
#include "random_source.hpp"

#include <cstdint>
#include <memory>

namespace flashtwin::models {

class AddressSampler {
 public:
  virtual ~AddressSampler() = default;
  virtual std::uint64_t first_block(std::uint64_t length_blocks, RandomSource& random) = 0;
};

// Requires a valid workload (see validate). `scramble_seed` keys the rank/hot-block permutation.
std::unique_ptr<AddressSampler> make_address_sampler(const SyntheticWorkload& workload,
                                                     std::uint64_t scramble_seed);

// Number of hot blocks of a hot_set workload over `block_count` blocks: round(hot_fraction * n).
std::uint64_t hot_block_count(double hot_fraction, std::uint64_t block_count);

}  // namespace flashtwin::models
