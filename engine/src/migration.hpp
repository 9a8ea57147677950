// Migration: what one host engine knows about VMs that moved (docs/CLUSTER.md, "Migration").
// Owned by HostEngine::Core; internal to engine/.
//
// Old owner side: a *departure* per VM that left this host (to whom, in which epoch). The old
// owner keeps the VM's cached blocks and its destage duty, answers the new owner's RemoteRead and
// Invalidate of that epoch, and serves no more requests of the VM. Once none of the VM's blocks is
// dirty or in use here it *hands the VM off* (a Handoff message; handed_off): the new owner then
// forgets its arrival. A departure handed off gives way to an arrival when the VM comes back.
// New owner side: an *arrival* per VM that came here (from whom, in which epoch) and the VM's
// *settled* blocks: those the old owner has said it does not hold, or has given up (after an
// Invalidate). The old owner never gains blocks of a VM that left it, so a settled block stays
// settled: its misses go to the array and its writes need no Invalidate.
// Pending questions: every RemoteRead and Invalidate this engine sent, by sequence, with the
// operation waiting for the answer; an answer from another host, of an unknown sequence or of the
// wrong kind is not taken (the caller counts it ignored).
//
// Invariant: a VM has at most one departure or one arrival on a host, never both: a VM leaves a
// host it arrived at only once handed off (its arrival forgotten), and arrives at a host it left
// only once it handed the VM off. Plain data; not thread-safe.
#pragma once

#include "block_locks.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace flashtwin::engine {

struct Departure {
  HostId successor = 0;
  Epoch epoch = 0;
  bool handed_off = false;
  bool hurried = false;  // a move of the VM waits for its handoff: its blocks are destaged first
};

struct Arrival {
  HostId predecessor = 0;
  Epoch epoch = 0;
  std::unordered_set<std::uint64_t> settled;  // block keys (block_key.hpp)
};

// A question this engine asked: a RemoteRead of the op's blocks [first, first + count), or an
// Invalidate of all of the op's blocks.
struct PendingQuestion {
  OpId op = 0;
  HostId to = 0;
  Epoch epoch = 0;  // the VM's, when asked: its answer must carry it
  bool invalidate = false;
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

class Migration {
 public:
  // depart throws std::logic_error when the VM left here already, or arrived and was not handed
  // off yet; arrive when it arrived here already, or left and was not handed off yet (a
  // departure handed off is forgotten).
  void depart(VmId vm, HostId successor, Epoch epoch);
  void arrive(VmId vm, HostId predecessor, Epoch epoch);
  // The old owner handed VM vm off (requires a departure not handed off); the new owner forgets
  // its arrival (requires one).
  void handed_off(VmId vm);
  void forget_arrival(VmId vm) { arrivals_.erase(vm); }
  // Departures not handed off yet, by VM number (hurried ones only: `hurried_only`).
  std::size_t handoffs_due() const { return handoffs_due_; }
  std::size_t handoffs_hurried() const { return handoffs_hurried_; }
  std::vector<VmId> due_departures(bool hurried_only = false) const;
  // VM vm's handoff is awaited (requires a departure): false if it was handed off already.
  bool hurry(VmId vm);

  bool any() const { return !departures_.empty() || !arrivals_.empty(); }
  const Departure* departure(VmId vm) const {
    auto it = departures_.find(vm);
    return it == departures_.end() ? nullptr : &it->second;
  }
  Arrival* arrival(VmId vm) {
    auto it = arrivals_.find(vm);
    return it == arrivals_.end() ? nullptr : &it->second;
  }
  const Arrival* arrival(VmId vm) const {
    auto it = arrivals_.find(vm);
    return it == arrivals_.end() ? nullptr : &it->second;
  }

  // A new sequence for `question`.
  std::uint64_t ask(const PendingQuestion& question);
  // The pending question `sequence` asked of `from`, or nullptr.
  const PendingQuestion* find(std::uint64_t sequence, HostId from) const;
  // Removes it (requires find(sequence, from) != nullptr).
  void answered(std::uint64_t sequence) { pending_.erase(sequence); }
  std::size_t questions_pending() const { return pending_.size(); }

  std::size_t memory_bytes() const;

 private:
  std::unordered_map<VmId, Departure> departures_;
  std::unordered_map<VmId, Arrival> arrivals_;
  std::unordered_map<std::uint64_t, PendingQuestion> pending_;
  std::uint64_t next_sequence_ = 1;
  std::size_t handoffs_due_ = 0;
  std::size_t handoffs_hurried_ = 0;  // due and hurried
};

}  // namespace flashtwin::engine
