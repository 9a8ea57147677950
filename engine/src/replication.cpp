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
  if (peers.empty()) {
    vms_.erase(vm);
    return;
  }
  vms_[vm].peers.assign(peers.begin(), peers.end());
}

std::uint64_t Replication::expect_ack(OpId op, HostId peer, TimeNs sent_at) {
  const std::uint64_t sequence = next_sequence_++;
  pending_.emplace(sequence, PendingAck{op, peer, sent_at});
  return sequence;
}

std::optional<PendingAck> Replication::take_ack(std::uint64_t sequence, HostId from) {
  auto it = pending_.find(sequence);
  if (it == pending_.end() || it->second.peer != from) return std::nullopt;
  const PendingAck ack = it->second;
  pending_.erase(it);
  return ack;
}

}  // namespace flashtwin::engine
