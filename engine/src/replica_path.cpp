// Write-back replication (rules: docs/CLUSTER.md).
//
// Owner side. A write-back write of a VM with peers sends, beside its local flash write, one
// ReplicaWrite per peer with the blocks it writes to flash; each counts in the operation's
// in_flight until its ack arrives, so the VM is acknowledged only when the local write and every
// peer's copy are done, and the block locks stay held meanwhile (a destage of those blocks, and
// so a release, comes only after every ack). A peer that refuses (no room, failed flash write)
// makes the write go to the array as well, as write-through: its blocks end clean. A block that
// stops being dirty (destaged, written through, discarded) is released on every peer at the
// version the array now has; a lost block's replicas are kept (they are its only copy).
//
// Timeouts (docs/CLUSTER.md, "Link cuts and partitions"). A ReplicaWrite or ReplicaRelease not
// acked within replica_timeout_ns is waited for again, replica_retries times; a release is sent
// again then (same sequence, rebuilt from its operation, which still waits for the ack), a
// ReplicaWrite is not (a late second copy could land after the block's release and leave a stale
// replica nothing would drop). After the last retry the peer is given up on: every ack awaited
// from it is abandoned as after peer_down, and the engine says PeerUnreachable. A late ack then
// matches nothing and is ignored.
//
// Peer side. A ReplicaWrite takes room under the dirty limit and a flash slot per new block (or
// is refused whole, changing nothing), goes through this host's flash queue like any write, and is
// acked when its flash write completes. Versions decide: an older version than held is not
// written, a release drops only replicas at or below the released version. A duplicate delivery
// of a version whose flash write is still in flight gets no answer of its own: that write's ack,
// with the same sequence, answers it once the copy is on flash (an immediate ack would tell the
// owner its copy is safe before it is).
#include "engine_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <variant>

namespace flashtwin::engine {

namespace {

void require_run(const BlockRun& run, std::size_t versions, HostId from, const char* what) {
  if (run.block_count != versions) {
    throw std::invalid_argument(std::string(what) + " from host " + std::to_string(from) + ": " +
                                std::to_string(versions) + " versions for a run of " +
                                std::to_string(run.block_count) + " blocks");
  }
}

}  // namespace

void HostEngine::Core::set_replica_peers(VmId vm, std::span<const HostId> peers) {
  const VmState& state = modes_.state_of(vm);  // throws for an unknown VM
  if (state.dirty_blocks > 0 || state.write_back_in_flight > 0) {
    throw std::logic_error("vm " + std::to_string(vm) + ": replica peers change with " +
                           std::to_string(state.dirty_blocks) + " dirty blocks and " +
                           std::to_string(state.write_back_in_flight) +
                           " write-back writes in flight (drain it out of write-back first)");
  }
  replication_.set_peers(vm, peers, config_.host);
  std::erase(degraded_vms_, vm);
}

void HostEngine::Core::mark_underprotected(VmId vm) {
  modes_.state_of(vm);  // throws for an unknown VM
  if (std::find(degraded_vms_.begin(), degraded_vms_.end(), vm) == degraded_vms_.end())
    degraded_vms_.push_back(vm);
}

void HostEngine::Core::received(TimeNs now, HostId from, const PeerMessage& message) {
  if (from == config_.host) {
    throw std::invalid_argument("host " + std::to_string(from) + ": a peer message from itself");
  }
  if (rebuilding_) refuse_while_rebuilding("a message from host " + std::to_string(from));
  now_ = now;
  if (std::find(down_hosts_.begin(), down_hosts_.end(), from) != down_hosts_.end()) {
    ++counters_.down_host_messages_ignored;  // declared down: not a member any more
    return;
  }
  if (const auto* write = std::get_if<ReplicaWrite>(&message)) {
    replica_write_received(now, from, *write);
  } else if (const auto* ack = std::get_if<ReplicaAck>(&message)) {
    replica_ack_received(now, from, *ack);
  } else if (const auto* release = std::get_if<ReplicaRelease>(&message)) {
    replica_release_received(from, *release);
  } else if (!migration_message(now, from, message)) {
    throw std::logic_error("host " + std::to_string(config_.host) + ": peer message from host " +
                           std::to_string(from) +
                           ": RecoveryQuery and RecoveryReply are not used (recover_replicas)");
  }
  settle(now);
}

// ---- owner side

void HostEngine::Core::send_replicas(OpId id, std::uint64_t replica_bytes) {
  Op& op = ops_[id];
  const std::span<const HostId> peers = replication_.peers(op.vm);
  if (peers.empty() || replica_bytes == 0) return;
  ReplicaWrite write{op.vm,
                     replication_.epoch(op.vm),
                     BlockRun{modes_.disk(op.disk).id, op.first_block, op.blocks},
                     std::vector<Version>(op.blocks, 0),
                     0,
                     replica_bytes};
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    if (op.plan[i] != BlockPlan::flash && op.plan[i] != BlockPlan::flash_new) continue;
    write.versions[i] = op.version;
    op.replica_flags[i] |= kReplicated;
  }
  arm_replica_timer();
  for (std::size_t p = 0; p < peers.size(); ++p) {
    const HostId peer = peers[p];
    write.sequence = replication_.expect_ack(id, peer, now_);
    // The last peer's message takes the versions; the others copy them.
    const PeerMessage* message = replication_.post(
        p + 1 == peers.size() ? PeerMessage{std::move(write)} : PeerMessage{write});
    out_.push_back(SendToPeer{peer, message});
    ++op.in_flight;
    ++op.replicas_sent;
    ++counters_.replica_writes_sent;
    counters_.replica_bytes_sent += replica_bytes;
  }
}

// A peer refused: the write's flash blocks go to the array too (once), so that they end clean
// instead of dirty with fewer copies than the policy asks for.
void HostEngine::Core::write_through_instead(OpId id) {
  if (ops_[id].written_through) return;
  ops_[id].written_through = true;
  issue_array_runs(
      id, [](BlockPlan p) { return p == BlockPlan::flash || p == BlockPlan::flash_new; }, false);
}

void HostEngine::Core::replica_ack_received(TimeNs now, HostId from, const ReplicaAck& message) {
  const std::optional<PendingAck> pending = replication_.take_ack(message.sequence, from);
  if (!pending) {  // a duplicate, an ack from the wrong host, or a sequence never sent
    ++counters_.replica_messages_ignored;
    return;
  }
  if (replication_.acks_pending() == 0) timers_.clear(Deadline::replica_ack);
  if (pending->release) {  // the peer dropped its older copies
    ++counters_.release_acks;
    if (--ops_[pending->op].in_flight == 0) finish(pending->op, now);
    return;
  }
  ++counters_.replica_acks;
  const TimeNs round_trip = now - pending->sent_at;
  Op& op = ops_[pending->op];
  if (round_trip >= op.replica_round_trip_ns) {
    op.replica_round_trip_ns = round_trip;
    op.replica_peer_flash_ns = std::clamp<TimeNs>(message.peer_flash_ns, 0, round_trip);
  }
  if (message.status != Status::ok) {
    ++counters_.replica_refusals;
    write_through_instead(pending->op);
  }
  if (--ops_[pending->op].in_flight == 0) finish(pending->op, now);
}

// After a write or discard of a VM with peers: its blocks that were dirty before or were sent to
// the peers, and are now neither dirty nor lost, have op.version (or the discard) on the array.
std::uint32_t HostEngine::Core::release_after_write(OpId id) {
  const Op& op = ops_[id];
  if (op.array_failed) return 0;  // keep every replica: the array may lack the version
  std::vector<Version> versions(op.blocks, 0);
  bool any = false;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    if (op.replica_flags[i] == 0) continue;
    const std::uint64_t key = op.key(i);
    const SlotId slot = index_.find(key);
    if (slot != BlockIndex::kNoSlot && index_.state(slot) == SlotState::dirty) continue;
    if (!lost_.empty() && lost_.contains(key)) continue;
    versions[i] = op.version;
    any = true;
  }
  return any ? send_release(id, op.vm, modes_.disk(op.disk).id, op.first_block, versions) : 0;
}

std::uint32_t HostEngine::Core::release_destaged(OpId id) {
  const Op& op = ops_[id];
  const VmId vm = modes_.disk(op.disk).vm;
  if (replication_.peers(vm).empty()) return 0;
  return send_release(id, vm, modes_.disk(op.disk).id, op.first_block, op.versions);
}

std::uint32_t HostEngine::Core::send_release(OpId id, VmId vm, DiskId disk, BlockNo first,
                                             std::span<const Version> versions) {
  const BlockRun run{disk, first, static_cast<std::uint32_t>(versions.size())};
  if (!replication_.peers(vm).empty()) {
    ops_[id].release_versions.assign(versions.begin(), versions.end());  // for a resend
    arm_replica_timer();
  }
  std::uint32_t sent = 0;
  for (const HostId peer : replication_.peers(vm)) {
    const std::uint64_t sequence = replication_.expect_ack(id, peer, now_, true);
    const PeerMessage* message = replication_.post(
        ReplicaRelease{vm, replication_.epoch(vm), run,
                       std::vector<Version>(versions.begin(), versions.end()), sequence});
    out_.push_back(SendToPeer{peer, message});
    ++ops_[id].in_flight;
    ++counters_.replica_releases_sent;
    ++sent;
  }
  return sent;
}

void HostEngine::Core::arm_replica_timer() {
  if (config_.replica_timeout_ns > 0 && !timers_.at(Deadline::replica_ack)) {
    timers_.set(Deadline::replica_ack, now_ + config_.replica_timeout_ns);
  }
}

void HostEngine::Core::replica_acks_overdue(TimeNs now) {
  std::vector<std::uint64_t>& overdue = overdue_scratch_;
  overdue.clear();
  replication_.overdue(now, overdue);
  for (const std::uint64_t sequence : overdue) {
    PendingAck* ack = replication_.pending(sequence);
    if (ack == nullptr) continue;  // abandoned with its peer a moment ago
    if (ack->resends < config_.replica_retries) {
      ++ack->resends;
      ack->due = now + config_.replica_timeout_ns;
      if (ack->release) resend_release(sequence, *ack);  // a ReplicaWrite is waited for again
      continue;
    }
    const HostId peer = ack->peer;
    const std::uint64_t abandoned = abandon_peer(now, peer);
    ++counters_.peers_unreachable;
    out_.push_back(PeerUnreachable{peer, abandoned});
  }
  if (const std::optional<TimeNs> next = replication_.next_due()) {
    timers_.set(Deadline::replica_ack, *next);
  }
}

// The same release again, with the same sequence: the operation still waits for its ack, so its
// run and versions are as when it was first sent.
void HostEngine::Core::resend_release(std::uint64_t sequence, const PendingAck& ack) {
  const Op& op = ops_[ack.op];
  const VmId vm = modes_.disk(op.disk).vm;
  const auto blocks = static_cast<std::uint32_t>(op.release_versions.size());
  const PeerMessage* message = replication_.post(ReplicaRelease{
      vm, replication_.epoch(vm), BlockRun{modes_.disk(op.disk).id, op.first_block, blocks},
      op.release_versions, sequence});
  out_.push_back(SendToPeer{ack.peer, message});
  ++counters_.replica_resends;
}

// ---- peer side

void HostEngine::Core::replica_write_received(TimeNs now, HostId from,
                                              const ReplicaWrite& message) {
  require_run(message.run, message.versions.size(), from, "replica write");
  // Plan without changing anything: which blocks to write, how many new slots.
  const auto own_disks = static_cast<LocalDisk>(modes_.disk_count());
  std::vector<ReplicaBlockWrite>& writes = replica_scratch_;
  writes.clear();
  std::uint64_t new_blocks = 0;
  bool refuse = false;
  bool waiting = false;  // a block's flash write of this very version is in flight
  for (std::uint32_t i = 0; i < message.run.block_count && !refuse; ++i) {
    const Version version = message.versions[i];
    if (version == 0) continue;
    const std::optional<std::uint64_t> key =
        replicas_.key(from, message.run.disk, message.run.first_block + i, own_disks);
    if (!key) {
      refuse = true;
      break;
    }
    ReplicaEntry* entry = replicas_.find(*key);
    if (entry == nullptr) {
      ++new_blocks;
    } else if (version <= entry->version) {
      // Older than what is held (a late duplicate): nothing to write. The same version still
      // being written: a second delivery, answered by that write's ack.
      waiting = waiting || (version == entry->version && entry->writing > 0);
      continue;
    } else if (entry->writing > 0) {
      refuse = true;  // two writes of one slot in flight could land in either order
      break;
    }
    writes.push_back(ReplicaBlockWrite{*key, version, entry});
  }
  if (waiting && !refuse) {
    ++counters_.replica_duplicates_waiting;
    return;
  }
  if (!refuse && new_blocks > 0 && dirty_room_used() + new_blocks > limit_blocks_) refuse = true;
  // Slots for the new blocks; if one cannot be had, the ones taken go back.
  std::vector<SlotId>& slots = replica_slots_scratch_;
  slots.assign(writes.size(), BlockIndex::kNoSlot);
  for (std::size_t w = 0; w < writes.size() && !refuse; ++w) {
    if (writes[w].entry != nullptr) continue;
    slots[w] = take_replica_slot(writes[w].key);
    if (slots[w] == BlockIndex::kNoSlot) refuse = true;
  }
  if (refuse) {
    for (const SlotId slot : slots)
      if (slot != BlockIndex::kNoSlot) index_.release(slot);
    ++counters_.replica_writes_refused;
    send_replica_ack(from, message, Status::io_error, 0);
    return;
  }
  if (writes.empty()) {
    send_replica_ack(from, message, Status::ok, 0);
    return;
  }
  replicas_.reserve(replicas_.size() + new_blocks);  // the inserts below move no entry
  const OpId id = ops_.create(OpKind::replica);
  Op& op = ops_[id];
  op.peer = from;
  op.request = message.sequence;
  op.vm = message.vm;
  op.epoch = message.epoch;
  op.started_at = now;
  op.replica_keys.clear();
  op.io_slots.clear();
  op.io_versions.clear();
  for (std::size_t w = 0; w < writes.size(); ++w) {
    const auto [key, version, held] = writes[w];
    ReplicaEntry* entry =
        held != nullptr ? replicas_.find(key) : &replicas_.insert(key, ReplicaEntry{slots[w]});
    entry->version = version;
    entry->epoch = message.epoch;
    entry->released = false;
    ++entry->writing;
    op.replica_keys.push_back(key);
    op.io_slots.push_back(entry->slot);
    op.io_versions.push_back(version);
  }
  std::uint64_t written = 0;
  for (const Version version : message.versions)
    written += version != 0;
  const std::uint64_t bytes =
      writes.size() == written ? message.bytes : std::uint64_t{writes.size()} << block_shift_;
  const auto count = static_cast<std::uint32_t>(writes.size());
  out_.push_back(FlashWrite{ops_.issue(id, CmdPurpose::replica_write, 0, count), op.io_slots,
                            op.io_versions, bytes});
  ++counters_.replica_writes_taken;
  counters_.replica_blocks_written += count;
  counters_.replica_flash_write_bytes += bytes;
  counters_.flash_write_bytes += bytes;
}

// The replica's flash write completed: ack the owner. A failed write loses the slot's content,
// so the replica is dropped and the owner told (it then writes through to the array).
void HostEngine::Core::replica_written(OpId id, Status status) {
  Op& op = ops_[id];
  std::vector<std::uint64_t> to_recover;  // its owner failed meanwhile (recover_replicas)
  for (const std::uint64_t key : op.replica_keys) {
    ReplicaEntry* entry = replicas_.find(key);
    --entry->writing;
    const bool recovering = entry->recovering && entry->writing == 0;
    if (status == Status::ok) entry->landed = true;
    if (status != Status::ok) {
      drop_replica(key, entry->slot);
      if (recovering) recovery_block_done(op.peer, key, false);
    } else if (entry->released && entry->writing == 0) {
      drop_replica(key, entry->slot);
      ++counters_.replica_blocks_released;
    } else if (recovering) {
      entry->recovering = false;
      to_recover.push_back(key);
    }
  }
  const PeerMessage* message = replication_.post(
      ReplicaAck{op.vm, op.epoch, op.request, status, std::max<TimeNs>(0, now_ - op.started_at)});
  out_.push_back(SendToPeer{op.peer, message});
  const HostId owner = op.peer;
  for (const std::uint64_t key : to_recover)  // creates operations: `op` is not used after this
    start_recovery_run(owner, std::span<const std::uint64_t>(&key, 1));
}

void HostEngine::Core::send_replica_ack(HostId to, const ReplicaWrite& write, Status status,
                                        TimeNs flash_ns) {
  const PeerMessage* message =
      replication_.post(ReplicaAck{write.vm, write.epoch, write.sequence, status, flash_ns});
  out_.push_back(SendToPeer{to, message});
}

void HostEngine::Core::replica_release_received(HostId from, const ReplicaRelease& message) {
  require_run(message.run, message.versions.size(), from, "replica release");
  const PeerMessage* answer =
      replication_.post(ReplicaAck{message.vm, message.epoch, message.sequence, Status::ok, 0});
  out_.push_back(SendToPeer{from, answer});
  for (std::uint32_t i = 0; i < message.run.block_count; ++i) {
    const Version version = message.versions[i];
    if (version == 0) continue;
    const std::optional<std::uint64_t> key =
        replicas_.find_key(from, message.run.disk, message.run.first_block + i);
    ReplicaEntry* entry = key ? replicas_.find(*key) : nullptr;
    if (entry == nullptr || entry->version > version) continue;  // not held, or newer: kept
    if (entry->writing > 0) {
      entry->released = true;
    } else {
      drop_replica(*key, entry->slot);
      ++counters_.replica_blocks_released;
    }
  }
}

// A slot for a replica: a free one, else a clean block's (evicted). Not given to the eviction
// policy: a replica is never evicted, only released.
SlotId HostEngine::Core::take_replica_slot(std::uint64_t key) {
  SlotId slot = index_.allocate(key, SlotState::filling);
  if (slot != BlockIndex::kNoSlot) return slot;
  if (index_.clean() == 0) return BlockIndex::kNoSlot;
  const std::optional<SlotId> victim = policy_->evict(key, *this);
  if (!victim) return BlockIndex::kNoSlot;
  index_.reassign(*victim, key, SlotState::filling);
  ++counters_.evictions;
  return *victim;
}

void HostEngine::Core::drop_replica(std::uint64_t key, SlotId slot) {
  index_.release(slot);
  replicas_.erase(key);
}

}  // namespace flashtwin::engine
