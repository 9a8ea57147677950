#include "two_queue_policy.hpp"

#include <algorithm>
#include <stdexcept>

namespace flashtwin::engine {

TwoQueuePolicy::TwoQueuePolicy(const PolicyContext& context)
    : key_of_(context.key_of),
      capacity_(context.capacity_slots),
      a1in_target_(context.capacity_slots / 4),
      a1out_limit_(context.capacity_slots / 2),
      lists_(context.capacity_slots),
      a1out_(a1out_limit_, 1) {
  if (capacity_ > 0 && !key_of_) {
    throw std::invalid_argument("2q: the policy context has no key_of");
  }
}

std::optional<SlotId> TwoQueuePolicy::evict(std::uint64_t incoming, const SlotPins& pins) {
  const Queue first = lists_.list(kA1in).size() > a1in_target_ ? kA1in : kAm;
  const Queue second = first == kA1in ? kAm : kA1in;
  Queue from = first;
  std::optional<SlotId> victim = lists_.list(first).oldest_unpinned(pins);
  if (!victim) {
    from = second;
    victim = lists_.list(second).oldest_unpinned(pins);
  }
  if (!victim) return std::nullopt;  // nothing changed

  // As in the paper, x's queue is decided before the reclaim, which may push x itself out of
  // A1out; x leaves A1out (if still there) afterwards.
  const bool was_ghost = a1out_.contains(incoming);
  lists_.remove(*victim);
  if (from == kA1in && a1out_limit_ > 0) {
    if (a1out_.size() == a1out_limit_) a1out_.pop_back(kA1out);
    a1out_.push_front(kA1out, key_of_(*victim));
  }
  promoted_key_.reset();
  if (was_ghost) {
    a1out_.erase(incoming);
    promoted_key_ = incoming;
  }
  return victim;
}

void TwoQueuePolicy::on_insert(SlotId slot, std::uint64_t key) {
  lists_.require_untracked(slot, "2q on_insert");
  const bool promoted = promoted_key_ == key;
  promoted_key_.reset();
  lists_.push_front(promoted || a1out_.erase(key) ? kAm : kA1in, slot);
}

void TwoQueuePolicy::on_hit(SlotId slot) {
  lists_.require_tracked(slot, "2q on_hit");
  if (lists_.segment_of(slot) == kAm) lists_.list(kAm).move_to_front(slot);
}

void TwoQueuePolicy::on_remove(SlotId slot) {
  lists_.require_tracked(slot, "2q on_remove");
  lists_.remove(slot);
}

std::string TwoQueuePolicy::check_invariants() const {
  std::string problem = lists_.check("2q A1in", "2q Am", key_of_, [&](SlotId slot) {
    const std::uint64_t key = key_of_(slot);
    return a1out_.contains(key) ? "key " + std::to_string(key) + " of slot " +
                                      std::to_string(slot) + " is also a ghost in A1out"
                                : std::string();
  });
  if (!problem.empty()) return "2q: " + problem;
  if (std::uint64_t{lists_.size()} > capacity_) return "2q: |A1in|+|Am| > c";
  if (a1out_.size() > a1out_limit_) {
    return "2q: |A1out| = " + std::to_string(a1out_.size()) +
           " exceeds Kout = " + std::to_string(a1out_limit_);
  }
  if (std::string ghost_problem = a1out_.check(); !ghost_problem.empty())
    return "2q: " + ghost_problem;
  return {};
}

std::size_t TwoQueuePolicy::memory_bytes() const {
  return sizeof(*this) + lists_.memory_bytes() + a1out_.memory_bytes();
}

}  // namespace flashtwin::engine
