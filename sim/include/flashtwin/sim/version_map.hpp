// VersionMap: a version (or array label) per block key, for the oracle's acknowledged versions and
// the array's labels — the simulator's largest per-block maps after the engines'. A version below
// 2^32 - 1 is kept in a 12-byte BlockMap entry; a larger one (a run past four billion writes, or
// an array's mixed label, which has its top bit set) is kept whole in a side map beside a marker,
// so a run pays 16 more bytes only for the blocks whose value needs them. An absent key reads 0.
// Iteration (for_each) follows the 12-byte map: deterministic. Not thread-safe.
#pragma once

#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/block_map.hpp"

#include <cstddef>
#include <cstdint>

namespace flashtwin::sim {

class VersionMap {
 public:
  bool contains(std::uint64_t key) const { return narrow_.find(key) != nullptr; }
  // The value of `key`, 0 if absent.
  engine::Version get(std::uint64_t key) const {
    const std::uint32_t* narrow = narrow_.find(key);
    if (narrow == nullptr) return 0;
    return *narrow == kWide ? *wide_.find(key) : *narrow;
  }
  // Inserts or replaces. Throws std::out_of_range for kEmptyKey (as BlockMap does).
  void set(std::uint64_t key, engine::Version value) {
    std::uint32_t& narrow = narrow_[key];
    if (value < kWide) {
      if (narrow == kWide) wide_.erase(key);
      narrow = static_cast<std::uint32_t>(value);
    } else {
      narrow = kWide;
      wide_[key] = value;
    }
  }
  std::size_t size() const { return narrow_.size(); }
  std::size_t memory_bytes() const { return narrow_.memory_bytes() + wide_.memory_bytes(); }

  template <class Visit>
  void for_each(Visit&& visit) const {
    narrow_.for_each([&](std::uint64_t key, std::uint32_t narrow) {
      visit(key, narrow == kWide ? *wide_.find(key) : engine::Version{narrow});
    });
  }

 private:
  static constexpr std::uint32_t kWide = 0xFFFFFFFFu;  // the value is in wide_
  BlockMap<std::uint32_t> narrow_;
  BlockMap<engine::Version> wide_;
};

}  // namespace flashtwin::sim
