#include "arc_policy.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace flashtwin::engine {

ArcPolicy::ArcPolicy(const PolicyContext& context)
    : slot_keys_(context.slot_keys),
      capacity_(context.capacity_slots),
      links_(context.capacity_slots),
      queue_of_(context.capacity_slots, Queue::none),
      ghosts_(context.capacity_slots, 2) {
  if (capacity_ > 0 && slot_keys_ == nullptr) {
    throw std::invalid_argument("arc: the policy context has no slot_keys");
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

std::optional<SlotId> ArcPolicy::oldest_unpinned(SlotList& list, const SlotPins& pins) {
  const SlotId slot = list.oldest_unpinned(pins);
  if (slot == kNoSlot) return std::nullopt;
  return slot;
}

// REPLACE(x, p): "if T1 is not empty and (|T1| > p or (x in B2 and |T1| == p)) take the LRU page
// of T1, else the LRU page of T2" -- here the oldest unpinned one, falling back to the other list.
std::optional<ArcPolicy::Victim> ArcPolicy::choose_replace(bool incoming_in_b2, double target,
                                                           const SlotPins& pins) {
  const double t1 = t1_.size();
  const bool from_t1 = !t1_.empty() && (t1 > target || (incoming_in_b2 && t1 == target));
  const Queue first = from_t1 ? Queue::t1 : Queue::t2;
  const Queue second = from_t1 ? Queue::t2 : Queue::t1;
  if (auto slot = oldest_unpinned(list_of(first), pins)) {
    return Victim{*slot, first};
  }
  if (auto slot = oldest_unpinned(list_of(second), pins)) {
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
  } else if (t1_.size() + ghosts_.size(kB1) == capacity_) {  // case IV.A
    if (t1_.size() < capacity_) {
      trim = GhostTrim::b1;
      victim = choose_replace(false, target, pins);
    } else {  // B1 is empty: the LRU page of T1 leaves without a ghost
      keep_ghost = false;
      if (auto slot = oldest_unpinned(t1_, pins)) victim = Victim{*slot, Queue::t1};
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
  unlink(victim->slot);
  if (keep_ghost) {
    ghosts_.push_front(victim->queue == Queue::t1 ? kB1 : kB2, slot_keys_[victim->slot]);
  }
  return victim->slot;
}

void ArcPolicy::on_insert(SlotId slot, std::uint64_t key) {
  links_.require_in_range(slot, "arc on_insert");
  if (queue_of_[slot] != Queue::none) {
    throw std::logic_error("arc on_insert: slot " + std::to_string(slot) + " is already cached");
  }
  const bool promoted = promoted_key_ == key;
  promoted_key_.reset();
  if (promoted) {  // evict already did case II or III for this key
    push(Queue::t2, slot);
    return;
  }
  // A slot was free, so the cases below need no REPLACE.
  const GhostListId ghost = ghosts_.find(key);
  if (ghost != kNoGhostList) {  // case II or III
    target_t1_ = ghost == kB1 ? raised_target() : lowered_target();
    ghosts_.erase(key);
    push(Queue::t2, slot);
    return;
  }
  // Case IV. |T1| < c here (the slot was free), so B1 is not empty in IV.A.
  const std::uint64_t total = std::uint64_t{size()} + ghosts_.size();
  if (t1_.size() + ghosts_.size(kB1) == capacity_) {
    ghosts_.pop_back(kB1);
  } else if (total == 2 * std::uint64_t{capacity_}) {  // unreachable with |B1|+|B2| <= c
    ghosts_.pop_back(kB2);
  }
  push(Queue::t1, slot);
}

void ArcPolicy::on_hit(SlotId slot) {  // case I
  require_tracked(slot, "arc on_hit");
  if (queue_of_[slot] == Queue::t1) {
    unlink(slot);
    push(Queue::t2, slot);
  } else {
    t2_.move_to_front(slot);
  }
}

void ArcPolicy::on_remove(SlotId slot) {
  require_tracked(slot, "arc on_remove");
  unlink(slot);
}

void ArcPolicy::unlink(SlotId slot) {
  list_of(queue_of_[slot]).remove(slot);
  queue_of_[slot] = Queue::none;
}

void ArcPolicy::push(Queue queue, SlotId slot) {
  list_of(queue).push_front(slot);
  queue_of_[slot] = queue;
}

void ArcPolicy::require_tracked(SlotId slot, std::string_view operation) const {
  links_.require_in_range(slot, operation);
  if (queue_of_[slot] == Queue::none) {
    throw std::logic_error(std::string(operation) + ": slot " + std::to_string(slot) +
                           " is not cached");
  }
}

std::string ArcPolicy::check_invariants() const {
  std::unordered_set<std::uint64_t> keys;
  auto visitor = [&](Queue expected) {
    return [&, expected](SlotId slot) -> std::string {
      if (queue_of_[slot] != expected) return "slot " + std::to_string(slot) + " has a wrong tag";
      const std::uint64_t key = slot_keys_[slot];
      if (ghosts_.contains(key)) {
        return "key " + std::to_string(key) + " of slot " + std::to_string(slot) +
               " is also a ghost";
      }
      if (!keys.insert(key).second) return "key " + std::to_string(key) + " is cached twice";
      return {};
    };
  };
  if (std::string problem = t1_.check("arc T1", visitor(Queue::t1)); !problem.empty()) {
    return problem;
  }
  if (std::string problem = t2_.check("arc T2", visitor(Queue::t2)); !problem.empty()) {
    return problem;
  }
  const auto tagged = static_cast<std::uint32_t>(
      std::count_if(queue_of_.begin(), queue_of_.end(), [](Queue q) { return q != Queue::none; }));
  if (tagged != size()) {
    return "arc: " + std::to_string(tagged) + " slots are tagged but T1 and T2 hold " +
           std::to_string(size());
  }
  const std::uint64_t c = capacity_;
  const std::uint64_t t1 = t1_.size();
  const std::uint64_t t2 = t2_.size();
  const std::uint64_t b1 = ghosts_.size(kB1);
  const std::uint64_t b2 = ghosts_.size(kB2);
  const std::string sizes = " (c=" + std::to_string(c) + " T1=" + std::to_string(t1) +
                            " T2=" + std::to_string(t2) + " B1=" + std::to_string(b1) +
                            " B2=" + std::to_string(b2) + " p=" + std::to_string(target_t1_) + ")";
  if (t1 + t2 > c) return "arc: |T1|+|T2| > c" + sizes;
  if (t1 + b1 > c) return "arc: |T1|+|B1| > c" + sizes;
  if (t1 + t2 + b1 + b2 > 2 * c) return "arc: |T1|+|T2|+|B1|+|B2| > 2c" + sizes;
  if (b1 + b2 > c) return "arc: |B1|+|B2| > c" + sizes;
  if (!(target_t1_ >= 0.0 && target_t1_ <= static_cast<double>(c))) {
    return "arc: p out of [0, c]" + sizes;
  }
  if (std::string problem = ghosts_.check(); !problem.empty()) return "arc: " + problem;
  return {};
}

std::size_t ArcPolicy::memory_bytes() const {
  return sizeof(*this) + links_.memory_bytes() + queue_of_.capacity() * sizeof(Queue) +
         ghosts_.memory_bytes();
}

}  // namespace flashtwin::engine
