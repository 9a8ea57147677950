#include "slot_list.hpp"

#include <stdexcept>

namespace flashtwin::engine {

SlotLinks::SlotLinks(std::uint32_t capacity_slots) {
  if (capacity_slots > kMaxSlots) {
    throw std::invalid_argument("slot capacity " + std::to_string(capacity_slots) +
                                " exceeds the maximum " + std::to_string(kMaxSlots));
  }
  prev_ = ZeroedArray<SlotId>(capacity_slots);
  next_ = ZeroedArray<SlotId>(capacity_slots);
}

void SlotLinks::require_in_range(SlotId slot, std::string_view operation) const {
  if (slot >= capacity()) {
    throw std::out_of_range(std::string(operation) + ": slot " + std::to_string(slot) +
                            " is not below the capacity " + std::to_string(capacity()));
  }
}

std::size_t SlotLinks::memory_bytes() const {
  return prev_.committed_bytes(touched_) + next_.committed_bytes(touched_);
}

void SlotList::push_front(SlotId slot) {
  links_->touch(slot);
  link_front(slot);
}

void SlotList::link_front(SlotId slot) {
  links_->set_prev(slot, kNoSlot);
  links_->set_next(slot, head_);
  if (head_ == kNoSlot) {
    tail_ = slot;
  } else {
    links_->set_prev(head_, slot);
  }
  head_ = slot;
  ++size_;
}

void SlotList::remove(SlotId slot) {
  const SlotId before = links_->prev(slot);
  const SlotId after = links_->next(slot);
  if (before == kNoSlot) {
    head_ = after;
  } else {
    links_->set_next(before, after);
  }
  if (after == kNoSlot) {
    tail_ = before;
  } else {
    links_->set_prev(after, before);
  }
  links_->set_prev(slot, kUnlinked);
  links_->set_next(slot, kUnlinked);
  --size_;
}

void SlotList::move_to_front(SlotId slot) {
  if (head_ == slot) return;
  remove(slot);
  link_front(slot);  // linked before: touched already
}

std::optional<SlotId> SlotList::oldest_unpinned(const SlotPins& pins) {
  for (std::uint32_t seen = 0; seen < size_; ++seen) {
    const SlotId slot = tail_;
    if (!pins.pinned(slot)) return slot;
    move_to_front(slot);
  }
  return std::nullopt;
}

std::string SlotList::check(std::string_view name,
                            const std::function<std::string(SlotId)>& visit) const {
  const std::string where(name);
  const std::uint32_t capacity = links_->capacity();
  if ((head_ == kNoSlot) != (size_ == 0) || (tail_ == kNoSlot) != (size_ == 0)) {
    return where + ": head/tail disagree with size " + std::to_string(size_);
  }
  if (size_ > capacity) {
    return where + ": size " + std::to_string(size_) + " exceeds capacity";
  }
  SlotId expected_prev = kNoSlot;
  SlotId slot = head_;
  // At most size_ steps, so a cycle shows up as a count or tail mismatch instead of a hang.
  for (std::uint32_t count = 0; count < size_; ++count) {
    if (slot >= capacity) {
      return where + ": link to slot " + std::to_string(slot) + " out of range after " +
             std::to_string(count) + " slots (size " + std::to_string(size_) + ")";
    }
    if (links_->prev(slot) != expected_prev) {
      return where + ": slot " + std::to_string(slot) + " has prev " +
             std::to_string(links_->prev(slot)) + ", expected " + std::to_string(expected_prev);
    }
    if (std::string problem = visit(slot); !problem.empty()) return where + ": " + problem;
    expected_prev = slot;
    slot = links_->next(slot);
  }
  if (slot != kNoSlot) {
    return where + ": walk does not end after size " + std::to_string(size_) + " slots (cycle?)";
  }
  if (expected_prev != tail_) {
    return where + ": tail is " + std::to_string(tail_) + " but the walk ended at " +
           std::to_string(expected_prev);
  }
  return {};
}

}  // namespace flashtwin::engine
