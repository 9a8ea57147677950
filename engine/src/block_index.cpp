#include "block_index.hpp"

#include <algorithm>

namespace flashtwin::engine {

namespace {

constexpr double kMaxLoad = 0.75;

// Entries a table of `buckets` may hold: load at most kMaxLoad, and one bucket always empty so
// that probes end. A table at its maximum size never grows (it holds the whole capacity).
std::size_t grow_limit(std::size_t buckets, std::size_t max_buckets) {
  if (buckets >= max_buckets) return ~std::size_t{0};
  return static_cast<std::size_t>(static_cast<double>(buckets) * kMaxLoad);
}

}  // namespace

BlockIndex::BlockIndex(std::uint32_t capacity_slots)
    : slot_keys_(capacity_slots),
      states_(capacity_slots),
      max_buckets_(static_cast<std::size_t>(capacity_slots / kMaxLoad) + 2) {
  table_ = ZeroedArray<SlotId>(std::min(kInitialBuckets, max_buckets_));
  grow_above_ = grow_limit(table_.size(), max_buckets_);
}

SlotId BlockIndex::find(std::uint64_t key) const {
  for (std::uint64_t i = home(key);; i = next(i)) {
    const SlotId entry = table_[i];
    if (entry == 0) return kNoSlot;
    if (slot_keys_[entry - 1] == key) return entry - 1;
  }
}

SlotId BlockIndex::allocate(std::uint64_t key, SlotState state) {
  SlotId slot;
  if (free_head_ != kNoSlot) {
    slot = free_head_;
    free_head_ = static_cast<SlotId>(slot_keys_[slot]);
  } else if (fresh_ < capacity()) {
    slot = fresh_++;
  } else {
    return kNoSlot;
  }
  if (used_ + std::size_t{1} > grow_above_) grow_table();  // the new slot is still free
  slot_keys_[slot] = key;
  states_[slot] = SlotState::free;
  set_state(slot, state);
  table_insert(key, slot);
  ++used_;
  return slot;
}

void BlockIndex::release(SlotId slot) {
  table_erase(slot_keys_[slot]);
  set_state(slot, SlotState::free);
  slot_keys_[slot] = free_head_;
  free_head_ = slot;
  --used_;
}

void BlockIndex::reassign(SlotId slot, std::uint64_t key, SlotState state) {
  table_erase(slot_keys_[slot]);
  slot_keys_[slot] = key;
  set_state(slot, state);
  table_insert(key, slot);
}

void BlockIndex::table_insert(std::uint64_t key, SlotId slot) {
  std::uint64_t i = home(key);
  while (table_[i] != 0)
    i = next(i);
  table_[i] = slot + 1;
}

void BlockIndex::grow_table() {
  table_ = ZeroedArray<SlotId>(std::min(table_.size() * 2, max_buckets_));
  grow_above_ = grow_limit(table_.size(), max_buckets_);
  for (SlotId s = 0; s < fresh_; ++s) {
    if (states_[s] != SlotState::free) table_insert(slot_keys_[s], s);
  }
}

void BlockIndex::table_erase(std::uint64_t key) {
  std::uint64_t hole = home(key);
  while (slot_keys_[table_[hole] - 1] != key)
    hole = next(hole);
  // Backward shift: move later entries of the probe run into the hole when their home position
  // does not lie cyclically in (hole, j].
  for (std::uint64_t j = next(hole);; j = next(j)) {
    const SlotId entry = table_[j];
    if (entry == 0) break;
    const SlotId slot = entry - 1;
    std::uint64_t h = home(slot_keys_[slot]);
    bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    table_[hole] = entry;
    hole = j;
  }
  table_[hole] = 0;
}

std::size_t BlockIndex::memory_bytes() const {
  return slot_keys_.committed_bytes(fresh_) + states_.committed_bytes(fresh_) +
         table_.memory_bytes();
}

std::string BlockIndex::check_invariants() const {
  std::uint32_t in_use = 0, clean = 0;
  for (SlotId s = 0; s < fresh_; ++s) {
    if (states_[s] == SlotState::free) continue;
    ++in_use;
    if (states_[s] == SlotState::clean) ++clean;
    if (find(slot_keys_[s]) != s) return "index: slot " + std::to_string(s) + " not found by key";
  }
  if (in_use != used_)
    return "index: used count " + std::to_string(used_) + " but " + std::to_string(in_use) +
           " slots in use";
  if (clean != clean_)
    return "index: clean count " + std::to_string(clean_) + " but " + std::to_string(clean) +
           " clean slots";
  std::uint32_t entries = 0;
  for (const SlotId entry : table_) {
    if (entry == 0) continue;
    const SlotId slot = entry - 1;
    ++entries;
    if (slot >= fresh_ || states_[slot] == SlotState::free)
      return "index: table names free slot " + std::to_string(slot);
  }
  if (entries != used_) return "index: table has " + std::to_string(entries) + " entries";
  if (used_ > grow_above_ || table_.size() > max_buckets_)
    return "index: table of " + std::to_string(table_.size()) + " buckets holds " +
           std::to_string(used_) + " entries";
  std::uint32_t free_count = 0;
  for (SlotId s = free_head_; s != kNoSlot; s = static_cast<SlotId>(slot_keys_[s])) {
    if (states_[s] != SlotState::free) return "index: free list holds used slot";
    if (++free_count > capacity()) return "index: free list has a cycle";
  }
  if (free_count + used_ != fresh_) return "index: free list length mismatch";
  return {};
}

}  // namespace flashtwin::engine
