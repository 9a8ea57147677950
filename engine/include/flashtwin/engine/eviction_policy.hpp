// Eviction: which cached block leaves the flash when a new one needs a slot.
//
// One policy instance per host engine; it owns its bookkeeping (lists, ghost entries, targets) and
// nothing else. The engine owns the slots: a slot is a block-sized place on flash, numbered
// [0, capacity). A cached block is named by a 64-bit key (the engine packs disk and block number
// into it); the policy may remember keys of evicted blocks (ARC's and 2Q's ghosts) but never
// touches data.
//
// Call protocol (the engine's side):
//   - on_insert(slot, key)  a block was admitted into a free slot (after a miss or a write).
//   - on_hit(slot)          a cached block was read or written.
//   - on_remove(slot)       the block left the cache for a reason other than eviction (invalidated
//   by
//                           a write-around write, discarded); no ghost is kept for it.
//   - evict(incoming, pins) the cache is full and `incoming` (a key not cached) wants a slot: the
//                           policy picks a slot whose block is not pinned, forgets it (recording a
//                           ghost if its algorithm does) and returns it; std::nullopt when every
//                           candidate is pinned. The engine then reuses the slot for `incoming` and
//                           calls on_insert(slot, incoming).
// A slot is in the policy between on_insert and on_remove/evict. Pinned blocks (dirty, or with I/O
// in flight) are never returned by evict: dirty data is never evicted before it is destaged.
//
// Not thread-safe; the engine is single-threaded by design.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::engine {

// Tells a policy which slots must not be evicted now.
class SlotPins {
 public:
  virtual bool pinned(SlotId slot) const = 0;

 protected:
  ~SlotPins() = default;
};

class EvictionPolicy {
 public:
  virtual ~EvictionPolicy() = default;

  virtual std::string_view name() const = 0;

  virtual void on_insert(SlotId slot, std::uint64_t key) = 0;
  virtual void on_hit(SlotId slot) = 0;
  virtual void on_remove(SlotId slot) = 0;
  virtual std::optional<SlotId> evict(std::uint64_t incoming, const SlotPins& pins) = 0;

  // Number of slots the policy currently tracks (== cached blocks).
  virtual std::uint32_t size() const = 0;

  // Checks every internal invariant (list links, sizes, targets, ghost bounds). Returns an empty
  // string when all hold, otherwise a description of the first broken one. O(capacity); for tests.
  virtual std::string check_invariants() const = 0;

  // Bytes of memory the policy holds (for the bytes-per-block report).
  virtual std::size_t memory_bytes() const = 0;
};

// Reads the key of the block in a slot while it is cached (the engine stores keys packed, so a
// policy asks rather than indexing an array). What it reads from outlives the policy.
using SlotKeyReader = std::function<std::uint64_t(SlotId)>;

// What a policy is built with. `key_of(s)` is the key of the block in slot s while it is cached.
struct PolicyContext {
  std::uint32_t capacity_slots = 0;
  SlotKeyReader key_of;
};

using EvictionPolicyFactory = std::function<std::unique_ptr<EvictionPolicy>(const PolicyContext&)>;

// Builds a policy by name ("lru", "arc", "2q"). Throws std::invalid_argument naming the known
// policies when `name` is not one of them.
std::unique_ptr<EvictionPolicy> make_eviction_policy(std::string_view name,
                                                     const PolicyContext& context);

// The registered names, in registration order.
std::vector<std::string> eviction_policy_names();

}  // namespace flashtwin::engine
