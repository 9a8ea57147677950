#include "block_index.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

namespace {

constexpr double kMaxLoad = 0.75;
constexpr const char* kUnstorable = "index: a key beyond disk 4095 or block 2^36 - 1";
constexpr int kShardBits = 6;
static_assert(BlockIndex::kShards == std::size_t{1} << kShardBits);

// Entries a shard of `buckets` may hold: load at most kMaxLoad, so one bucket is always empty and
// probes end.
std::size_t grow_limit(std::size_t buckets) {
  return static_cast<std::size_t>(static_cast<double>(buckets) * kMaxLoad);
}

// A shard grows by a quarter (at least 16 buckets): between growths its load stays in
// [0.6, 0.75], so a bucket costs at most 4 / 0.6 bytes per block held.
std::size_t grown(std::size_t buckets) {
  return buckets + std::max<std::size_t>(buckets / 4, 16);
}

}  // namespace

BlockIndex::BlockIndex(std::uint32_t capacity_slots)
    : key_low_(capacity_slots),
      key_high_(capacity_slots),
      states_(capacity_slots),
      shards_(kShards) {
  for (Shard& shard : shards_) {
    shard.buckets = ZeroedArray<SlotId>(kInitialBuckets / kShards);
    shard.grow_above = grow_limit(shard.buckets.size());
  }
}

std::size_t BlockIndex::buckets() const {
  std::size_t total = 0;
  for (const Shard& shard : shards_)
    total += shard.buckets.size();
  return total;
}

BlockIndex::Shard& BlockIndex::shard_of(std::uint64_t hash) {
  return shards_[hash >> (64 - kShardBits)];
}
const BlockIndex::Shard& BlockIndex::shard_of(std::uint64_t hash) const {
  return shards_[hash >> (64 - kShardBits)];
}
std::uint64_t BlockIndex::home(const Shard& shard, std::uint64_t hash) {
  return reduce_hash(hash << kShardBits, shard.buckets.size());
}

SlotId BlockIndex::find(std::uint64_t key) const {
  if (!storable(key)) return kNoSlot;
  key = pack(key);
  const std::uint64_t hash = mix_key(key);
  const Shard& shard = shard_of(hash);
  for (std::uint64_t i = home(shard, hash);; i = next(shard, i)) {
    const SlotId entry = shard.buckets[i];
    if (entry == 0) return kNoSlot;
    if (stored(entry - 1) == key) return entry - 1;
  }
}

void BlockIndex::prefetch_bucket(std::uint64_t key) const {
  if (!storable(key)) return;
  const std::uint64_t hash = mix_key(pack(key));
  const Shard& shard = shard_of(hash);
  __builtin_prefetch(&shard.buckets[home(shard, hash)]);
}

void BlockIndex::prefetch_slot(std::uint64_t key) const {
  if (!storable(key)) return;
  const std::uint64_t hash = mix_key(pack(key));
  const Shard& shard = shard_of(hash);
  const SlotId entry = shard.buckets[home(shard, hash)];
  if (entry == 0) return;
  __builtin_prefetch(&key_low_[entry - 1]);
  __builtin_prefetch(&key_high_[entry - 1]);
}

SlotId BlockIndex::allocate(std::uint64_t key, SlotState state) {
  if (!storable(key)) throw std::out_of_range(kUnstorable);
  SlotId slot;
  if (free_head_ != kNoSlot) {
    slot = free_head_;
    free_head_ = key_low_[slot];
  } else if (fresh_ < capacity()) {
    slot = fresh_++;
  } else {
    return kNoSlot;
  }
  key = pack(key);
  store(slot, key);
  states_.set(slot, static_cast<std::uint8_t>(SlotState::free));
  set_state(slot, state);
  table_insert(key, slot);
  ++used_;
  return slot;
}

void BlockIndex::release(SlotId slot) {
  table_erase(stored(slot));
  set_state(slot, SlotState::free);
  store(slot, free_head_);
  free_head_ = slot;
  --used_;
}

void BlockIndex::adopt(SlotId slot, std::uint64_t key, SlotState state) {
  if (!storable(key)) throw std::out_of_range(kUnstorable);
  if (slot < fresh_ || slot >= capacity())
    throw std::invalid_argument("slot " + std::to_string(slot) + " cannot be adopted");
  for (; fresh_ < slot; ++fresh_) {  // the gap: free
    store(fresh_, free_head_);
    free_head_ = fresh_;
  }
  fresh_ = slot + 1;
  key = pack(key);
  store(slot, key);
  states_.set(slot, static_cast<std::uint8_t>(SlotState::free));
  set_state(slot, state);
  table_insert(key, slot);
  ++used_;
}

void BlockIndex::reassign(SlotId slot, std::uint64_t key, SlotState state) {
  if (!storable(key)) throw std::out_of_range(kUnstorable);
  table_erase(stored(slot));
  key = pack(key);
  store(slot, key);
  set_state(slot, state);
  table_insert(key, slot);
}

void BlockIndex::table_insert(std::uint64_t key, SlotId slot) {
  const std::uint64_t hash = mix_key(key);
  Shard& shard = shard_of(hash);
  if (shard.entries + std::size_t{1} > shard.grow_above) grow(shard);
  place(shard, home(shard, hash), slot);
  ++shard.entries;
}

void BlockIndex::place(Shard& shard, std::uint64_t i, SlotId slot) {
  while (shard.buckets[i] != 0)
    i = next(shard, i);
  shard.buckets[i] = slot + 1;
}

void BlockIndex::grow(Shard& shard) {
  ZeroedArray<SlotId> old = std::move(shard.buckets);
  shard.buckets = ZeroedArray<SlotId>(grown(old.size()));
  shard.grow_above = grow_limit(shard.buckets.size());
  // Each entry's key is read from the slot arrays, a cache miss per entry in a large index: the
  // keys a few entries ahead are fetched while this one is placed.
  constexpr std::size_t kAhead = 16;
  for (std::size_t i = 0; i < old.size(); ++i) {
    if (i + kAhead < old.size() && old[i + kAhead] != 0) {
      __builtin_prefetch(&key_low_[old[i + kAhead] - 1]);
      __builtin_prefetch(&key_high_[old[i + kAhead] - 1]);
    }
    const SlotId entry = old[i];
    if (entry != 0) place(shard, home(shard, mix_key(stored(entry - 1))), entry - 1);
  }
}

void BlockIndex::table_erase(std::uint64_t key) {
  const std::uint64_t hash = mix_key(key);
  Shard& shard = shard_of(hash);
  std::uint64_t hole = home(shard, hash);
  while (stored(shard.buckets[hole] - 1) != key)
    hole = next(shard, hole);
  // Backward shift: move later entries of the probe run into the hole when their home position
  // does not lie cyclically in (hole, j].
  for (std::uint64_t j = next(shard, hole);; j = next(shard, j)) {
    const SlotId entry = shard.buckets[j];
    if (entry == 0) break;
    const std::uint64_t h = home(shard, mix_key(stored(entry - 1)));
    const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    shard.buckets[hole] = entry;
    hole = j;
  }
  shard.buckets[hole] = 0;
  --shard.entries;
}

std::size_t BlockIndex::memory_bytes() const {
  std::size_t bytes = key_low_.committed_bytes(fresh_) + key_high_.committed_bytes(fresh_) +
                      states_.committed_bytes(fresh_) + shards_.size() * sizeof(Shard);
  for (const Shard& shard : shards_)
    bytes += shard.buckets.memory_bytes();
  return bytes;
}

std::string BlockIndex::check_invariants() const {
  std::uint32_t in_use = 0, clean = 0;
  for (SlotId s = 0; s < fresh_; ++s) {
    if (state(s) == SlotState::free) continue;
    ++in_use;
    if (state(s) == SlotState::clean) ++clean;
    if (find(key_of(s)) != s) return "index: slot " + std::to_string(s) + " not found by key";
  }
  if (in_use != used_)
    return "index: used count " + std::to_string(used_) + " but " + std::to_string(in_use) +
           " slots in use";
  if (clean != clean_)
    return "index: clean count " + std::to_string(clean_) + " but " + std::to_string(clean) +
           " clean slots";
  std::uint32_t entries = 0;
  for (std::size_t n = 0; n < shards_.size(); ++n) {
    const Shard& shard = shards_[n];
    std::uint32_t in_shard = 0;
    for (const SlotId entry : shard.buckets) {
      if (entry == 0) continue;
      const SlotId slot = entry - 1;
      ++in_shard;
      if (slot >= fresh_ || state(slot) == SlotState::free)
        return "index: table names free slot " + std::to_string(slot);
      if (&shard_of(mix_key(stored(slot))) != &shard)
        return "index: slot " + std::to_string(slot) + " is in the wrong shard";
    }
    if (in_shard != shard.entries || in_shard > shard.grow_above)
      return "index: shard " + std::to_string(n) + " of " + std::to_string(shard.buckets.size()) +
             " buckets holds " + std::to_string(in_shard) + " entries, counted " +
             std::to_string(shard.entries);
    entries += in_shard;
  }
  if (entries != used_) return "index: table has " + std::to_string(entries) + " entries";
  std::uint32_t free_count = 0;
  for (SlotId s = free_head_; s != kNoSlot; s = key_low_[s]) {
    if (state(s) != SlotState::free) return "index: free list holds used slot";
    if (++free_count > capacity()) return "index: free list has a cycle";
  }
  if (free_count + used_ != fresh_) return "index: free list length mismatch";
  return {};
}

}  // namespace flashtwin::engine
