// TwoBitCodes: a fixed-size array of 2-bit codes (0..3), 32 to a 64-bit word, for per-slot states
// and list tags that would otherwise take a byte each (a quarter of the memory: 0.25 byte a slot).
// Every code starts at 0 and the words come from a ZeroedArray, so pages are committed only as
// codes are touched; committed_bytes(n) is what codes [0, n) cost. Not thread-safe.
#pragma once

#include "zeroed_array.hpp"

#include <cstddef>
#include <cstdint>

namespace flashtwin::engine {

class TwoBitCodes {
 public:
  TwoBitCodes() = default;
  explicit TwoBitCodes(std::size_t size) : words_((size + kPerWord - 1) / kPerWord), size_(size) {}

  std::size_t size() const { return size_; }
  // Requires i < size().
  std::uint8_t get(std::size_t i) const {
    return static_cast<std::uint8_t>((words_[i / kPerWord] >> shift(i)) & kMask);
  }
  // Requires i < size() and code <= 3.
  void set(std::size_t i, std::uint8_t code) {
    std::uint64_t& word = words_[i / kPerWord];
    word = (word & ~(kMask << shift(i))) | (std::uint64_t{code} << shift(i));
  }
  // Bytes committed when only codes [0, touched) were ever read or written.
  std::size_t committed_bytes(std::size_t touched) const {
    return words_.committed_bytes((touched + kPerWord - 1) / kPerWord);
  }

 private:
  static constexpr std::size_t kPerWord = 32;
  static constexpr std::uint64_t kMask = 3;
  static unsigned shift(std::size_t i) { return static_cast<unsigned>(2 * (i % kPerWord)); }

  ZeroedArray<std::uint64_t> words_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::engine
