// BlockIndex: which cache slot holds a block, and the state of every slot.
//
// Memory is what architects pay for when they simulate terabytes of flash, so the index keeps
// per slot only the block's key packed in 6 bytes (a 12-bit disk and a 36-bit block number:
// block_key.hpp's limits) and a 2-bit state, plus open-addressing tables of slot numbers (4 bytes
// per bucket at a load of 0.6 to 0.75; the key is read back from the slot arrays).
// Linear probing with backward-shift deletion: no tombstones, lookups stay short under churn.
//
// Memory follows what the cache holds, not its capacity:
//   - the per-slot arrays are sized for the capacity but lazily zeroed (ZeroedArray), and slots
//     are handed out from 0 upwards (recycled through the free list before a new one is taken),
//     so only the pages of slots [0, touched()) are ever committed;
//   - the table is kShards shards, chosen by the top bits of the key's hash, that start at
//     kInitialBuckets / kShards buckets each and grow by a quarter (a rehash of that shard alone)
//     whenever an insert would take the shard's load above 0.75. Growing by a quarter keeps the
//     table within 4 / 0.6 bytes per block held, and one shard at a time means a rehash never
//     holds a second copy of the whole table (a peak of memory at the worst moment); it never
//     shrinks.
// The layout is a function of the sequence of calls alone (a fixed hash, rehashes at fixed loads,
// entries reinserted in bucket order): same calls, same layout, same results.
// memory_bytes() reports the committed pages of the slot arrays and the whole table.
#pragma once

#include "block_key.hpp"
#include "flashtwin/engine/types.hpp"
#include "two_bit_codes.hpp"
#include "zeroed_array.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace flashtwin::engine {

enum class SlotState : std::uint8_t {
  free,     // on the free list
  filling,  // reserved for a block whose data is on its way to flash; not readable yet
  clean,    // holds the block, identical to the array's copy
  dirty,    // holds a version the array does not have yet
};

class BlockIndex {
 public:
  static constexpr SlotId kNoSlot = 0xFFFFFFFFu;

  explicit BlockIndex(std::uint32_t capacity_slots);

  static constexpr std::size_t kInitialBuckets = 1024;  // over all shards
  static constexpr std::size_t kShards = 64;

  std::uint32_t capacity() const { return static_cast<std::uint32_t>(key_low_.size()); }
  // Slots holding a block (any state but free).
  std::uint32_t used() const { return used_; }
  // Slots [0, touched()) have been used at some time; no slot above was ever read or written.
  std::uint32_t touched() const { return fresh_; }
  // Buckets of the hash table now (grows with used()).
  std::size_t buckets() const;

  // Keys the index can hold: disk below kMaxLocalDisks, block below kMaxBlocksPerDisk.
  static bool storable(std::uint64_t key) {
    return disk_of(key) < kMaxLocalDisks && block_of(key) < kMaxBlocksPerDisk;
  }

  // The slot holding `key`, or kNoSlot.
  SlotId find(std::uint64_t key) const;

  // Hints, for callers that know the keys they will look up next (a batch of requests): the
  // memory find(key) reads is loaded ahead, in two steps some requests apart: the key's home
  // bucket, then (once that is in the cache) the key of the slot it names. They change nothing.
  void prefetch_bucket(std::uint64_t key) const;
  void prefetch_slot(std::uint64_t key) const;

  // Takes a slot off the free list for `key` (which must not be indexed) in state `state`.
  // Returns kNoSlot when no slot is free; throws std::out_of_range if the key is not storable.
  SlotId allocate(std::uint64_t key, SlotState state);
  // Rebuilding after a power loss: `key` (not indexed) in `slot` (at least touched()), in state
  // `state`; the slots between touched() and `slot` become free. Slots are adopted in increasing
  // order before any allocate. Throws std::out_of_range if the key is not storable, and
  // std::invalid_argument for a slot below touched() or beyond the capacity.
  void adopt(SlotId slot, std::uint64_t key, SlotState state);
  // Puts an evicted or invalidated slot's block out of the index; the slot becomes free.
  void release(SlotId slot);
  // Re-labels a slot (evicted victim) for a new key without passing through the free list;
  // throws std::out_of_range if the key is not storable.
  void reassign(SlotId slot, std::uint64_t key, SlotState state);

  // Slots in state clean: the only ones eviction may take, so with none the engine need not ask.
  std::uint32_t clean() const { return clean_; }

  SlotState state(SlotId slot) const { return static_cast<SlotState>(states_.get(slot)); }
  void set_state(SlotId slot, SlotState state) {
    if (this->state(slot) == SlotState::clean) --clean_;
    if (state == SlotState::clean) ++clean_;
    states_.set(slot, static_cast<std::uint8_t>(state));
  }
  std::uint64_t key_of(SlotId slot) const {
    const std::uint64_t packed = stored(slot);
    return block_key(static_cast<LocalDisk>(packed >> kStoredBlockBits),
                     packed & (kMaxBlocksPerDisk - 1));
  }

  std::size_t memory_bytes() const;
  // Every used slot is found by its key, every table entry names a used slot, the free list holds
  // exactly the free slots. Empty string when all hold.
  std::string check_invariants() const;

 private:
  // A key as the slot arrays hold it (and the tables hash it): 48 bits, the disk above the block.
  static std::uint64_t pack(std::uint64_t key) {
    return (std::uint64_t{disk_of(key)} << kStoredBlockBits) | block_of(key);
  }
  std::uint64_t stored(SlotId slot) const {
    return (std::uint64_t{key_high_[slot]} << 32) | key_low_[slot];
  }
  void store(SlotId slot, std::uint64_t packed) {
    key_low_[slot] = static_cast<std::uint32_t>(packed);
    key_high_[slot] = static_cast<std::uint16_t>(packed >> 32);
  }

  // One of kShards open-addressing tables, chosen by the top bits of the key's hash.
  struct Shard {
    ZeroedArray<SlotId> buckets;  // slot + 1; 0 = empty
    std::size_t grow_above = 0;   // entries it may hold before it grows
    std::uint32_t entries = 0;
  };
  Shard& shard_of(std::uint64_t hash);
  const Shard& shard_of(std::uint64_t hash) const;
  static std::uint64_t home(const Shard& shard, std::uint64_t hash);
  static std::uint64_t next(const Shard& shard, std::uint64_t i) {
    return i + 1 == shard.buckets.size() ? 0 : i + 1;
  }
  // Adds the entry of `key`, growing its shard first if it is at its load limit.
  void table_insert(std::uint64_t key, SlotId slot);
  void table_erase(std::uint64_t key);
  // Puts `slot` in the first empty bucket from i on.
  static void place(Shard& shard, std::uint64_t i, SlotId slot);
  // Makes the shard a quarter bigger and reinserts its entries in bucket order.
  void grow(Shard& shard);

  // Zero-initialised lazily (ZeroedArray): memory is committed only as slots are used.
  ZeroedArray<std::uint32_t> key_low_;   // the packed key's low 32 bits (or the free-list link)
  ZeroedArray<std::uint16_t> key_high_;  // its high 16 bits
  TwoBitCodes states_;                   // a SlotState each; SlotState::free is 0
  std::vector<Shard> shards_;
  // Free slots form a stack linked through their (otherwise unused) key_low_ entries, so the free
  // list costs no memory of its own. Slots never used yet are handed out from `fresh_` upwards.
  SlotId free_head_ = kNoSlot;
  SlotId fresh_ = 0;
  std::uint32_t used_ = 0;
  std::uint32_t clean_ = 0;
};

}  // namespace flashtwin::engine
