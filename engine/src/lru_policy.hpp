// LRU eviction: evicts the least recently inserted-or-hit unpinned block.
//
// State: one SlotList over a SlotLinks pair, 8 bytes per slot and nothing per key. A slot is
// tracked iff it is linked. `incoming` is ignored by evict. The context's key_of, if given, is
// read only by check_invariants (to check that no two tracked slots hold the same key).
//
// Misuse throws: a slot >= capacity -> std::out_of_range; on_insert of a tracked slot, on_hit or
// on_remove of an untracked one -> std::logic_error. Not thread-safe; neither copyable nor movable
// (the list points at the links).
#pragma once

#include "flashtwin/engine/eviction_policy.hpp"
#include "slot_list.hpp"

namespace flashtwin::engine {

class LruPolicy final : public EvictionPolicy {
 public:
  // Throws std::invalid_argument if context.capacity_slots exceeds kMaxSlots.
  explicit LruPolicy(const PolicyContext& context);
  LruPolicy(const LruPolicy&) = delete;
  LruPolicy& operator=(const LruPolicy&) = delete;

  std::string_view name() const override { return "lru"; }
  void on_insert(SlotId slot, std::uint64_t key) override;
  void on_hit(SlotId slot) override;
  void on_remove(SlotId slot) override;
  // Walks from the LRU end to the first unpinned slot.
  std::optional<SlotId> evict(std::uint64_t incoming, const SlotPins& pins) override;
  std::uint32_t size() const override { return recency_.size(); }
  std::string check_invariants() const override;
  std::size_t memory_bytes() const override;

 private:
  void require_tracked(SlotId slot, std::string_view operation) const;

  SlotKeyReader key_of_;
  SlotLinks links_;
  SlotList recency_{links_};
};

}  // namespace flashtwin::engine
