// 2Q eviction, the full version of Johnson & Shasha, "2Q: A Low Overhead High Performance Buffer
// Management Replacement Algorithm" (VLDB 1994). c = capacity.
//   A1in   FIFO of blocks seen once recently; target size Kin = c / 4.
//   A1out  ghost FIFO of the keys of blocks evicted from A1in; at most Kout = c / 2 keys.
//   Am     LRU of blocks seen again after leaving A1in (hot blocks).
// Access x: in Am -> move to Am's MRU end; in A1in -> nothing; in A1out -> reclaim a slot, x goes
// to Am and leaves A1out; else -> reclaim a slot, x goes to A1in.
// Reclaim (evict): if |A1in| > Kin, A1in's oldest block leaves and its key enters A1out (dropping
// A1out's oldest key beyond Kout); else Am's LRU block leaves, with no ghost.
//
// Mapping onto the EvictionPolicy protocol:
//   - on_hit: the access cases for A1in and Am.
//   - evict(x): reclaim, with pins: the oldest unpinned block of the queue the rule picks, else of
//     the other queue; a block taken from A1in leaves a ghost, one from Am does not. As in the
//     paper, whether x is in A1out is decided before the reclaim (which may push x itself out of
//     A1out); x then leaves A1out and evict remembers that x goes to Am. All-or-nothing:
//     std::nullopt (every tracked slot pinned) changes nothing.
//   - on_insert(slot, x): to Am if the last evict found x in A1out or x is in A1out now (a free
//     slot was used: no reclaim needed), else to A1in. A1in may exceed Kin while slots are free.
//   - on_remove: the block leaves its queue, no ghost.
//
// Invariants (check_invariants): |A1in|+|Am| <= c, |A1out| <= Kout, every tracked slot in exactly
// one of A1in/Am with a matching tag, no key both cached and a ghost, no key cached twice.
//
// Memory: 8 bytes per slot for A1in/Am links + 1 byte queue tag, plus a GhostTable of c/2 keys
// (17 bytes per key + 4-byte buckets at load <= 3/4).
//
// Requires context.key_of; misuse throws as LruPolicy does. Not thread-safe; neither copyable
// nor movable.
#pragma once

#include "flashtwin/engine/eviction_policy.hpp"
#include "ghost_table.hpp"
#include "segmented_lists.hpp"

#include <vector>

namespace flashtwin::engine {

class TwoQueuePolicy final : public EvictionPolicy {
 public:
  // Throws std::invalid_argument if capacity exceeds kMaxSlots or key_of is empty while
  // capacity > 0.
  explicit TwoQueuePolicy(const PolicyContext& context);
  TwoQueuePolicy(const TwoQueuePolicy&) = delete;
  TwoQueuePolicy& operator=(const TwoQueuePolicy&) = delete;

  std::string_view name() const override { return "2q"; }
  void on_insert(SlotId slot, std::uint64_t key) override;
  void on_hit(SlotId slot) override;
  void on_remove(SlotId slot) override;
  std::optional<SlotId> evict(std::uint64_t incoming, const SlotPins& pins) override;
  std::uint32_t size() const override { return lists_.size(); }
  std::string check_invariants() const override;
  std::size_t memory_bytes() const override;

 private:
  using Queue = SegmentedLists::Segment;
  static constexpr Queue kA1in = Queue::first;
  static constexpr Queue kAm = Queue::second;
  static constexpr GhostListId kA1out = 0;

  SlotKeyReader key_of_;
  std::uint32_t capacity_;
  std::uint32_t a1in_target_;  // Kin
  std::uint32_t a1out_limit_;  // Kout
  SegmentedLists lists_;       // A1in (first) and Am (second)
  GhostTable a1out_;
  // Key the last evict found in A1out: on_insert puts it in Am.
  std::optional<std::uint64_t> promoted_key_;
};

}  // namespace flashtwin::engine
