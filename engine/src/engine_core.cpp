// Set-up, control, event dispatch and the bookkeeping shared by every path.
#include "engine_core.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

namespace {

// Throws std::invalid_argument with the message `describe()` builds, which runs only on failure
// (these checks sit on the per-request path).
template <class Describe>
void require(bool ok, Describe&& describe) {
  if (!ok) throw std::invalid_argument(describe());
}

std::uint32_t validated_capacity(const EngineConfig& c) {
  require(
      c.block_bytes == 512 || (std::has_single_bit(c.block_bytes) && c.block_bytes >= 4096 &&
                               c.block_bytes <= (1u << 20)),
      [&] {
        return std::string("block_bytes: must be 512 or a power of two from 4096 to 1048576, got " +
                           std::to_string(c.block_bytes));
      });
  require(c.capacity_blocks >= 16 && c.capacity_blocks < 0xFFFFFFFFull, [&] {
    return std::string("capacity_blocks: must be in 16..4294967294, got " +
                       std::to_string(c.capacity_blocks));
  });
  const DestageConfig& d = c.destage;
  require(
      d.low_watermark > 0 && d.low_watermark <= d.high_watermark &&
          d.high_watermark <= d.dirty_limit && d.dirty_limit <= 1,
      [&] {
        return std::string("destage: need 0 < low_watermark <= high_watermark <= dirty_limit <= 1");
      });
  require(d.max_in_flight >= 1,
          [&] { return std::string("destage.max_in_flight: must be at least 1"); });
  require(d.max_coalesce_bytes >= c.block_bytes,
          [&] { return std::string("destage.max_coalesce_bytes: must be at least one block"); });
  require(d.idle_after_ns >= 0,
          [&] { return std::string("destage.idle_after_ns: must not be negative"); });
  require(d.max_rate_bytes_per_s == 0 || d.min_rate_bytes_per_s <= d.max_rate_bytes_per_s, [&] {
    return "destage.min_rate_bytes_per_s: " + std::to_string(d.min_rate_bytes_per_s) +
           " is above destage.max_rate_bytes_per_s " + std::to_string(d.max_rate_bytes_per_s);
  });
  require(d.max_rate_bytes_per_s <= (std::uint64_t{1} << 50), [&] {
    return std::string("destage.max_rate_bytes_per_s: must be at most 2^50 (0: no pacing)");
  });
  require(d.max_tries >= 1, [&] { return std::string("destage.max_tries: must be at least 1"); });
  require(d.retry_after_ns >= 0 && d.retry_after_ns <= (TimeNs{1} << 50),
          [&] { return std::string("destage.retry_after_ns: must be in 0..2^50"); });
  require(c.replica_timeout_ns >= 0 && c.replica_timeout_ns <= (TimeNs{1} << 50),
          [&] { return std::string("replica_timeout_ns: must be in 0..2^50 (0: no timeout)"); });
  require(c.replica_retries <= 100,
          [&] { return std::string("replica_retries: must be at most 100"); });
  return static_cast<std::uint32_t>(c.capacity_blocks);
}

}  // namespace

HostEngine::Core::Core(const EngineConfig& config)
    : config_(config),
      index_(validated_capacity(config)),
      admission_(config.admission, config.capacity_blocks),
      modes_(config.block_bytes) {
  block_shift_ = static_cast<std::uint32_t>(std::countr_zero(config_.block_bytes));
  const double capacity = static_cast<double>(config_.capacity_blocks);
  low_blocks_ = static_cast<std::uint64_t>(std::ceil(capacity * config_.destage.low_watermark));
  high_blocks_ = static_cast<std::uint64_t>(std::ceil(capacity * config_.destage.high_watermark));
  limit_blocks_ = static_cast<std::uint64_t>(std::floor(capacity * config_.destage.dirty_limit));
  coalesce_blocks_ = static_cast<std::uint32_t>(config_.destage.max_coalesce_bytes >> block_shift_);
  pacer_.emplace(config_.destage, low_blocks_, high_blocks_);
  replication_.set_ack_timeout(config_.replica_timeout_ns);
  policy_ = make_eviction_policy(
      config_.eviction,
      PolicyContext{index_.capacity(), [this](SlotId slot) { return index_.key_of(slot); }});
}

// ---- control

void HostEngine::Core::add_datastore(DatastoreId datastore, CacheMode mode) {
  modes_.add_datastore(datastore, mode);
}

void HostEngine::Core::add_vm(VmId vm, DatastoreId datastore, std::optional<CacheMode> mode) {
  modes_.add_vm(vm, datastore, mode);
}

void HostEngine::Core::add_disk(VmId vm, DiskId disk, std::uint64_t size_bytes) {
  require(modes_.disk_count() + 1 < replicas_.lowest_code(), [&] {
    return std::string("disk " + std::to_string(disk) +
                       ": too many disks and replicated disks on one host");
  });
  modes_.add_disk(vm, disk, size_bytes);
}

void HostEngine::Core::set_vm_mode(TimeNs now, VmId vm, std::optional<CacheMode> mode) {
  modes_.set_vm_mode(vm, mode, out_);
  settle(now);
}

void HostEngine::Core::set_datastore_mode(TimeNs now, DatastoreId datastore, CacheMode mode) {
  modes_.set_datastore_mode(datastore, mode, out_);
  settle(now);
}

ModeState HostEngine::Core::mode_of(VmId vm) const {
  return modes_.mode_of(vm);
}

// ---- events

// The request's disk; throws std::invalid_argument for an unknown one.
LocalDisk HostEngine::Core::known_disk(const IoRequest& request) {
  const std::optional<LocalDisk> found = modes_.find_disk(request.disk);
  require(found.has_value(), [&] {
    return std::string("request " + std::to_string(request.id) + ": unknown disk " +
                       std::to_string(request.disk));
  });
  return *found;
}

// Throws std::out_of_range for a range outside the disk or longer than one request may carry.
void HostEngine::Core::check_range(const IoRequest& request, const DiskState& d) const {
  if (request.kind != IoKind::flush &&
      (request.length_bytes == 0 || request.offset_bytes > d.size_bytes ||
       request.length_bytes > d.size_bytes - request.offset_bytes)) {
    throw std::out_of_range("request " + std::to_string(request.id) + ": range [" +
                            std::to_string(request.offset_bytes) + ", +" +
                            std::to_string(request.length_bytes) + ") outside disk " +
                            std::to_string(d.id) + " of " + std::to_string(d.size_bytes) +
                            " bytes");
  }
  if (request.length_bytes > kMaxRequestBytes) {
    throw std::out_of_range("request " + std::to_string(request.id) + ": " +
                            std::to_string(request.length_bytes) + " bytes is more than one " +
                            "request may carry (" + std::to_string(kMaxRequestBytes) +
                            "); the runtime splits larger ones");
  }
}

void HostEngine::Core::submit(TimeNs now, const IoRequest& request) {
  if (rebuilding_) refuse_while_rebuilding("request " + std::to_string(request.id));
  now_ = now;
  const LocalDisk disk = known_disk(request);
  DiskState& d = modes_.disk(disk);
  if (migration_.any()) require_owner(d.vm);
  check_range(request, d);
  static constexpr OpKind kKinds[] = {OpKind::read, OpKind::write, OpKind::flush, OpKind::discard};
  const OpId id = ops_.create(kKinds[static_cast<int>(request.kind)]);
  Op& op = ops_[id];
  op.disk = disk;
  op.request = request.id;
  op.offset = request.offset_bytes;
  op.length = request.length_bytes;
  op.version = request.version;
  op.mode = modes_.request_mode(disk);
  op.vm = d.vm;
  op.submitted_at = now;
  ++d.requests_in_flight;
  // Counted from submission (not from start), so that a drain out of write-back also waits for
  // write-back writes still queued behind locks or at the dirty gate.
  if (request.kind == IoKind::write && op.mode == CacheMode::write_back)
    modes_.write_back_started(disk);
  const std::uint64_t block_mask = config_.block_bytes - 1;
  const std::uint64_t end = op.offset + op.length;
  switch (request.kind) {
    case IoKind::read:
    case IoKind::write:
      ++(request.kind == IoKind::read ? counters_.read_requests : counters_.write_requests);
      (request.kind == IoKind::read ? counters_.read_bytes : counters_.write_bytes) += op.length;
      op.first_block = op.offset >> block_shift_;
      op.blocks = static_cast<std::uint32_t>(((end + block_mask) >> block_shift_) - op.first_block);
      op.admitted = admission_.admit_request(disk, op.offset, op.length) &&
                    op.mode != CacheMode::pass_through && op.blocks <= bypass_blocks();
      break;
    case IoKind::discard: {  // only whole blocks are discarded
      ++counters_.discard_requests;
      op.first_block = (op.offset + block_mask) >> block_shift_;
      const BlockNo last = end >> block_shift_;
      op.blocks = last > op.first_block ? static_cast<std::uint32_t>(last - op.first_block) : 0;
      break;
    }
    case IoKind::flush:
      ++counters_.flush_requests;
      break;
  }
  ++foreground_in_flight_;
  idle_ = false;
  if (op.kind == OpKind::flush) {
    start_flush(id, now);
  } else {
    op.lock = op.kind == OpKind::read ? LockMode::read : LockMode::write;
    // Only writes that need dirty room wait at the gate, in order: once one waits, later ones
    // that need room queue behind it, and so does any write of a disk with a write waiting there
    // (it might overlap it). Reads and other disks' writes that need no room go on.
    const bool passes = op.kind == OpKind::read ||
                        (dirty_gate_.empty() ? pass_dirty_gate(id)
                                             : d.gated_writes == 0 && new_dirty_estimate(op) == 0);
    if (passes) {
      enqueue(id);
    } else {
      dirty_gate_.push_back(id);
      ++modes_.disk(disk).gated_writes;
      ++counters_.writes_throttled;
    }
  }
  settle(now);
}

void HostEngine::Core::completed(TimeNs now, CommandId command, Status status,
                                 std::span<const Version> data) {
  const Cmd* found = ops_.find(command);
  require(found != nullptr,
          [&] { return std::string("completion of unknown command " + std::to_string(command)); });
  const Cmd cmd = *found;
  // Every argument is checked before any state changes: a rejected completion leaves the engine
  // as it was, and the command still pending.
  require(status == Status::ok || status == Status::io_error, [&] {
    return "completion of command " + std::to_string(command) + ": invalid status " +
           std::to_string(static_cast<int>(status));
  });
  const bool read = cmd.purpose == CmdPurpose::hit_read || cmd.purpose == CmdPurpose::miss_read ||
                    cmd.purpose == CmdPurpose::destage_read ||
                    cmd.purpose == CmdPurpose::remote_read ||
                    cmd.purpose == CmdPurpose::recovery_read;
  const std::size_t expected = read && status == Status::ok ? cmd.count : 0;
  require(data.size() == expected || (read && status != Status::ok), [&] {
    return "completion of command " + std::to_string(command) + " carries " +
           std::to_string(data.size()) + " versions, expected " + std::to_string(expected) +
           (read ? " (one per block read)" : " (a write completion carries none)");
  });
  now_ = now;
  ops_.complete(command);  // off the operation's in_flight
  if (status != Status::ok) ++counters_.io_errors;
  Op& op = ops_[cmd.op];
  switch (cmd.purpose) {
    case CmdPurpose::hit_read:
    case CmdPurpose::miss_read:
    case CmdPurpose::fill_write:
      read_completed(cmd.op, cmd, status, data);
      break;
    case CmdPurpose::flash_write:
    case CmdPurpose::array_write:
      if (cmd.purpose == CmdPurpose::flash_write) op.flash_done_at = now;
      if (status != Status::ok) {
        op.status = Status::io_error;
        (cmd.purpose == CmdPurpose::flash_write ? op.flash_failed : op.array_failed) = true;
      }
      break;
    case CmdPurpose::destage_read:
    case CmdPurpose::destage_write:
      destage_completed(cmd.op, cmd, status, data);
      break;
    case CmdPurpose::replica_write:
      replica_written(cmd.op, status);
      break;
    case CmdPurpose::remote_read:
      remote_flash_read_completed(cmd.op, status, data);
      break;
    case CmdPurpose::recovery_read:
    case CmdPurpose::recovery_write:
      recovery_completed(cmd.op, cmd, status, data);
      break;
    case CmdPurpose::rebuild_read:
      break;
  }
  Op& after = ops_[cmd.op];
  if (after.in_flight == 0) finish(cmd.op, now);
  settle(now);
}

// Whatever is due runs; pacing and retry deadlines need nothing but the destage pump in settle().
void HostEngine::Core::timer_fired(TimeNs now, TimerId timer) {
  require(timer == TimerTable::kEngineTimer,
          [&] { return std::string("unknown timer " + std::to_string(timer)); });
  now_ = now;
  timers_.fired();
  if (timers_.take_due(Deadline::idle, now) && foreground_in_flight_ == 0) {
    const TimeNs due = quiet_since_ + config_.destage.idle_after_ns;
    if (now >= due) {
      idle_ = true;
    } else {
      timers_.set(Deadline::idle, due);
    }
  }
  timers_.take_due(Deadline::destage_pace, now);
  timers_.take_due(Deadline::destage_retry, now);
  if (timers_.take_due(Deadline::replica_ack, now)) replica_acks_overdue(now);
  settle(now);
}

std::span<const Command> HostEngine::Core::drain() {
  ops_.runtime_drained();
  replication_.runtime_drained();
  if (out_.empty()) return {};
  drained_.swap(out_);
  out_.clear();
  return drained_;
}

// ---- operations

void HostEngine::Core::enqueue(OpId id) {
  Op& op = ops_[id];
  if (op.blocks > 0) ++modes_.disk(op.disk).locking_ops;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    if (!locks_.acquire(op.key(i), id, op.lock)) ++op.ungranted;
  }
  if (op.ungranted == 0) ready_.push_back(id);
}

void HostEngine::Core::start(OpId id) {
  Op& op = ops_[id];
  op.started = true;
  op.started_at = now_;
  switch (op.kind) {
    case OpKind::read:
      start_read(id);
      break;
    case OpKind::write:
      if (!invalidate_first(id)) start_write(id);
      break;
    case OpKind::discard:
      if (!invalidate_first(id)) start_discard(id);
      break;
    case OpKind::remote_read:
      start_remote_read(id);
      break;
    case OpKind::destage:
      issue_destage(id);
      break;
    case OpKind::flush:
    case OpKind::replica:
    case OpKind::invalidate:
    case OpKind::recovery:
    case OpKind::rebuild:
      break;  // started where they are created
  }
  Op& after = ops_[id];
  if (after.started && after.in_flight == 0) finish(id, now_);
}

// Runs everything the last event made possible: granted operations, gated writes, flushes and
// drains that may be done, destage that may start. Loops until nothing more moves.
void HostEngine::Core::settle(TimeNs now) {
  do {
    while (!ready_.empty()) {
      starting_.swap(ready_);
      for (OpId id : starting_)
        start(id);
      starting_.clear();
    }
    if (!dirty_gate_.empty() || !flushes_.empty() || modes_.draining() > 0 || !invalidates_.empty())
      check_waiters(now);
    if (dirty_.size() > 0) pump_destage();
  } while (!ready_.empty());
  if (migration_.handoffs_due() > 0) hand_off_departed_vms();
  if (const std::optional<TimeNs> at = timers_.to_tell())
    out_.push_back(SetTimer{TimerTable::kEngineTimer, *at});
}

void HostEngine::Core::finish(OpId id, TimeNs now) {
  Op& op = ops_[id];
  if (op.kind == OpKind::replica || op.kind == OpKind::invalidate || op.kind == OpKind::recovery ||
      op.kind == OpKind::rebuild) {  // no VM request, no locks
    if (op.kind == OpKind::rebuild) rebuild_finished();
    ops_.retire(id);
    if (op.kind == OpKind::recovery) {
      --recovery_in_flight_;
      pump_recovery();
    }
    return;
  }
  if (op.kind == OpKind::remote_read) {  // for a migrated VM's new owner: locks, no VM request
    release_locks(id);
    ops_.retire(id);
    return;
  }
  if ((op.kind == OpKind::write || op.kind == OpKind::discard) && !op.releasing) {
    write_finished(op);
    op.releasing = true;
    // The VM is acknowledged, and the locks released, once the peers dropped the older copies.
    if (!op.replica_flags.empty() && release_after_write(id) > 0) return;
  }
  if (op.kind != OpKind::destage) ack(op);
  release_locks(id);
  if (op.kind == OpKind::destage) {
    --destage_in_flight_;
  } else {
    if (op.kind == OpKind::write && op.mode == CacheMode::write_back) {
      modes_.write_back_ended(op.disk);
    }
    if (--foreground_in_flight_ == 0) went_quiet(now);
  }
  ops_.retire(id);
}

void HostEngine::Core::release_locks(OpId id) {
  const Op& op = ops_[id];
  if (op.blocks > 0) --modes_.disk(op.disk).locking_ops;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    locks_.release(op.key(i), id, [this](OpId granted) {
      if (--ops_[granted].ungranted == 0) ready_.push_back(granted);
    });
  }
}

void HostEngine::Core::ack(Op& op) {
  if (op.acked) return;
  op.acked = true;
  --modes_.disk(op.disk).requests_in_flight;
  const bool read = op.kind == OpKind::read;
  WriteTiming timing;
  if (op.kind == OpKind::write && op.started) {
    timing.total_ns = now_ - op.submitted_at;
    timing.waited_ns = std::max<TimeNs>(0, op.started_at - op.submitted_at);
    timing.local_flash_ns = std::max<TimeNs>(0, op.flash_done_at - op.started_at);
    timing.network_ns = op.replica_round_trip_ns - op.replica_peer_flash_ns;
    timing.peer_flash_ns = op.replica_peer_flash_ns;
    timing.replicas = op.replicas_sent;
  }
  out_.push_back(CompleteRequest{
      op.request, op.status, op.served,
      read ? std::span<const Version>(op.versions) : std::span<const Version>(), timing});
}

// ---- slots

bool HostEngine::Core::pinned(SlotId slot) const {
  ++counters_.eviction_slots_examined;
  return index_.state(slot) != SlotState::clean || locks_.busy(index_.key_of(slot));
}

SlotId HostEngine::Core::take_slot(std::uint64_t key, SlotState state, const SlotPins& pins) {
  SlotId slot = index_.allocate(key, state);
  if (slot == BlockIndex::kNoSlot) {
    // Every slot dirty or filling (dirty_limit 1.0 gets there): nothing to evict, and asking the
    // policy would walk all of its slots on every miss.
    if (index_.clean() == 0) return BlockIndex::kNoSlot;
    std::optional<SlotId> victim = policy_->evict(key, pins);
    if (!victim) return BlockIndex::kNoSlot;
    slot = *victim;
    index_.reassign(slot, key, state);
    ++counters_.evictions;
  }
  policy_->on_insert(slot, key);
  return slot;
}

void HostEngine::Core::drop_slot(SlotId slot) {
  const std::uint64_t key = index_.key_of(slot);
  if (index_.state(slot) == SlotState::dirty) mark_clean(key, slot);
  policy_->on_remove(slot);
  index_.release(slot);
}

void HostEngine::Core::mark_dirty(std::uint64_t key, SlotId slot) {
  if (dirty_.mark_written(key, ++seq_)) modes_.block_dirtied(disk_of(key));
  index_.set_state(slot, SlotState::dirty);
}

void HostEngine::Core::mark_clean(std::uint64_t key, SlotId slot) {
  if (const DirtySet::Entry* entry = dirty_.find(key)) {
    if (entry->destaging()) --destaging_blocks_;
    dirty_.erase(key);
    modes_.block_cleaned(disk_of(key));
  }
  index_.set_state(slot, SlotState::clean);
}

// ---- observation

void HostEngine::Core::visit_counters(CounterVisitor& v) const {
  const Counters& c = counters_;
  v.counter("read_requests", c.read_requests);
  v.counter("write_requests", c.write_requests);
  v.counter("flush_requests", c.flush_requests);
  v.counter("discard_requests", c.discard_requests);
  v.counter("read_bytes", c.read_bytes);
  v.counter("write_bytes", c.write_bytes);
  v.counter("read_hit_blocks", c.read_hit_blocks);
  v.counter("read_miss_blocks", c.read_miss_blocks);
  v.counter("write_hit_blocks", c.write_hit_blocks);
  v.counter("write_miss_blocks", c.write_miss_blocks);
  v.counter("fill_blocks", c.fill_blocks);
  v.counter("evictions", c.evictions);
  v.counter("eviction_slots_examined", c.eviction_slots_examined);
  v.counter("invalidations", c.invalidations);
  v.counter("admissions_refused_blocks", c.admissions_refused);
  v.counter("flash_read_bytes", c.flash_read_bytes);
  v.counter("flash_write_bytes", c.flash_write_bytes);
  v.counter("array_read_bytes", c.array_read_bytes);
  v.counter("array_write_bytes", c.array_write_bytes);
  v.counter("destage_writes", c.destage_writes);
  v.counter("destaged_blocks", c.destaged_blocks);
  v.counter("destaged_bytes", c.destaged_bytes);
  v.counter("writes_throttled", c.writes_throttled);
  v.counter("io_errors", c.io_errors);
  v.counter("destage_failures", c.destage_failures);
  v.counter("destage_waiters_failed", c.destage_waiters_failed);
  v.counter("dirty_blocks_lost", c.dirty_blocks_lost);
  v.counter("lost_block_reads", c.lost_block_reads);
  v.counter("peers_down", c.peers_down);
  v.counter("replica_acks_abandoned", c.replica_acks_abandoned);
  v.counter("down_host_messages_ignored", c.down_host_messages_ignored);
  v.counter("recoveries", c.recoveries);
  v.counter("index_rebuilds", c.index_rebuilds);
  v.counter("recovered_blocks", c.recovered_blocks);
  v.counter("recovery_blocks_lost", c.recovery_blocks_lost);
  v.counter("replica_resends", c.replica_resends);
  v.counter("peers_unreachable", c.peers_unreachable);
  v.counter("replica_duplicates_waiting", c.replica_duplicates_waiting);
  v.counter("replicas_forgotten", c.replicas_forgotten);
  // Dirty blocks with fewer copies than asked: of VMs that lost a peer, and replicas of failed
  // owners not yet written to the array.
  std::uint64_t underprotected = 0;
  for (const VmId vm : degraded_vms_)
    underprotected += modes_.state_of(vm).dirty_blocks;
  for (const auto& [owner, recovery] : recoveries_)
    underprotected += recovery.blocks_left;
  v.counter("underprotected_dirty_blocks", underprotected);
  v.counter("lost_blocks", lost_.size());
  v.counter("dirty_blocks", dirty_.size());
  v.counter("cached_blocks", index_.used());
  v.counter("capacity_blocks", config_.capacity_blocks);
  v.counter("replica_writes_sent", c.replica_writes_sent);
  v.counter("replica_bytes_sent", c.replica_bytes_sent);
  v.counter("replica_acks", c.replica_acks);
  v.counter("replica_refusals", c.replica_refusals);
  v.counter("replica_releases_sent", c.replica_releases_sent);
  v.counter("release_acks", c.release_acks);
  v.counter("replica_messages_ignored", c.replica_messages_ignored);
  v.counter("replica_writes_taken", c.replica_writes_taken);
  v.counter("replica_writes_refused", c.replica_writes_refused);
  v.counter("replica_blocks_written", c.replica_blocks_written);
  v.counter("replica_blocks_released", c.replica_blocks_released);
  v.counter("replica_flash_write_bytes", c.replica_flash_write_bytes);
  v.counter("replica_blocks", replicas_.size());
  // Dirty blocks of VMs without peers: their only copy is this host's flash.
  std::uint64_t unreplicated = dirty_.size();
  if (replication_.any()) {
    for (LocalDisk d = 0; d < modes_.disk_count(); ++d) {
      if (!replication_.peers(modes_.disk(d).vm).empty())
        unreplicated -= modes_.disk(d).dirty_blocks;
    }
  }
  v.counter("unreplicated_dirty_blocks", unreplicated);
  v.counter("replica_acks_pending", replication_.acks_pending());
  v.counter("remote_reads_sent", c.remote_reads_sent);
  v.counter("remote_hit_blocks", c.remote_hit_blocks);
  v.counter("remote_read_bytes", c.remote_read_bytes);
  v.counter("remote_absent_blocks", c.remote_absent_blocks);
  v.counter("invalidates_sent", c.invalidates_sent);
  v.counter("invalidate_acks", c.invalidate_acks);
  v.counter("remote_reads_served", c.remote_reads_served);
  v.counter("remote_blocks_served", c.remote_blocks_served);
  v.counter("remote_bytes_served", c.remote_bytes_served);
  v.counter("invalidates_served", c.invalidates_served);
  v.counter("invalidated_blocks_dropped", c.invalidated_blocks_dropped);
  v.counter("migration_messages_ignored", c.migration_messages_ignored);
  v.counter("migration_messages_rejected", c.migration_messages_rejected);
  v.counter("migration_questions_pending", migration_.questions_pending());
  v.counter("migration_handoffs_sent", c.migration_handoffs_sent);
  v.counter("migration_handoffs_taken", c.migration_handoffs_taken);
  v.counter("returning_blocks_dropped", c.returning_blocks_dropped);
}

std::size_t HostEngine::Core::metadata_bytes() const {
  return index_.memory_bytes() + policy_->memory_bytes() + admission_.memory_bytes() +
         dirty_.memory_bytes() + lost_.memory_bytes() + replicas_.memory_bytes() +
         migration_.memory_bytes();
}

}  // namespace flashtwin::engine
