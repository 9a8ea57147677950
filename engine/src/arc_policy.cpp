#include "arc_policy.hpp"

#include <algorithm>
#include <stdexcept>

namespace flashtwin::engine {

ArcPolicy::ArcPolicy(const PolicyContext& context)
    : key_of_(context.key_of),
      capacity_(context.capacity_slots),
      lists_(context.capacity_slots),
      ghosts_(context.capacity_slots, 2) {
  if (capacity_ > 0 && !key_of_) {
    throw std::invalid_argument("arc: the policy context has no key_of");
  }
}

double ArcPolicy::raised_target() const {
  const double b1 = ghosts_.size(kB1);
  const double b2 = ghosts_.size(kB2);
  const double delta = b1 >= b2 ? 1.0 : b2 / b1;
  return std::min(target_t1_ + delta, static_cast<double>(capacity_));
}

double ArcPolicy::lowered_target() const {
  const double b1 = ghosts_.size(kB1);
  const double b2 = ghosts_.size(kB2);
  const double delta = b2 >= b1 ? 1.0 : b1 / b2;
  return std::max(target_t1_ - delta, 0.0);
}

// REPLACE(x, p): "if T1 is not empty and (|T1| > p or (x in B2 and |T1| == p)) take the LRU page
// of T1, else the LRU page of T2" -- here the oldest unpinned one, falling back to the other list.
std::optional<ArcPolicy::Victim> ArcPolicy::choose_replace(bool incoming_in_b2, double target,
                                                           const SlotPins& pins) {
  const double t1_size = t1().size();
  const bool from_t1 = !t1().empty() && (t1_size > target || (incoming_in_b2 && t1_size == target));
  const Queue first = from_t1 ? kT1 : kT2;
  const Queue second = from_t1 ? kT2 : kT1;
  if (auto slot = lists_.list(first).oldest_unpinned(pins)) {
    return Victim{*slot, first};
  }
  if (auto slot = lists_.list(second).oldest_unpinned(pins)) {
    return Victim{*slot, second};
  }
  return std::nullopt;
}

std::optional<SlotId> ArcPolicy::evict(std::uint64_t incoming, const SlotPins& pins) {
  enum class GhostTrim { none, b1, b2 };
  const GhostListId ghost = ghosts_.find(incoming);
  double target = target_t1_;
  GhostTrim trim = GhostTrim::none;
  bool keep_ghost = true;
  std::optional<Victim> victim;
  if (ghost == kB1) {  // case II
    target = raised_target();
    victim = choose_replace(false, target, pins);
  } else if (ghost == kB2) {  // case III
    target = lowered_target();
    victim = choose_replace(true, target, pins);
  } else if (t1().size() + ghosts_.size(kB1) == capacity_) {  // case IV.A
    if (t1().size() < capacity_) {
      trim = GhostTrim::b1;
      victim = choose_replace(false, target, pins);
    } else {  // B1 is empty: the LRU page of T1 leaves without a ghost
      keep_ghost = false;
      if (auto slot = t1().oldest_unpinned(pins)) victim = Victim{*slot, kT1};
    }
  } else {  // case IV.B; the directory is full iff the ghosts fill the other c entries
    if (ghosts_.size() >= capacity_) trim = GhostTrim::b2;
    victim = choose_replace(false, target, pins);
  }
  if (!victim) return std::nullopt;  // nothing changed

  target_t1_ = target;
  promoted_key_.reset();
  if (ghost != kNoGhostList) {
    ghosts_.erase(incoming);
    promoted_key_ = incoming;
  }
  if (trim == GhostTrim::b1) ghosts_.pop_back(kB1);
  if (trim == GhostTrim::b2) ghosts_.pop_back(kB2);
  lists_.remove(victim->slot);
  if (keep_ghost) {
    ghosts_.push_front(victim->queue == kT1 ? kB1 : kB2, key_of_(victim->slot));
  }
  return victim->slot;
}

void ArcPolicy::on_insert(SlotId slot, std::uint64_t key) {
  lists_.require_untracked(slot, "arc on_insert");
  const bool promoted = promoted_key_ == key;
  promoted_key_.reset();
  if (promoted) {  // evict already did case II or III for this key
    lists_.push_front(kT2, slot);
    return;
  }
  // A slot was free, so the cases below need no REPLACE.
  const GhostListId ghost = ghosts_.find(key);
  if (ghost != kNoGhostList) {  // case II or III
    target_t1_ = ghost == kB1 ? raised_target() : lowered_target();
    ghosts_.erase(key);
    lists_.push_front(kT2, slot);
    return;
  }
  // Case IV. |T1| < c here (the slot was free), so B1 is not empty in IV.A.
  const std::uint64_t total = std::uint64_t{size()} + ghosts_.size();
  if (t1().size() + ghosts_.size(kB1) == capacity_) {
    ghosts_.pop_back(kB1);
  } else if (total == 2 * std::uint64_t{capacity_}) {  // unreachable with |B1|+|B2| <= c
    ghosts_.pop_back(kB2);
  }
  lists_.push_front(kT1, slot);
}

void ArcPolicy::on_hit(SlotId slot) {  // case I
  lists_.require_tracked(slot, "arc on_hit");
  if (lists_.segment_of(slot) == kT1) {
    lists_.remove(slot);
    lists_.push_front(kT2, slot);
  } else {
    lists_.list(kT2).move_to_front(slot);
  }
}

void ArcPolicy::on_remove(SlotId slot) {
  lists_.require_tracked(slot, "arc on_remove");
  lists_.remove(slot);
}

std::string ArcPolicy::check_invariants() const {
  std::string problem = lists_.check("arc T1", "arc T2", key_of_, [&](SlotId slot) {
    const std::uint64_t key = key_of_(slot);
    return ghosts_.contains(key) ? "key " + std::to_string(key) + " of slot " +
                                       std::to_string(slot) + " is also a ghost"
                                 : std::string();
  });
  if (!problem.empty()) return "arc: " + problem;
  const std::uint64_t c = capacity_;
  const std::uint64_t t1_size = t1().size();
  const std::uint64_t t2_size = lists_.list(kT2).size();
  const std::uint64_t b1 = ghosts_.size(kB1);
  const std::uint64_t b2 = ghosts_.size(kB2);
  const std::string sizes = " (c=" + std::to_string(c) + " T1=" + std::to_string(t1_size) +
                            " T2=" + std::to_string(t2_size) + " B1=" + std::to_string(b1) +
                            " B2=" + std::to_string(b2) + " p=" + std::to_string(target_t1_) + ")";
  if (t1_size + t2_size > c) return "arc: |T1|+|T2| > c" + sizes;
  if (t1_size + b1 > c) return "arc: |T1|+|B1| > c" + sizes;
  if (t1_size + t2_size + b1 + b2 > 2 * c) return "arc: |T1|+|T2|+|B1|+|B2| > 2c" + sizes;
  if (b1 + b2 > c) return "arc: |B1|+|B2| > c" + sizes;
  if (!(target_t1_ >= 0.0 && target_t1_ <= static_cast<double>(c))) {
    return "arc: p out of [0, c]" + sizes;
  }
  if (std::string ghost_problem = ghosts_.check(); !ghost_problem.empty())
    return "arc: " + ghost_problem;
  return {};
}

std::size_t ArcPolicy::memory_bytes() const {
  return sizeof(*this) + lists_.memory_bytes() + ghosts_.memory_bytes();
}

}  // namespace flashtwin::engine
