// Failures (rules: docs/CLUSTER.md, "Failures").
//
// Owner side. The runtime's cluster manager declares a host down (peer_down): it leaves every
// VM's peers, and every write waiting for its ack goes on as if it had refused: its flash blocks
// go to the array too, so they end clean rather than dirty with fewer copies than asked. Messages
// from a host declared down are ignored from then on (a host comes back only as a new member).
// A peer given up on after its acks timed out (replica_path.cpp) is abandoned the same way, but
// not declared down.
//
// Peer side, link cuts: forget_replicas drops what this host holds for an owner that gave up on
// it (the copies may be stale: a release the owner stopped waiting for may never have come).
//
// Peer side. When an owner failed (recover_replicas), every replica this host holds for it is
// written to the array, coalesced into runs of adjacent blocks: a flash read of the replica
// slots, then an array write marked destage; then the replicas are dropped. Like destage, at most
// destage.max_in_flight runs are under way at once (the others wait in order). No locks: the owner
// is gone, and the runtime restarts its VMs only once every survivor said ReplicasRecovered. Two
// peers may write different versions of a block (a write in flight at the crash reached one of
// them): both are at least the last acknowledged version, and nothing reads the block before
// recovery ends, so either may land last.
#include "engine_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

void HostEngine::Core::peer_down(TimeNs now, HostId host) {
  if (host == config_.host) {
    throw std::invalid_argument("host " + std::to_string(host) + ": declared down to itself");
  }
  now_ = now;
  if (std::find(down_hosts_.begin(), down_hosts_.end(), host) != down_hosts_.end()) return;
  down_hosts_.push_back(host);
  ++counters_.peers_down;
  abandon_peer(now, host);
  settle(now);
}

std::uint64_t HostEngine::Core::abandon_peer(TimeNs now, HostId host) {
  std::uint64_t abandoned = 0;
  for (const PendingAck& owed : replication_.drop_peer(host, degraded_vms_)) {
    ++counters_.replica_acks_abandoned;
    ++abandoned;
    if (!owed.release) write_through_instead(owed.op);  // a copy it owed: to the array instead
    if (--ops_[owed.op].in_flight == 0) finish(owed.op, now);
  }
  std::sort(degraded_vms_.begin(), degraded_vms_.end());
  degraded_vms_.erase(std::unique(degraded_vms_.begin(), degraded_vms_.end()), degraded_vms_.end());
  if (replication_.acks_pending() == 0) timers_.clear(Deadline::replica_ack);
  return abandoned;
}

std::uint64_t HostEngine::Core::forget_replicas(TimeNs now, HostId owner) {
  if (owner == config_.host) {
    throw std::invalid_argument("host " + std::to_string(owner) + ": forgetting its own replicas");
  }
  if (recoveries_.contains(owner)) {
    throw std::logic_error("host " + std::to_string(config_.host) + ": recovery of host " +
                           std::to_string(owner) + " in progress");
  }
  if (rebuilding_) refuse_while_rebuilding("forget_replicas");
  now_ = now;
  std::vector<std::uint64_t> keys;
  replicas_.for_each([&](std::uint64_t key, const ReplicaEntry& entry) {
    if (!entry.released && replicas_.owner_of(key).first == owner) keys.push_back(key);
  });
  for (const std::uint64_t key : keys) {
    ReplicaEntry* entry = replicas_.find(key);
    if (entry->writing > 0) {
      entry->released = true;  // dropped when its flash write completes (replica_written)
    } else {
      drop_replica(key, entry->slot);
    }
  }
  counters_.replicas_forgotten += keys.size();
  settle(now);  // the room they took under the dirty limit is free
  return keys.size();
}

void HostEngine::Core::peer_rejoined(HostId host) {
  if (host == config_.host) {
    throw std::invalid_argument("host " + std::to_string(host) + ": rejoined itself");
  }
  std::erase(down_hosts_, host);
}

void HostEngine::Core::recover_replicas(TimeNs now, HostId owner) {
  if (owner == config_.host) {
    throw std::invalid_argument("host " + std::to_string(owner) + ": recovering its own replicas");
  }
  if (recoveries_.contains(owner)) {
    throw std::logic_error("host " + std::to_string(config_.host) + ": recovery of host " +
                           std::to_string(owner) + " already in progress");
  }
  now_ = now;
  ++counters_.recoveries;
  std::vector<std::uint64_t> keys;
  replicas_.for_each([&](std::uint64_t key, const ReplicaEntry& entry) {
    if (!entry.released && replicas_.owner_of(key).first == owner) keys.push_back(key);
  });
  std::sort(keys.begin(), keys.end());
  if (keys.empty()) {
    out_.push_back(ReplicasRecovered{owner, 0, 0});
    return;
  }
  recoveries_[owner].blocks_left = keys.size();
  // Replicas whose flash write is in flight wait for it (replica_written); the others go in runs.
  std::vector<std::uint64_t> run;
  auto flush_run = [&] {
    if (!run.empty()) start_recovery_run(owner, run);
    run.clear();
  };
  for (const std::uint64_t key : keys) {
    ReplicaEntry& entry = *replicas_.find(key);
    if (entry.writing > 0) {
      entry.recovering = true;
      continue;
    }
    if (!run.empty() && (key != run.back() + 1 || run.size() == coalesce_blocks_)) flush_run();
    run.push_back(key);
  }
  flush_run();
  settle(now);
}

std::uint64_t HostEngine::Core::replica_blocks_for(HostId owner) const {
  std::uint64_t blocks = 0;
  replicas_.for_each([&](std::uint64_t key, const ReplicaEntry& entry) {
    if (!entry.released && replicas_.owner_of(key).first == owner) ++blocks;
  });
  return blocks;
}

void HostEngine::Core::start_recovery_run(HostId owner, std::span<const std::uint64_t> keys) {
  recovery_queue_.emplace_back(owner, std::vector<std::uint64_t>(keys.begin(), keys.end()));
  pump_recovery();
}

void HostEngine::Core::pump_recovery() {
  while (!recovery_queue_.empty() && recovery_in_flight_ < config_.destage.max_in_flight) {
    const auto [owner, keys] = std::move(recovery_queue_.front());
    recovery_queue_.pop_front();
    ++recovery_in_flight_;
    issue_recovery_run(owner, keys);
  }
}

// One run of adjacent replica blocks of one (owner, disk): read from flash, then written to the
// array (recovery_completed).
void HostEngine::Core::issue_recovery_run(HostId owner, std::span<const std::uint64_t> keys) {
  const OpId id = ops_.create(OpKind::recovery);
  Op& op = ops_[id];
  op.peer = owner;
  op.started = true;
  op.started_at = now_;
  op.first_block = block_of(keys.front());
  op.replica_keys.assign(keys.begin(), keys.end());
  op.io_slots.clear();
  for (const std::uint64_t key : keys)
    op.io_slots.push_back(replicas_.find(key)->slot);
  const auto count = static_cast<std::uint32_t>(keys.size());
  const std::uint64_t bytes = std::uint64_t{count} << block_shift_;
  out_.push_back(
      FlashRead{ops_.issue(id, CmdPurpose::recovery_read, 0, count), op.io_slots, bytes});
  counters_.flash_read_bytes += bytes;
}

void HostEngine::Core::recovery_completed(OpId id, const Cmd& cmd, Status status,
                                          std::span<const Version> data) {
  Op& op = ops_[id];
  const bool ok = status == Status::ok;
  if (cmd.purpose == CmdPurpose::recovery_read && ok) {
    op.io_versions.assign(data.begin(), data.end());
    const DiskId disk = replicas_.owner_of(op.replica_keys.front()).second;
    const auto count = static_cast<std::uint32_t>(op.replica_keys.size());
    const std::uint64_t bytes = std::uint64_t{count} << block_shift_;
    out_.push_back(ArrayWrite{ops_.issue(id, CmdPurpose::recovery_write, 0, count), disk,
                              op.first_block << block_shift_, bytes, op.first_block, op.io_versions,
                              false, true});
    counters_.array_write_bytes += bytes;
    return;
  }
  // Written to the array, or lost: a failed flash read or array write is not retried (the
  // runtime counts what the array lacks once every survivor is done).
  const HostId owner = op.peer;
  const std::vector<std::uint64_t> keys = op.replica_keys;
  for (const std::uint64_t key : keys)
    recovery_block_done(owner, key, ok);
}

void HostEngine::Core::recovery_block_done(HostId owner, std::uint64_t key, bool written) {
  if (const ReplicaEntry* entry = replicas_.find(key)) drop_replica(key, entry->slot);
  Recovery& recovery = recoveries_[owner];
  ++(written ? recovery.written : recovery.lost);
  ++(written ? counters_.recovered_blocks : counters_.recovery_blocks_lost);
  if (--recovery.blocks_left > 0) return;
  out_.push_back(ReplicasRecovered{owner, recovery.written, recovery.lost});
  recoveries_.erase(owner);
}

}  // namespace flashtwin::engine
