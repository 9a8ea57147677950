// BlockIndex: which cache slot holds a block, and the state of every slot.
//
// Memory is what architects pay for when they simulate terabytes of flash, so the index keeps
// per slot only the block's key (8 bytes) and a state byte, plus an open-addressing table of slot
// numbers (4 bytes per entry at a load of at most 0.75; the key is read back from the slot array).
// Linear probing with backward-shift deletion: no tombstones, lookups stay short under churn.
//
// Memory follows what the cache holds, not its capacity:
//   - the per-slot arrays are sized for the capacity but lazily zeroed (ZeroedArray), and slots
//     are handed out from 0 upwards (recycled through the free list before a new one is taken),
//     so only the pages of slots [0, touched()) are ever committed;
//   - the table starts at kInitialBuckets and doubles (a rehash) whenever an insert would take its
//     load above 0.75, up to the size the whole capacity needs at that load; it never shrinks.
// The layout is a function of the sequence of calls alone (a fixed hash, rehashes at fixed loads,
// slots reinserted in slot order): same calls, same layout, same results.
// memory_bytes() reports the committed pages of the slot arrays and the whole table.
#pragma once

#include "block_key.hpp"
#include "flashtwin/engine/types.hpp"
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

  static constexpr std::size_t kInitialBuckets = 1024;

  std::uint32_t capacity() const { return static_cast<std::uint32_t>(slot_keys_.size()); }
  // Slots holding a block (any state but free).
  std::uint32_t used() const { return used_; }
  // Slots [0, touched()) have been used at some time; no slot above was ever read or written.
  std::uint32_t touched() const { return fresh_; }
  // Buckets of the hash table now (grows with used()).
  std::size_t buckets() const { return table_.size(); }

  // The slot holding `key`, or kNoSlot.
  SlotId find(std::uint64_t key) const;

  // Takes a slot off the free list for `key` (which must not be indexed) in state `state`.
  // Returns kNoSlot when no slot is free.
  SlotId allocate(std::uint64_t key, SlotState state);
  // Puts an evicted or invalidated slot's block out of the index; the slot becomes free.
  void release(SlotId slot);
  // Re-labels a slot (evicted victim) for a new key without passing through the free list.
  void reassign(SlotId slot, std::uint64_t key, SlotState state);

  // Slots in state clean: the only ones eviction may take, so with none the engine need not ask.
  std::uint32_t clean() const { return clean_; }

  SlotState state(SlotId slot) const { return states_[slot]; }
  void set_state(SlotId slot, SlotState state) {
    if (states_[slot] == SlotState::clean) --clean_;
    if (state == SlotState::clean) ++clean_;
    states_[slot] = state;
  }
  std::uint64_t key_of(SlotId slot) const { return slot_keys_[slot]; }
  const std::uint64_t* slot_keys() const { return slot_keys_.data(); }

  std::size_t memory_bytes() const;
  // Every used slot is found by its key, every table entry names a used slot, the free list holds
  // exactly the free slots. Empty string when all hold.
  std::string check_invariants() const;

 private:
  std::uint64_t home(std::uint64_t key) const { return reduce_hash(mix_key(key), table_.size()); }
  std::uint64_t next(std::uint64_t i) const { return i + 1 == table_.size() ? 0 : i + 1; }
  void table_insert(std::uint64_t key, SlotId slot);
  void table_erase(std::uint64_t key);
  // Doubles the table (at most to max_buckets_) and reinserts every used slot in slot order.
  void grow_table();

  // Zero-initialised lazily (ZeroedArray): memory is committed only as slots are used.
  ZeroedArray<std::uint64_t> slot_keys_;
  ZeroedArray<SlotState> states_;  // SlotState::free is 0
  ZeroedArray<SlotId> table_;      // slot + 1; 0 = empty
  std::size_t max_buckets_ = 0;    // what the whole capacity needs at load 0.75
  std::size_t grow_above_ = 0;     // entries the table may hold before it grows
  // Free slots form a stack linked through their (otherwise unused) slot_keys_ entries, so the free
  // list costs no memory of its own. Slots never used yet are handed out from `fresh_` upwards.
  SlotId free_head_ = kNoSlot;
  SlotId fresh_ = 0;
  std::uint32_t used_ = 0;
  std::uint32_t clean_ = 0;
};

}  // namespace flashtwin::engine
