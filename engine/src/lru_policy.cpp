#include "lru_policy.hpp"

#include <stdexcept>
#include <unordered_set>

namespace flashtwin::engine {

LruPolicy::LruPolicy(const PolicyContext& context)
    : key_of_(context.key_of), links_(context.capacity_slots) {}

void LruPolicy::require_tracked(SlotId slot, std::string_view operation) const {
  links_.require_in_range(slot, operation);
  if (!links_.linked(slot)) {
    throw std::logic_error(std::string(operation) + ": slot " + std::to_string(slot) +
                           " is not cached");
  }
}

void LruPolicy::on_insert(SlotId slot, std::uint64_t /*key*/) {
  links_.require_in_range(slot, "lru on_insert");
  if (links_.linked(slot)) {
    throw std::logic_error("lru on_insert: slot " + std::to_string(slot) + " is already cached");
  }
  recency_.push_front(slot);
}

void LruPolicy::on_hit(SlotId slot) {
  require_tracked(slot, "lru on_hit");
  recency_.move_to_front(slot);
}

void LruPolicy::on_remove(SlotId slot) {
  require_tracked(slot, "lru on_remove");
  recency_.remove(slot);
}

std::optional<SlotId> LruPolicy::evict(std::uint64_t /*incoming*/, const SlotPins& pins) {
  const std::optional<SlotId> slot = recency_.oldest_unpinned(pins);
  if (slot) recency_.remove(*slot);
  return slot;
}

std::string LruPolicy::check_invariants() const {
  std::unordered_set<std::uint64_t> keys;
  std::string problem = recency_.check("lru list", [&](SlotId slot) -> std::string {
    if (!links_.linked(slot)) return "slot " + std::to_string(slot) + " is marked unlinked";
    if (key_of_ && !keys.insert(key_of_(slot)).second) {
      return "key " + std::to_string(key_of_(slot)) + " is cached twice";
    }
    return {};
  });
  if (!problem.empty()) return problem;
  std::uint32_t linked = 0;
  for (SlotId slot = 0; slot < links_.touched(); ++slot)
    linked += links_.linked(slot) ? 1 : 0;
  if (linked != recency_.size()) {
    return "lru: " + std::to_string(linked) + " slots are linked but the list holds " +
           std::to_string(recency_.size());
  }
  return {};
}

std::size_t LruPolicy::memory_bytes() const {
  return sizeof(*this) + links_.memory_bytes();
}

}  // namespace flashtwin::engine
