// BlockMap<V>: a flat hash map from a block's 64-bit key to a small value, for the simulator's
// per-block bookkeeping (the array's versions, the oracle's state) — millions of blocks. Open
// addressing with linear probing in one array of {key, value} (no node per entry, no flag: an
// empty slot holds kEmptyKey), doubling past three-quarters load (never shrinking), so an entry
// costs between 1.33 and 2.67 times sizeof(key, value) at the table's largest. Erasing shifts the
// entries after it back (no tombstones). Iteration follows the table, which depends only on the
// keys inserted and erased and their order: deterministic.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace flashtwin::sim {

// The key of block `block` of virtual disk `disk` (disks below 2^20, blocks below 2^44).
constexpr std::uint64_t disk_block_key(std::uint32_t disk, std::uint64_t block) {
  return (std::uint64_t{disk} << 44) | block;
}

// The one key a BlockMap cannot hold (the last block of disk 2^20 - 1): it marks empty slots.
inline constexpr std::uint64_t kEmptyKey = ~std::uint64_t{0};

template <class V>
class BlockMap {
 public:
  BlockMap() : slots_(16) {}

  // The value of `key`, or nullptr.
  const V* find(std::uint64_t key) const {
    if (key == kEmptyKey) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.key == kEmptyKey) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  V* find(std::uint64_t key) {
    return const_cast<V*>(static_cast<const BlockMap&>(*this).find(key));
  }

  // The value of `key`, inserted value-initialised if absent. Throws std::out_of_range for
  // kEmptyKey.
  V& operator[](std::uint64_t key) {
    if (key == kEmptyKey) throw std::out_of_range("BlockMap: the key of disk 2^20-1's last block");
    if (4 * (size_ + 1) > 3 * slots_.size()) grow();
    std::size_t i = home(key);
    for (; slots_[i].key != kEmptyKey; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return slots_[i].value;
    }
    slots_[i] = Slot{key, V{}};
    ++size_;
    return slots_[i].value;
  }

  // Removes `key`; returns false if it was absent.
  bool erase(std::uint64_t key) {
    if (key == kEmptyKey) return false;
    std::size_t i = home(key);
    for (; slots_[i].key != key; i = (i + 1) & mask()) {
      if (slots_[i].key == kEmptyKey) return false;
    }
    // Backward shift: move later entries of the run into the hole when their home allows it.
    for (std::size_t j = (i + 1) & mask(); slots_[j].key != kEmptyKey; j = (j + 1) & mask()) {
      const std::size_t h = home(slots_[j].key);
      // j's entry may move to i if i lies cyclically in [h, j).
      if (((j - h) & mask()) >= ((j - i) & mask())) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{};
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }
  // What the table takes (its slots; the object itself aside).
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Slot& s : slots_) {
      if (s.key != kEmptyKey) visit(s.key, s.value);
    }
  }

 private:
  struct Slot {
    std::uint64_t key = kEmptyKey;
    V value{};
  };
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t home(std::uint64_t key) const {
    std::uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h ^ (h >> 32)) & mask();
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.key == kEmptyKey) continue;
      std::size_t i = home(s.key);
      while (slots_[i].key != kEmptyKey)
        i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::sim
