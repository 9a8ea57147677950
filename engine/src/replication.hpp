// Replication: the owner's side of write-back replication (docs/CLUSTER.md). Owned by
// HostEngine::Core; internal to engine/.
//
// It knows, per VM, the peers its write-back writes are copied to (chosen by the runtime, at most
// two, never this host) and the VM's epoch; it numbers the ReplicaWrites this engine sends and
// remembers, per sequence, which operation waits for the ack and from which peer, so that an ack
// completes the right write whatever order acks arrive in, and an ack from the wrong host, a
// duplicate or an unknown sequence is ignored (never taken for the answer). Each pending ack has
// a due time (sent + the ack timeout, none when the timeout is 0): the engine waits again (and
// sends a release again) when it is overdue, and gives up on the peer after the last retry
// (replica_path.cpp).
//
// It also owns the messages the engine sends: SendToPeer commands point at them, and they stay
// valid until the drain after the one that handed the commands out (as HostEngine::drain
// promises for every span in a command).
//
// Plain data; not thread-safe.
#pragma once

#include "block_locks.hpp"
#include "flashtwin/engine/peer_message.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace flashtwin::engine {

inline constexpr std::size_t kMaxReplicas = 2;

struct PendingAck {
  OpId op = 0;
  HostId peer = 0;
  TimeNs sent_at = 0;         // first sent (the round trip is measured from it)
  TimeNs due = 0;             // overdue from then (0: never)
  std::uint32_t resends = 0;  // timeouts so far (a release is sent again at each)
  bool release = false;       // the ack of a ReplicaRelease (else of a ReplicaWrite)
};

class Replication {
 public:
  // Throws std::invalid_argument for more than kMaxReplicas peers, a duplicate, or `self`.
  void set_peers(VmId vm, std::span<const HostId> peers, HostId self);
  // The VM's peers (empty: no replication).
  std::span<const HostId> peers(VmId vm) const {
    if (vms_.empty()) return {};
    auto it = vms_.find(vm);
    return it == vms_.end() ? std::span<const HostId>() : std::span<const HostId>(it->second.peers);
  }
  Epoch epoch(VmId vm) const {
    auto it = vms_.find(vm);
    return it == vms_.end() ? kFirstEpoch : it->second.epoch;
  }
  bool any() const { return !vms_.empty(); }
  // The VM's epoch grows (migration): its later messages carry `epoch`.
  void set_epoch(VmId vm, Epoch epoch) { vms_[vm].epoch = epoch; }

  // Pending acks are overdue `timeout` after they were sent (0: never). Set once, before any.
  void set_ack_timeout(TimeNs timeout) { timeout_ = timeout; }
  TimeNs ack_timeout() const { return timeout_; }
  // A new sequence for a ReplicaWrite (or, with `release`, a ReplicaRelease) to `peer` that `op`
  // waits for.
  std::uint64_t expect_ack(OpId op, HostId peer, TimeNs sent_at, bool release = false);
  // The pending ack `sequence`, or nullptr if it is not pending (answered or abandoned).
  PendingAck* pending(std::uint64_t sequence) {
    if (sequence < ring_first_ || sequence - ring_first_ >= ring_.size()) return nullptr;
    AckSlot& slot = ring_[sequence - ring_first_];
    return slot.pending ? &slot.ack : nullptr;
  }
  // Appends to `out` the sequences of the pending acks overdue at `now`, oldest first. O(ring).
  void overdue(TimeNs now, std::vector<std::uint64_t>& out) const;
  // The earliest due time of a pending ack, if any. O(ring).
  std::optional<TimeNs> next_due() const;
  // The pending ack `sequence` from `from`, removed; nullopt (and nothing removed) if there is no
  // such pending ack or it was sent to another host.
  std::optional<PendingAck> take_ack(std::uint64_t sequence, HostId from);
  std::size_t acks_pending() const { return acks_pending_; }
  // Host `peer` is down: it leaves every VM's peers (the VMs it left are appended to `left`),
  // and its pending acks are removed and returned (oldest sequence first).
  std::vector<PendingAck> drop_peer(HostId peer, std::vector<VmId>& left);

  // Keeps `message` until the drain after next; returns where it lives.
  const PeerMessage* post(PeerMessage message) {
    outbox_.push_back(std::move(message));
    return &outbox_.back();
  }
  // The runtime drained the engine's commands: messages posted before the previous drain go.
  void runtime_drained() {
    if (outbox_.empty() && handed_out_.empty()) return;
    handed_out_.swap(outbox_);
    outbox_.clear();
  }

  static constexpr Epoch kFirstEpoch = 1;

 private:
  struct VmReplication {
    std::vector<HostId> peers;
    Epoch epoch = kFirstEpoch;
  };
  std::unordered_map<VmId, VmReplication> vms_;
  // Pending acks by sequence: sequences are handed out consecutively and acks come back nearly in
  // order, so a ring from the oldest pending sequence holds them with no allocation per write.
  // (An ack that never comes keeps the ring from shrinking until it is resolved: the peer is
  // declared down, or given up after the last retry.)
  struct AckSlot {
    PendingAck ack;
    bool pending = false;
  };
  std::deque<AckSlot> ring_;
  std::uint64_t ring_first_ = 1;  // sequence of ring_.front()
  std::size_t acks_pending_ = 0;
  TimeNs timeout_ = 0;
  std::deque<PeerMessage> outbox_;      // posted since the last drain
  std::deque<PeerMessage> handed_out_;  // handed out by the last drain
};

}  // namespace flashtwin::engine
