// ARC eviction: Megiddo & Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache" (FAST 2003),
// Figure 4. c = capacity. T1 holds blocks seen once recently, T2 blocks seen at least twice; B1
// and B2 hold the keys (ghosts) of blocks REPLACE evicted from T1 and T2; p is the target size of
// T1, adapted on ghost hits. p is real-valued as in the paper (stored as a double, adapted by
// exactly the paper's deltas), so runs match a straight transcription of the paper.
//
// Mapping onto the EvictionPolicy protocol:
//   - on_hit: case I (move to the MRU end of T2).
//   - evict(x) is called on a miss when no slot is free. It performs what the paper does before
//     the fetch: case II (x in B1: p += delta1, REPLACE), case III (x in B2: p -= delta2,
//     REPLACE), case IV.A (|T1|+|B1| == c: drop the LRU ghost of B1 then REPLACE, or if B1 is
//     empty drop the LRU page of T1 without a ghost) or case IV.B (drop the LRU ghost of B2 if the
//     directory is full, then REPLACE). On a ghost hit it also takes x out of its ghost list and
//     remembers that x goes to T2 when it is inserted.
//   - evict is all-or-nothing: it first chooses the victim, and returns std::nullopt (every
//     tracked slot pinned) without changing anything, p included; the request then bypasses the
//     cache and x stays a ghost, so its next miss adapts p then.
//   - REPLACE with pins: walks the chosen list (T1 or T2, by the paper's test including "x in B2
//     and |T1| == p") from its LRU end to the first unpinned slot; if that list has none, the
//     other list's oldest unpinned slot. The victim's key moves to the MRU end of B1 or B2.
//   - on_insert(slot, x) after evict: x goes to T2 if evict saw a ghost hit for x, else to T1.
//   - on_insert(slot, x) without evict (a slot is free, e.g. after on_remove): the paper's cases
//     with room in the cache, so no REPLACE: x in B1 -> adapt p as in case II, move to T2; x in B2
//     -> as case III; else case IV: if |T1|+|B1| == c drop the LRU ghost of B1, else if
//     |T1|+|T2|+|B1|+|B2| == 2c drop the LRU ghost of B2 (cannot happen with room in the cache
//     but kept as in the paper); then x goes to T1.
//   - on_remove: the block leaves T1 or T2, no ghost is kept, p is unchanged.
//
// Invariants (check_invariants): |T1|+|T2| <= c, |T1|+|B1| <= c, |T1|+|T2|+|B1|+|B2| <= 2c,
// |B1|+|B2| <= c, 0 <= p <= c, every tracked slot in exactly one of T1/T2 with a matching tag, no
// key both cached and a ghost, no key cached twice. The ghost bound |B1|+|B2| <= c follows from the
// paper's 2c bound while the cache is full; case IV.B tests it directly ("|B1|+|B2| >= c" equals
// the paper's "total == 2c" when |T1|+|T2| == c) so that it also holds if evict is called while a
// slot is still unfilled (e.g. a fill in flight).
//
// Memory: 8 bytes per slot for T1/T2 links + 1 byte list tag, plus a GhostTable of c keys
// (17 bytes per key + 4-byte buckets at load <= 3/4).
//
// Requires context.key_of (keys of victims become ghosts); misuse throws as LruPolicy does.
// Not thread-safe; neither copyable nor movable.
#pragma once

#include "flashtwin/engine/eviction_policy.hpp"
#include "ghost_table.hpp"
#include "segmented_lists.hpp"

#include <vector>

namespace flashtwin::engine {

class ArcPolicy final : public EvictionPolicy {
 public:
  // Throws std::invalid_argument if capacity exceeds kMaxSlots or key_of is empty while
  // capacity > 0.
  explicit ArcPolicy(const PolicyContext& context);
  ArcPolicy(const ArcPolicy&) = delete;
  ArcPolicy& operator=(const ArcPolicy&) = delete;

  std::string_view name() const override { return "arc"; }
  void on_insert(SlotId slot, std::uint64_t key) override;
  void on_hit(SlotId slot) override;
  void on_remove(SlotId slot) override;
  std::optional<SlotId> evict(std::uint64_t incoming, const SlotPins& pins) override;
  std::uint32_t size() const override { return lists_.size(); }
  std::string check_invariants() const override;
  std::size_t memory_bytes() const override;

 private:
  using Queue = SegmentedLists::Segment;
  static constexpr Queue kT1 = Queue::first;
  static constexpr Queue kT2 = Queue::second;
  static constexpr GhostListId kB1 = 0;
  static constexpr GhostListId kB2 = 1;

  struct Victim {
    SlotId slot;
    Queue queue;
  };

  double raised_target() const;   // case II: min(p + delta1, c)
  double lowered_target() const;  // case III: max(p - delta2, 0)
  // REPLACE(x, p): the victim it takes, honouring pins. Its only side effect: pinned slots passed
  // on the way move to the front of their list (SlotList::oldest_unpinned).
  std::optional<Victim> choose_replace(bool incoming_in_b2, double target, const SlotPins& pins);
  SlotList& t1() { return lists_.list(kT1); }
  const SlotList& t1() const { return lists_.list(kT1); }

  SlotKeyReader key_of_;
  std::uint32_t capacity_;
  double target_t1_ = 0.0;  // the paper's p
  SegmentedLists lists_;    // T1 (first) and T2 (second)
  GhostTable ghosts_;       // B1 and B2
  // Key whose ghost hit the last evict consumed: on_insert puts it in T2.
  std::optional<std::uint64_t> promoted_key_;
};

}  // namespace flashtwin::engine
