#include "segmented_lists.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace flashtwin::engine {

SegmentedLists::SegmentedLists(std::uint32_t capacity_slots)
    : links_(capacity_slots), tags_(capacity_slots) {}

void SegmentedLists::push_front(Segment segment, SlotId slot) {
  list(segment).push_front(slot);
  tags_.set(slot, static_cast<std::uint8_t>(segment));
}

void SegmentedLists::remove(SlotId slot) {
  list(segment_of(slot)).remove(slot);
  tags_.set(slot, static_cast<std::uint8_t>(Segment::none));
}

void SegmentedLists::require_tracked(SlotId slot, std::string_view operation) const {
  links_.require_in_range(slot, operation);
  if (segment_of(slot) == Segment::none) {
    throw std::logic_error(std::string(operation) + ": slot " + std::to_string(slot) +
                           " is not cached");
  }
}

void SegmentedLists::require_untracked(SlotId slot, std::string_view operation) const {
  links_.require_in_range(slot, operation);
  if (segment_of(slot) != Segment::none) {
    throw std::logic_error(std::string(operation) + ": slot " + std::to_string(slot) +
                           " is already cached");
  }
}

std::string SegmentedLists::check(std::string_view first_name, std::string_view second_name,
                                  const SlotKeyReader& key_of,
                                  const std::function<std::string(SlotId)>& visit) const {
  std::unordered_set<std::uint64_t> keys;
  auto visitor = [&](Segment expected) {
    return [&, expected](SlotId slot) -> std::string {
      if (segment_of(slot) != expected) return "slot " + std::to_string(slot) + " has a wrong tag";
      if (!keys.insert(key_of(slot)).second)
        return "key " + std::to_string(key_of(slot)) + " is cached twice";
      return visit(slot);
    };
  };
  if (std::string problem = first_.check(first_name, visitor(Segment::first)); !problem.empty())
    return problem;
  if (std::string problem = second_.check(second_name, visitor(Segment::second)); !problem.empty())
    return problem;
  // Slots above links_.touched() were never pushed: their tags are still zero (none).
  std::uint32_t tagged = 0;
  for (SlotId slot = 0; slot < links_.touched(); ++slot)
    tagged += segment_of(slot) != Segment::none ? 1 : 0;
  if (tagged != size()) {
    return std::to_string(tagged) + " slots are tagged but " + std::string(first_name) + " and " +
           std::string(second_name) + " hold " + std::to_string(size());
  }
  return {};
}

std::size_t SegmentedLists::memory_bytes() const {
  return links_.memory_bytes() + tags_.committed_bytes(links_.touched());
}

}  // namespace flashtwin::engine
