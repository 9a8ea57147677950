// Intrusive doubly-linked lists of slots, the recency queues of the eviction policies.
//
// SlotLinks owns one prev/next pair of uint32 arrays indexed by slot (8 bytes per slot). Several
// SlotLists may share one SlotLinks as long as a slot is in at most one of them at a time (ARC's T1
// and T2, 2Q's A1in and Am). A SlotList holds only its head, tail and size; it points at its
// SlotLinks, which must outlive it and must not move (policies hold both as members and are neither
// copied nor moved).
//
// Order: the head is the most recently used end (MRU), the tail the least recently used (LRU).
// next(s) walks towards the tail (older), prev(s) towards the head (newer); kNoSlot ends a walk.
//
// Invariants (checked by SlotList::check): following next from the head visits exactly size()
// slots, each one's prev is the slot visited before it, and the last one is the tail. A slot that
// is in no list is "unlinked": its prev and next hold kUnlinked, so SlotLinks::linked() is O(1).
//
// push_front, remove, move_to_front, front, back: O(1). Not thread-safe.
//
// Memory: the link arrays are sized for the capacity but lazily zeroed; SlotLinks remembers the
// highest slot ever linked (touched()), so memory_bytes() reports the pages actually committed
// (the engine hands slots out from 0 upwards, so this follows the slots used).
#pragma once

#include "flashtwin/engine/eviction_policy.hpp"
#include "flashtwin/engine/types.hpp"
#include "zeroed_array.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::engine {

inline constexpr SlotId kNoSlot = 0xFFFFFFFFu;           // "no neighbour" / empty list end
inline constexpr SlotId kUnlinked = 0xFFFFFFFEu;         // marks a slot that is in no list
inline constexpr std::uint32_t kMaxSlots = 0xFFFFFFFEu;  // slot ids stay below both markers

class SlotLinks {
 public:
  // Throws std::invalid_argument if capacity_slots > kMaxSlots. All slots start unlinked.
  explicit SlotLinks(std::uint32_t capacity_slots);

  std::uint32_t capacity() const { return static_cast<std::uint32_t>(next_.size()); }
  // Requires slot < capacity().
  bool linked(SlotId slot) const { return prev(slot) != kUnlinked; }
  // Links of a slot: a neighbour, kNoSlot at a list's end, kUnlinked for a slot in no list.
  SlotId prev(SlotId slot) const { return prev_[slot] - kBias; }
  SlotId next(SlotId slot) const { return next_[slot] - kBias; }
  void set_prev(SlotId slot, SlotId value) { prev_[slot] = value + kBias; }
  void set_next(SlotId slot, SlotId value) { next_[slot] = value + kBias; }
  // Throws std::out_of_range naming `operation` if slot >= capacity().
  void require_in_range(SlotId slot, std::string_view operation) const;
  // Slots [0, touched()) may have been linked at some time; none above ever was.
  std::uint32_t touched() const { return touched_; }
  // Records that `slot` is being linked (SlotList::push_front calls it).
  void touch(SlotId slot) {
    if (slot >= touched_) touched_ = slot + 1;
  }
  std::size_t memory_bytes() const;

 private:
  // Stored with a bias of 2 so that zero bytes read as kUnlinked: a fresh ZeroedArray holds
  // unlinked slots and costs memory only where slots get linked.
  static constexpr SlotId kBias = 2;
  ZeroedArray<SlotId> prev_;
  ZeroedArray<SlotId> next_;
  std::uint32_t touched_ = 0;
};

class SlotList {
 public:
  explicit SlotList(SlotLinks& links) : links_(&links) {}

  bool empty() const { return size_ == 0; }
  std::uint32_t size() const { return size_; }
  SlotId front() const { return head_; }  // MRU, kNoSlot when empty
  SlotId back() const { return tail_; }   // LRU, kNoSlot when empty
  // Neighbours of a slot in this list; kNoSlot at the ends.
  SlotId next(SlotId slot) const { return links_->next(slot); }  // older
  SlotId prev(SlotId slot) const { return links_->prev(slot); }  // newer

  // Requires: slot < capacity and unlinked.
  void push_front(SlotId slot);
  // Requires: slot is in this list. Leaves it unlinked.
  void remove(SlotId slot);
  // Requires: slot is in this list.
  void move_to_front(SlotId slot);
  // The least recent slot that is not pinned, or nullopt. Pinned slots passed on the way are moved
  // to the front (a second chance, as CLOCK gives), so dirty blocks waiting for destage are not
  // walked again on every eviction; a walk that finds nothing leaves the order as it was.
  std::optional<SlotId> oldest_unpinned(const SlotPins& pins);

  // Walks the list from head to tail, checking the invariants above and calling visit(slot) for
  // every slot; visit returns "" or a description of a problem, which stops the walk. Returns "" if
  // all hold, else a message starting with `name`. O(size).
  std::string check(std::string_view name, const std::function<std::string(SlotId)>& visit) const;

 private:
  // push_front without recording the slot as touched.
  void link_front(SlotId slot);

  SlotLinks* links_;
  SlotId head_ = kNoSlot;
  SlotId tail_ = kNoSlot;
  std::uint32_t size_ = 0;
};

}  // namespace flashtwin::engine
