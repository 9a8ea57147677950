#include "two_queue_policy.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace flashtwin::engine {

TwoQueuePolicy::TwoQueuePolicy(const PolicyContext& context)
    : slot_keys_(context.slot_keys),
      capacity_(context.capacity_slots),
      a1in_target_(context.capacity_slots / 4),
      a1out_limit_(context.capacity_slots / 2),
      links_(context.capacity_slots),
      queue_of_(context.capacity_slots, Queue::none),
      a1out_(a1out_limit_, 1) {
  if (capacity_ > 0 && slot_keys_ == nullptr) {
    throw std::invalid_argument("2q: the policy context has no slot_keys");
  }
}

std::optional<SlotId> TwoQueuePolicy::oldest_unpinned(SlotList& list, const SlotPins& pins) {
  const SlotId slot = list.oldest_unpinned(pins);
  if (slot == kNoSlot) return std::nullopt;
  return slot;
}

std::optional<SlotId> TwoQueuePolicy::evict(std::uint64_t incoming, const SlotPins& pins) {
  const Queue first = a1in_.size() > a1in_target_ ? Queue::a1in : Queue::am;
  const Queue second = first == Queue::a1in ? Queue::am : Queue::a1in;
  Queue from = first;
  std::optional<SlotId> victim = oldest_unpinned(list_of(first), pins);
  if (!victim) {
    from = second;
    victim = oldest_unpinned(list_of(second), pins);
  }
  if (!victim) return std::nullopt;  // nothing changed

  // As in the paper, x's queue is decided before the reclaim, which may push x itself out of
  // A1out; x leaves A1out (if still there) afterwards.
  const bool was_ghost = a1out_.contains(incoming);
  unlink(*victim);
  if (from == Queue::a1in && a1out_limit_ > 0) {
    if (a1out_.size() == a1out_limit_) a1out_.pop_back(kA1out);
    a1out_.push_front(kA1out, slot_keys_[*victim]);
  }
  promoted_key_.reset();
  if (was_ghost) {
    a1out_.erase(incoming);
    promoted_key_ = incoming;
  }
  return victim;
}

void TwoQueuePolicy::on_insert(SlotId slot, std::uint64_t key) {
  links_.require_in_range(slot, "2q on_insert");
  if (queue_of_[slot] != Queue::none) {
    throw std::logic_error("2q on_insert: slot " + std::to_string(slot) + " is already cached");
  }
  const bool promoted = promoted_key_ == key;
  promoted_key_.reset();
  push(promoted || a1out_.erase(key) ? Queue::am : Queue::a1in, slot);
}

void TwoQueuePolicy::on_hit(SlotId slot) {
  require_tracked(slot, "2q on_hit");
  if (queue_of_[slot] == Queue::am) am_.move_to_front(slot);
}

void TwoQueuePolicy::on_remove(SlotId slot) {
  require_tracked(slot, "2q on_remove");
  unlink(slot);
}

void TwoQueuePolicy::unlink(SlotId slot) {
  list_of(queue_of_[slot]).remove(slot);
  queue_of_[slot] = Queue::none;
}

void TwoQueuePolicy::push(Queue queue, SlotId slot) {
  list_of(queue).push_front(slot);
  queue_of_[slot] = queue;
}

void TwoQueuePolicy::require_tracked(SlotId slot, std::string_view operation) const {
  links_.require_in_range(slot, operation);
  if (queue_of_[slot] == Queue::none) {
    throw std::logic_error(std::string(operation) + ": slot " + std::to_string(slot) +
                           " is not cached");
  }
}

std::string TwoQueuePolicy::check_invariants() const {
  std::unordered_set<std::uint64_t> keys;
  auto visitor = [&](Queue expected) {
    return [&, expected](SlotId slot) -> std::string {
      if (queue_of_[slot] != expected) return "slot " + std::to_string(slot) + " has a wrong tag";
      const std::uint64_t key = slot_keys_[slot];
      if (a1out_.contains(key)) {
        return "key " + std::to_string(key) + " of slot " + std::to_string(slot) +
               " is also a ghost in A1out";
      }
      if (!keys.insert(key).second) return "key " + std::to_string(key) + " is cached twice";
      return {};
    };
  };
  if (std::string problem = a1in_.check("2q A1in", visitor(Queue::a1in)); !problem.empty()) {
    return problem;
  }
  if (std::string problem = am_.check("2q Am", visitor(Queue::am)); !problem.empty()) {
    return problem;
  }
  const auto tagged = static_cast<std::uint32_t>(
      std::count_if(queue_of_.begin(), queue_of_.end(), [](Queue q) { return q != Queue::none; }));
  if (tagged != size()) {
    return "2q: " + std::to_string(tagged) + " slots are tagged but A1in and Am hold " +
           std::to_string(size());
  }
  if (std::uint64_t{a1in_.size()} + am_.size() > capacity_) return "2q: |A1in|+|Am| > c";
  if (a1out_.size() > a1out_limit_) {
    return "2q: |A1out| = " + std::to_string(a1out_.size()) +
           " exceeds Kout = " + std::to_string(a1out_limit_);
  }
  if (std::string problem = a1out_.check(); !problem.empty()) return "2q: " + problem;
  return {};
}

std::size_t TwoQueuePolicy::memory_bytes() const {
  return sizeof(*this) + links_.memory_bytes() + queue_of_.capacity() * sizeof(Queue) +
         a1out_.memory_bytes();
}

}  // namespace flashtwin::engine
