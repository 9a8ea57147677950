// BlockMap<V>: a flat hash map from a block's 64-bit key to a small value, for the simulator's
// per-block bookkeeping (the array's versions, the oracle's state) — millions of blocks. Open
// addressing with linear probing in arrays of {key, value} (no node per entry, no flag: an empty
// slot holds kEmptyKey; the key is stored as two 32-bit halves, so a 4-byte value makes a 12-byte
// entry). The table is kShards shards, chosen by the top bits of the key's hash;
// a shard grows by a quarter whenever an insert would take its load above 0.8, so an entry costs
// 1.25 to 1.56 times sizeof(key, value), and a growth rehashes one shard: the map never holds a
// second copy of itself (a run's peak memory is often reached while its maps grow). It never
// shrinks. Erasing shifts the entries after it back (no tombstones). Iteration goes shard by
// shard, slot by slot, which depends only on the keys inserted and erased and their order:
// deterministic.
#pragma once

#include <algorithm>
#include <cstddef>
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
  static constexpr std::size_t kShards = 64;

  BlockMap() : shards_(kShards) {
    for (Shard& shard : shards_)
      shard.slots.resize(kInitialShardSlots);
  }

  // The value of `key`, or nullptr.
  const V* find(std::uint64_t key) const {
    if (key == kEmptyKey) return nullptr;
    const std::uint64_t hash = mix(key);
    const Shard& shard = shard_of(hash);
    for (std::size_t i = shard.home(hash);; i = shard.next(i)) {
      const Slot& s = shard.slots[i];
      if (s.key() == kEmptyKey) return nullptr;
      if (s.key() == key) return &s.value;
    }
  }
  V* find(std::uint64_t key) {
    return const_cast<V*>(static_cast<const BlockMap&>(*this).find(key));
  }

  // The value of `key`, inserted value-initialised if absent. Throws std::out_of_range for
  // kEmptyKey.
  V& operator[](std::uint64_t key) {
    if (key == kEmptyKey) throw std::out_of_range("BlockMap: the key of disk 2^20-1's last block");
    const std::uint64_t hash = mix(key);
    Shard& shard = shard_of(hash);
    std::size_t i = shard.home(hash);
    for (; shard.slots[i].key() != kEmptyKey; i = shard.next(i)) {
      if (shard.slots[i].key() == key) return shard.slots[i].value;
    }
    if (5 * (shard.size + 1) > 4 * shard.slots.size()) {
      grow(shard);
      for (i = shard.home(hash); shard.slots[i].key() != kEmptyKey; i = shard.next(i)) {
      }
    }
    shard.slots[i] = Slot{key, V{}};
    ++shard.size;
    ++size_;
    return shard.slots[i].value;
  }

  // Removes `key`; returns false if it was absent.
  bool erase(std::uint64_t key) {
    if (key == kEmptyKey) return false;
    const std::uint64_t hash = mix(key);
    Shard& shard = shard_of(hash);
    std::size_t i = shard.home(hash);
    for (; shard.slots[i].key() != key; i = shard.next(i)) {
      if (shard.slots[i].key() == kEmptyKey) return false;
    }
    // Backward shift: move later entries of the run into the hole when their home allows it.
    for (std::size_t j = shard.next(i); shard.slots[j].key() != kEmptyKey; j = shard.next(j)) {
      const std::size_t h = shard.home(mix(shard.slots[j].key()));
      // j's entry may move to i if i lies cyclically in [h, j).
      if (shard.distance(h, j) >= shard.distance(i, j)) {
        shard.slots[i] = shard.slots[j];
        i = j;
      }
    }
    shard.slots[i] = Slot{};
    --shard.size;
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }
  // What the table takes (its slots; the object itself aside).
  std::size_t memory_bytes() const {
    std::size_t bytes = 0;
    for (const Shard& shard : shards_)
      bytes += shard.slots.capacity() * sizeof(Slot);
    return bytes;
  }

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Shard& shard : shards_) {
      for (const Slot& s : shard.slots) {
        if (s.key() != kEmptyKey) visit(s.key(), s.value);
      }
    }
  }

 private:
  static constexpr int kShardBits = 6;
  static_assert(kShards == std::size_t{1} << kShardBits);
  static constexpr std::size_t kInitialShardSlots = 4;

  // The key in two halves, so that a 4-byte value makes a 12-byte slot (a 64-bit key would
  // align the slot to 16).
  struct Slot {
    std::uint32_t key_low = 0xFFFFFFFFu;  // kEmptyKey
    std::uint32_t key_high = 0xFFFFFFFFu;
    V value{};

    Slot() = default;
    Slot(std::uint64_t key, V v)
        : key_low(static_cast<std::uint32_t>(key)),
          key_high(static_cast<std::uint32_t>(key >> 32)),
          value(v) {}
    std::uint64_t key() const { return (std::uint64_t{key_high} << 32) | key_low; }
  };
  struct Shard {
    std::vector<Slot> slots;
    std::size_t size = 0;

    // Lemire's multiply-shift of the hash bits below the shard's onto [0, slots).
    std::size_t home(std::uint64_t hash) const {
      __extension__ using Uint128 = unsigned __int128;  // GCC and Clang; deliberate
      return static_cast<std::size_t>((static_cast<Uint128>(hash << kShardBits) * slots.size()) >>
                                      64);
    }
    std::size_t next(std::size_t i) const { return i + 1 == slots.size() ? 0 : i + 1; }
    // Steps from a forwards to b, cyclically.
    std::size_t distance(std::size_t a, std::size_t b) const {
      return b >= a ? b - a : b + slots.size() - a;
    }
  };

  static std::uint64_t mix(std::uint64_t key) {
    const std::uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 32);
  }
  Shard& shard_of(std::uint64_t hash) { return shards_[hash >> (64 - kShardBits)]; }
  const Shard& shard_of(std::uint64_t hash) const { return shards_[hash >> (64 - kShardBits)]; }

  // A quarter bigger (at least 8 slots), the shard's entries reinserted in slot order. The
  // vector is sized exactly (no spare capacity).
  static void grow(Shard& shard) {
    const std::size_t bigger =
        shard.slots.size() + std::max<std::size_t>(shard.slots.size() / 4, 8);
    std::vector<Slot> old(bigger);
    old.swap(shard.slots);
    for (const Slot& s : old) {
      if (s.key() == kEmptyKey) continue;
      std::size_t i = shard.home(mix(s.key()));
      while (shard.slots[i].key() != kEmptyKey)
        i = shard.next(i);
      shard.slots[i] = s;
    }
  }

  std::vector<Shard> shards_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::sim
