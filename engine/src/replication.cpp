#include "replication.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

void Replication::set_peers(VmId vm, std::span<const HostId> peers, HostId self) {
  const std::string who = "vm " + std::to_string(vm) + ": replica peers: ";
  if (peers.size() > kMaxReplicas)
    throw std::invalid_argument(who + "at most 2, got " + std::to_string(peers.size()));
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if (peers[i] == self) throw std::invalid_argument(who + "a host is not its own peer");
    if (std::count(peers.begin(), peers.end(), peers[i]) > 1)
      throw std::invalid_argument(who + "host " + std::to_string(peers[i]) + " named twice");
  }
  vms_[vm].peers.assign(peers.begin(), peers.end());
}

std::uint64_t Replication::expect_ack(OpId op, HostId peer, TimeNs sent_at, bool release) {
  const std::uint64_t sequence = ring_first_ + ring_.size();
  const TimeNs due = timeout_ > 0 ? sent_at + timeout_ : 0;
  ring_.push_back(AckSlot{PendingAck{op, peer, sent_at, due, 0, release}, true});
  ++acks_pending_;
  return sequence;
}

std::optional<PendingAck> Replication::take_ack(std::uint64_t sequence, HostId from) {
  if (sequence < ring_first_ || sequence - ring_first_ >= ring_.size()) return std::nullopt;
  AckSlot& slot = ring_[sequence - ring_first_];
  if (!slot.pending || slot.ack.peer != from) return std::nullopt;
  slot.pending = false;
  --acks_pending_;
  const PendingAck ack = slot.ack;
  while (!ring_.empty() && !ring_.front().pending) {
    ring_.pop_front();
    ++ring_first_;
  }
  return ack;
}

void Replication::overdue(TimeNs now, std::vector<std::uint64_t>& out) const {
  for (std::size_t i = 0; i < ring_.size(); ++i) {
    const AckSlot& slot = ring_[i];
    if (slot.pending && slot.ack.due != 0 && slot.ack.due <= now) out.push_back(ring_first_ + i);
  }
}

std::optional<TimeNs> Replication::next_due() const {
  std::optional<TimeNs> next;
  for (const AckSlot& slot : ring_) {
    if (slot.pending && slot.ack.due != 0 && (!next || slot.ack.due < *next)) next = slot.ack.due;
  }
  return next;
}

std::vector<PendingAck> Replication::drop_peer(HostId peer, std::vector<VmId>& left) {
  for (auto& [vm, state] : vms_)
    if (std::erase(state.peers, peer) > 0) left.push_back(vm);
  std::vector<PendingAck> owed;
  for (AckSlot& slot : ring_) {
    if (!slot.pending || slot.ack.peer != peer) continue;
    slot.pending = false;
    --acks_pending_;
    owed.push_back(slot.ack);
  }
  while (!ring_.empty() && !ring_.front().pending) {
    ring_.pop_front();
    ++ring_first_;
  }
  return owed;
}

}  // namespace flashtwin::engine
