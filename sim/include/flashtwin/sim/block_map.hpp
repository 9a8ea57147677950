// BlockMap<V>: a flat hash map from a block's 64-bit key to a small value, for the simulator's
// per-block bookkeeping (the array's versions, the oracle's state) — millions of blocks, no
// deletion. Open addressing with linear probing in one array (no node per entry), doubling at
// half load. Iteration follows the table, which depends only on the keys inserted and their
// order: deterministic.
#pragma once

#include <cstdint>
#include <vector>

namespace flashtwin::sim {

// The key of block `block` of virtual disk `disk` (disks below 2^20, blocks below 2^44).
constexpr std::uint64_t disk_block_key(std::uint32_t disk, std::uint64_t block) {
  return (std::uint64_t{disk} << 44) | block;
}

template <class V>
class BlockMap {
 public:
  BlockMap() : slots_(16) {}

  // The value of `key`, or nullptr.
  const V* find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  V* find(std::uint64_t key) {
    return const_cast<V*>(static_cast<const BlockMap&>(*this).find(key));
  }

  // The value of `key`, inserted value-initialised if absent.
  V& operator[](std::uint64_t key) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    std::size_t i = home(key);
    for (; slots_[i].used; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return slots_[i].value;
    }
    slots_[i] = Slot{key, V{}, true};
    ++size_;
    return slots_[i].value;
  }

  std::size_t size() const { return size_; }

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Slot& s : slots_) {
      if (s.used) visit(s.key, s.value);
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    V value{};
    bool used = false;
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
      if (!s.used) continue;
      std::size_t i = home(s.key);
      while (slots_[i].used)
        i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::sim
