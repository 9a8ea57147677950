#include "block_locks.hpp"

#include "block_key.hpp"

namespace flashtwin::engine {

BlockLocks::BlockLocks() : table_(64, kNone) {}

bool BlockLocks::compatible(LockMode a, LockMode b) {
  if (a == LockMode::write || b == LockMode::write) return false;
  return !(a == LockMode::destage && b == LockMode::destage);
}

std::uint64_t BlockLocks::slot_of(std::uint64_t key) const {
  return mix_key(key) & (table_.size() - 1);
}

std::uint32_t BlockLocks::find_queue(std::uint64_t key) const {
  for (std::uint64_t i = slot_of(key);; i = (i + 1) & (table_.size() - 1)) {
    std::uint32_t q = table_[i];
    if (q == kNone) return kNone;
    if (queues_[q].key == key) return q;
  }
}

std::uint32_t BlockLocks::make_queue(std::uint64_t key) {
  if ((live_queues_ + 1) * 2 > table_.size()) grow_table();
  std::uint32_t q;
  if (free_queue_ != kNone) {
    q = free_queue_;
    free_queue_ = queues_[q].head;
  } else {
    q = static_cast<std::uint32_t>(queues_.size());
    queues_.push_back({});
  }
  queues_[q] = {key, kNone, kNone};
  std::uint64_t i = slot_of(key);
  while (table_[i] != kNone)
    i = (i + 1) & (table_.size() - 1);
  table_[i] = q;
  ++live_queues_;
  return q;
}

void BlockLocks::erase_queue(std::uint64_t key, std::uint32_t q) {
  const std::uint64_t mask = table_.size() - 1;
  std::uint64_t hole = slot_of(key);
  while (table_[hole] != q)
    hole = (hole + 1) & mask;
  for (std::uint64_t j = (hole + 1) & mask;; j = (j + 1) & mask) {
    std::uint32_t other = table_[j];
    if (other == kNone) break;
    std::uint64_t h = slot_of(queues_[other].key);
    bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (stays) continue;
    table_[hole] = other;
    hole = j;
  }
  table_[hole] = kNone;
  queues_[q].head = free_queue_;
  free_queue_ = q;
  --live_queues_;
}

void BlockLocks::grow_table() {
  std::vector<std::uint32_t> old;
  old.swap(table_);
  table_.assign(old.size() * 2, kNone);
  for (std::uint32_t q : old) {
    if (q == kNone) continue;
    std::uint64_t i = slot_of(queues_[q].key);
    while (table_[i] != kNone)
      i = (i + 1) & (table_.size() - 1);
    table_[i] = q;
  }
}

std::uint32_t BlockLocks::new_ticket(OpId op, LockMode mode) {
  std::uint32_t t;
  if (free_ticket_ != kNone) {
    t = free_ticket_;
    free_ticket_ = tickets_[t].next;
  } else {
    t = static_cast<std::uint32_t>(tickets_.size());
    tickets_.push_back({});
  }
  tickets_[t] = {op, mode, false, kNone};
  return t;
}

bool BlockLocks::acquire(std::uint64_t key, OpId op, LockMode mode) {
  std::uint32_t q = find_queue(key);
  if (q == kNone) q = make_queue(key);
  std::uint32_t t = new_ticket(op, mode);
  Queue& queue = queues_[q];
  if (queue.tail == kNone) {
    queue.head = t;
  } else {
    tickets_[queue.tail].next = t;
  }
  queue.tail = t;
  tickets_[t].granted = grantable(q, t);
  return tickets_[t].granted;
}

bool BlockLocks::grantable(std::uint32_t q, std::uint32_t ticket) const {
  for (std::uint32_t t = queues_[q].head; t != ticket; t = tickets_[t].next) {
    if (!tickets_[t].granted || !compatible(tickets_[t].mode, tickets_[ticket].mode)) return false;
  }
  return true;
}

bool BlockLocks::would_grant(std::uint64_t key, LockMode mode) const {
  const std::uint32_t q = find_queue(key);
  if (q == kNone) return true;
  for (std::uint32_t t = queues_[q].head; t != kNone; t = tickets_[t].next) {
    if (!tickets_[t].granted || !compatible(tickets_[t].mode, mode)) return false;
  }
  return true;
}

void BlockLocks::unlink(std::uint32_t q, OpId op) {
  Queue& queue = queues_[q];
  std::uint32_t prev = kNone;
  std::uint32_t t = queue.head;
  while (tickets_[t].op != op) {
    prev = t;
    t = tickets_[t].next;
  }
  if (prev == kNone) {
    queue.head = tickets_[t].next;
  } else {
    tickets_[prev].next = tickets_[t].next;
  }
  if (queue.tail == t) queue.tail = prev;
  tickets_[t].next = free_ticket_;
  free_ticket_ = t;
}

std::string BlockLocks::check_invariants() const {
  std::uint32_t found = 0;
  for (std::uint32_t q : table_) {
    if (q == kNone) continue;
    ++found;
    const Queue& queue = queues_[q];
    if (find_queue(queue.key) != q) return "locks: queue not found by its key";
    if (queue.head == kNone) return "locks: empty queue kept";
    std::uint32_t last = kNone;
    for (std::uint32_t t = queue.head; t != kNone; t = tickets_[t].next) {
      bool can = grantable(q, t);
      if (tickets_[t].granted && !can) return "locks: granted ticket behind a conflict or a waiter";
      if (!tickets_[t].granted && can) return "locks: grantable ticket left waiting";
      last = t;
    }
    if (queue.tail != last) return "locks: tail is not the last ticket";
  }
  if (found != live_queues_) return "locks: live queue count mismatch";
  return {};
}

}  // namespace flashtwin::engine
