// BlockLocks: per-block FIFO queues that order overlapping in-flight operations.
//
// Every operation (a VM request, a destage) enqueues itself on each block it touches, in
// submission order, all blocks at once. An operation is granted a block when every operation ahead
// of it in that block's queue is granted and compatible with it (strict FIFO: nobody overtakes a
// waiter); it runs once granted on all its blocks.
// Because operations enter all their queues in one global order, waiting never forms a cycle.
//
// Compatible modes: read with read, read with destage (a destage only reads the flash copy).
// Everything else is exclusive: a write waits for a destage of its block and the reverse, so the
// array never gets two writes of one block at once and a destage never races a flash write.
//
// Only blocks with operations on them have an entry, so the table stays as small as the number of
// blocks in flight.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flashtwin::engine {

using OpId = std::uint32_t;

enum class LockMode : std::uint8_t {
  read,     // reads flash or array, may fill flash
  write,    // writes flash and/or the array (any write or discard)
  destage,  // reads flash, writes the array
};

class BlockLocks {
 public:
  BlockLocks();

  // Appends `op` to the queue of `key`. Returns true when granted at once.
  bool acquire(std::uint64_t key, OpId op, LockMode mode);

  // Removes `op` from the queue of `key` (granted or not) and calls on_granted(op) for every
  // operation this grants.
  template <class OnGranted>
  void release(std::uint64_t key, OpId op, OnGranted&& on_granted) {
    std::uint32_t q = find_queue(key);
    unlink(q, op);
    if (queues_[q].head == kNone) {
      erase_queue(key, q);
      return;
    }
    grant_waiters(q, on_granted);
  }

  // True if acquire(key, any op, mode) would be granted at once.
  bool would_grant(std::uint64_t key, LockMode mode) const;

  // True while any operation holds or waits for `key`.
  bool busy(std::uint64_t key) const { return find_queue(key) != kNone; }
  std::uint32_t blocks_in_flight() const { return live_queues_; }

  // Queues well-formed, granted tickets compatible with everything ahead, waiting ones not.
  std::string check_invariants() const;

  static bool compatible(LockMode a, LockMode b);

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  struct Ticket {
    OpId op;
    LockMode mode;
    bool granted;
    std::uint32_t next;
  };
  struct Queue {
    std::uint64_t key;
    std::uint32_t head;
    std::uint32_t tail;
  };

  std::uint32_t find_queue(std::uint64_t key) const;
  std::uint32_t make_queue(std::uint64_t key);
  void erase_queue(std::uint64_t key, std::uint32_t q);
  void unlink(std::uint32_t q, OpId op);
  bool grantable(std::uint32_t q, std::uint32_t ticket) const;
  std::uint32_t new_ticket(OpId op, LockMode mode);
  void grow_table();
  std::uint64_t slot_of(std::uint64_t key) const;

  template <class OnGranted>
  void grant_waiters(std::uint32_t q, OnGranted& on_granted) {
    for (std::uint32_t t = queues_[q].head; t != kNone; t = tickets_[t].next) {
      if (tickets_[t].granted) continue;
      if (!grantable(q, t)) return;  // FIFO: nobody behind an ungrantable waiter is granted
      tickets_[t].granted = true;
      on_granted(tickets_[t].op);
    }
  }

  std::vector<Ticket> tickets_;
  std::uint32_t free_ticket_ = kNone;
  std::vector<Queue> queues_;
  std::uint32_t free_queue_ = kNone;
  std::vector<std::uint32_t> table_;  // power of two, queue index or kNone
  std::uint32_t live_queues_ = 0;
};

}  // namespace flashtwin::engine
