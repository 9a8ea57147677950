// Migration (rules: docs/CLUSTER.md, "Migration").
//
// New owner side. A miss of a block the old owner may still hold (not settled) is asked of the old
// owner first (RemoteRead, one per run of missed blocks): blocks it holds are served from its
// flash and filled here like array misses; blocks it does not hold are settled and read from the
// array. A write or discard touching a block that is not settled first sends an Invalidate of its
// run and starts only once the old owner answers: by then the old owner holds no dirty copy of
// those blocks (it destaged them) and has no destage of them in flight, so the new owner's writes
// (to flash, to the array, destaged later) are always newer than anything the old owner wrote.
//
// Old owner side. The VM serves no more requests here; its dirty blocks are destaged as any
// (first, once the runtime hurries its handoff: a next move of the VM waits for it). A
// RemoteRead (of the right epoch, from the
// VM's successor) takes read locks on its run, reads the blocks cached here (clean or dirty) from
// flash and answers with their versions. An Invalidate waits, without locks, until none of its
// blocks is dirty or in use (destage gives its blocks priority, as for a flush), then drops the
// clean copies and answers. A question that is not from the VM's successor or not of its epoch is
// answered with PeerReject. Answers that match no pending question (another host, unknown
// sequence, stale epoch) are ignored and counted; a lost answer is never taken for one.
//
// Handoff. Once none of a departed VM's blocks is dirty here and no operation holds a lock on
// them (no destage, no RemoteRead being served, no Invalidate waiting), the old owner sends
// Handoff: the array has every version it had, and it will never write the VM's blocks again. The
// new owner then forgets its arrival and settled blocks: its misses go to the array, its writes
// need no Invalidate, and it may pass the VM on. The old owner keeps its clean copies (evicted in
// time); if the VM comes back, they are dropped at its arrival, since the VM may have written
// those blocks elsewhere since.
#include "engine_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <variant>

namespace flashtwin::engine {

void HostEngine::Core::migrate_out(TimeNs now, VmId vm, HostId to, Epoch epoch) {
  (void)modes_.mode_of(vm);  // throws for an unknown VM
  if (to == config_.host || epoch < 2) {
    throw std::invalid_argument("vm " + std::to_string(vm) +
                                ": migrate_out needs another host and an epoch of at least 2");
  }
  for (LocalDisk d = 0; d < modes_.disk_count(); ++d) {
    if (modes_.disk(d).vm == vm && modes_.disk(d).requests_in_flight > 0) {
      throw std::logic_error("vm " + std::to_string(vm) + ": migrates out of host " +
                             std::to_string(config_.host) + " with requests in flight");
    }
  }
  migration_.depart(vm, to, epoch);
  now_ = now;
  settle(now);
}

bool HostEngine::Core::awaits_handoff(VmId vm) const {
  return migration_.any() && migration_.arrival(vm) != nullptr;
}

void HostEngine::Core::hurry_handoff(TimeNs now, VmId vm) {
  if (!migration_.any() || migration_.departure(vm) == nullptr) {
    throw std::logic_error("vm " + std::to_string(vm) + " did not leave host " +
                           std::to_string(config_.host));
  }
  now_ = now;
  if (migration_.hurry(vm)) settle(now);
}

void HostEngine::Core::migrate_in(TimeNs now, VmId vm, HostId from, Epoch epoch) {
  (void)modes_.mode_of(vm);
  if (from == config_.host || epoch < 2) {
    throw std::invalid_argument("vm " + std::to_string(vm) +
                                ": migrate_in needs another host and an epoch of at least 2");
  }
  const bool returning = migration_.any() && migration_.departure(vm) != nullptr;
  migration_.arrive(vm, from, epoch);  // throws unless a departure from here was handed off
  if (returning) drop_blocks_of(vm);
  replication_.set_epoch(vm, epoch);
  now_ = now;
  settle(now);
}

void HostEngine::Core::require_owner(VmId vm) const {
  if (const Departure* left = migration_.departure(vm)) {
    throw std::logic_error("vm " + std::to_string(vm) + " has migrated from host " +
                           std::to_string(config_.host) + " to host " +
                           std::to_string(left->successor) + ": no more requests here");
  }
}

bool HostEngine::Core::migration_message(TimeNs now, HostId from, const PeerMessage& message) {
  if (const auto* read = std::get_if<RemoteRead>(&message)) {
    remote_read_received(from, *read);
  } else if (const auto* reply = std::get_if<RemoteReadReply>(&message)) {
    remote_read_answered(now, from, *reply);
  } else if (const auto* invalidate = std::get_if<Invalidate>(&message)) {
    invalidate_received(from, *invalidate);
  } else if (const auto* ack = std::get_if<InvalidateAck>(&message)) {
    invalidate_answered(now, from, *ack);
  } else if (const auto* handoff = std::get_if<Handoff>(&message)) {
    handoff_received(from, *handoff);
  } else if (std::holds_alternative<PeerReject>(message)) {
    ++counters_.migration_messages_ignored;  // the question stays pending: never an answer
  } else {
    return false;
  }
  return true;
}

// ---- new owner

bool HostEngine::Core::ask_previous_owner(OpId id, std::uint32_t a, std::uint32_t b) {
  if (!migration_.any()) return false;
  Op& op = ops_[id];
  Arrival* arrival = migration_.arrival(op.vm);
  if (arrival == nullptr) return false;
  bool unsettled = false;
  for (std::uint32_t i = a; i < b && !unsettled; ++i)
    unsettled = !arrival->settled.contains(op.key(i));
  if (!unsettled) return false;
  const std::uint64_t sequence =
      migration_.ask(PendingQuestion{id, arrival->predecessor, arrival->epoch, false, a, b - a});
  const PeerMessage* message = replication_.post(
      RemoteRead{op.vm, arrival->epoch,
                 BlockRun{modes_.disk(op.disk).id, op.first_block + a, b - a}, sequence});
  out_.push_back(SendToPeer{arrival->predecessor, message});
  ++op.in_flight;
  ++op.before_ack;
  ++counters_.remote_reads_sent;
  return true;
}

void HostEngine::Core::remote_read_answered(TimeNs now, HostId from,
                                            const RemoteReadReply& message) {
  const PendingQuestion* found = migration_.find(message.sequence, from);
  if (found == nullptr || found->invalidate) {
    ++counters_.migration_messages_ignored;
    return;
  }
  const PendingQuestion question = *found;
  if (message.versions.size() != question.count || message.present.size() != question.count ||
      message.dirty.size() != question.count) {
    throw std::invalid_argument("remote read reply from host " + std::to_string(from) +
                                ": not one entry per block of the " +
                                std::to_string(question.count) + " asked for");
  }
  Op& op = ops_[question.op];
  if (message.epoch != question.epoch || message.vm != op.vm) {
    ++counters_.migration_messages_ignored;
    return;
  }
  // Null once the old owner handed the VM off (the answer overtaken by the Handoff): what it
  // says it does not hold is on the array, as every block is now.
  Arrival* arrival = migration_.arrival(op.vm);
  migration_.answered(message.sequence);
  --op.in_flight;
  // Every sub-run counts in before_ack before any is handled, so the VM is acknowledged once,
  // after the last of them.
  auto held = [&](std::uint32_t j) { return message.present[j]; };
  std::uint32_t present = 0;
  for (std::uint32_t j = 0; j < question.count; ++j) {
    const std::uint32_t i = question.first + j;
    if (held(j)) {
      ++present;
    } else if (message.dirty[j]) {
      op.status = Status::io_error;  // the newest copy is on the old owner and unreadable
    } else {
      if (arrival != nullptr) arrival->settled.insert(op.key(i));
      ++counters_.remote_absent_blocks;
    }
  }
  counters_.remote_hit_blocks += present;
  counters_.remote_read_bytes += std::uint64_t{present} << block_shift_;
  op.served.remote_flash += present;
  for (std::uint32_t j = 0; j < question.count;) {
    std::uint32_t k = j;
    while (k < question.count && held(k) == held(j))
      ++k;
    if (held(j)) {
      ++op.before_ack;
      const Cmd run{question.op, CmdPurpose::miss_read, false, 0, question.first + j, k - j};
      read_completed(question.op, run, Status::ok,
                     std::span<const Version>(message.versions).subspan(j, k - j));
    } else {
      issue_array_read(question.op, question.first + j, question.first + k);
    }
    j = k;
  }
  Op& after = ops_[question.op];
  if (--after.before_ack == 0) ack(after);
  if (after.in_flight == 0) finish(question.op, now);
}

bool HostEngine::Core::invalidate_first(OpId id) {
  if (!migration_.any()) return false;
  Op& op = ops_[id];
  Arrival* arrival = migration_.arrival(op.vm);
  if (arrival == nullptr || op.blocks == 0) return false;
  bool unsettled = false;
  for (std::uint32_t i = 0; i < op.blocks && !unsettled; ++i)
    unsettled = !arrival->settled.contains(op.key(i));
  if (!unsettled) return false;
  const std::uint64_t sequence =
      migration_.ask(PendingQuestion{id, arrival->predecessor, arrival->epoch, true, 0, op.blocks});
  const PeerMessage* message = replication_.post(
      Invalidate{op.vm, arrival->epoch,
                 BlockRun{modes_.disk(op.disk).id, op.first_block, op.blocks}, sequence});
  out_.push_back(SendToPeer{arrival->predecessor, message});
  ++op.in_flight;
  ++counters_.invalidates_sent;
  return true;
}

void HostEngine::Core::invalidate_answered(TimeNs now, HostId from, const InvalidateAck& message) {
  const PendingQuestion* found = migration_.find(message.sequence, from);
  if (found == nullptr || !found->invalidate) {
    ++counters_.migration_messages_ignored;
    return;
  }
  const OpId id = found->op;
  Op& op = ops_[id];
  if (message.epoch != found->epoch || message.vm != op.vm) {
    ++counters_.migration_messages_ignored;
    return;
  }
  migration_.answered(message.sequence);
  ++counters_.invalidate_acks;
  --op.in_flight;
  if (Arrival* arrival = migration_.arrival(op.vm)) {  // null once handed off
    for (std::uint32_t i = 0; i < op.blocks; ++i)
      arrival->settled.insert(op.key(i));
  }
  // The operation starts now (its locks were held all along).
  if (op.kind == OpKind::write) {
    start_write(id);
  } else {
    start_discard(id);
  }
  if (ops_[id].in_flight == 0) finish(id, now);
}

void HostEngine::Core::handoff_received(HostId from, const Handoff& message) {
  const Arrival* arrival = migration_.any() ? migration_.arrival(message.vm) : nullptr;
  if (arrival == nullptr || arrival->predecessor != from || arrival->epoch != message.epoch) {
    ++counters_.migration_messages_ignored;
    return;
  }
  migration_.forget_arrival(message.vm);
  ++counters_.migration_handoffs_taken;
}

// ---- old owner

// Departed VMs none of whose blocks is dirty or locked here, and with no Invalidate waiting, are
// handed off to their successor.
void HostEngine::Core::hand_off_departed_vms() {
  for (const VmId vm : migration_.due_departures()) {
    bool quiet = std::none_of(invalidates_.begin(), invalidates_.end(),
                              [&](OpId id) { return ops_[id].vm == vm; });
    for (LocalDisk d = 0; d < modes_.disk_count() && quiet; ++d) {
      const DiskState& disk = modes_.disk(d);
      quiet = disk.vm != vm || (disk.dirty_blocks == 0 && disk.locking_ops == 0);
    }
    if (!quiet) continue;
    const Departure& left = *migration_.departure(vm);
    out_.push_back(SendToPeer{left.successor, replication_.post(Handoff{vm, left.epoch})});
    migration_.handed_off(vm);
    ++counters_.migration_handoffs_sent;
  }
}

// The dirty blocks of departed VMs whose handoff is hurried are destaged at once, whatever the
// watermarks and the pacing (within destage.max_in_flight): the VM's next move waits for them.
void HostEngine::Core::destage_departed_vms() {
  for (const VmId vm : migration_.due_departures(true)) {
    for (LocalDisk d = 0; d < modes_.disk_count(); ++d) {
      if (modes_.disk(d).vm != vm || modes_.disk(d).dirty_blocks == 0) continue;
      const std::uint64_t lo = block_key(d, 0);
      while (destage_in_flight_ < config_.destage.max_in_flight &&
             start_destage(lo, lo + kMaxBlocksPerDisk, false)) {
      }
    }
  }
}

// A VM comes back to a host that handed it off: the copies it kept may be older than the VM's
// writes elsewhere since, so they go (none is dirty or in use: it handed the VM off).
void HostEngine::Core::drop_blocks_of(VmId vm) {
  for (SlotId slot = 0; slot < index_.touched(); ++slot) {
    const SlotState state = index_.state(slot);
    if (state != SlotState::clean && state != SlotState::dirty) continue;
    const std::uint64_t key = index_.key_of(slot);
    if (disk_of(key) >= modes_.disk_count() || modes_.disk(disk_of(key)).vm != vm) continue;
    if (state == SlotState::dirty || locks_.busy(key)) {
      throw std::logic_error("vm " + std::to_string(vm) + " comes back to host " +
                             std::to_string(config_.host) + " with block " + std::to_string(key) +
                             " dirty or in use");
    }
    drop_slot(slot);
    ++counters_.returning_blocks_dropped;
  }
}

// The operation answering a question from the VM's successor in its epoch (its disk, VM, epoch,
// asker, sequence and first block set), or nullopt after answering any other question with
// PeerReject. Throws std::invalid_argument for a run outside its disk.
template <class Question>
std::optional<OpId> HostEngine::Core::accept_question(HostId from, const Question& message,
                                                      OpKind kind) {
  const BlockRun& run = message.run;
  const std::optional<LocalDisk> found = modes_.find_disk(run.disk);
  if (found) {
    const std::uint64_t blocks = modes_.disk(*found).size_bytes >> block_shift_;
    if (run.block_count == 0 || run.block_count > (kMaxRequestBytes >> block_shift_) ||
        run.first_block >= blocks || run.block_count > blocks - run.first_block) {
      throw std::invalid_argument("peer message from host " + std::to_string(from) + ": run of " +
                                  std::to_string(run.block_count) + " blocks from block " +
                                  std::to_string(run.first_block) + " outside disk " +
                                  std::to_string(run.disk));
    }
  }
  const Departure* left = migration_.any() ? migration_.departure(message.vm) : nullptr;
  if (!found || modes_.disk(*found).vm != message.vm || left == nullptr ||
      left->successor != from || left->epoch != message.epoch) {
    ++counters_.migration_messages_rejected;
    const PeerMessage* reject =
        replication_.post(PeerReject{message.vm, message.epoch, message.sequence});
    out_.push_back(SendToPeer{from, reject});
    return std::nullopt;
  }
  const OpId id = ops_.create(kind);
  Op& op = ops_[id];
  op.disk = *found;
  op.vm = message.vm;
  op.epoch = message.epoch;
  op.peer = from;
  op.request = message.sequence;
  op.first_block = run.first_block;
  return id;
}

void HostEngine::Core::remote_read_received(HostId from, const RemoteRead& message) {
  const std::optional<OpId> id = accept_question(from, message, OpKind::remote_read);
  if (!id) return;
  Op& op = ops_[*id];
  op.lock = LockMode::read;
  op.blocks = message.run.block_count;
  ++counters_.remote_reads_served;
  enqueue(*id);
}

// Reads every block cached here (clean or dirty: a filling block is not held yet) in one scatter
// read; replica_flags records which blocks (1) and whether dirty (2). Answers at once if none.
void HostEngine::Core::start_remote_read(OpId id) {
  Op& op = ops_[id];
  op.replica_flags.assign(op.blocks, 0);
  op.versions.assign(op.blocks, 0);
  op.io_slots.resize(op.blocks);
  std::uint32_t held = 0;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const SlotId slot = index_.find(op.key(i));
    if (slot == BlockIndex::kNoSlot) continue;
    const SlotState state = index_.state(slot);
    if (state != SlotState::clean && state != SlotState::dirty) continue;
    op.replica_flags[i] = state == SlotState::dirty ? 3 : 1;
    op.io_slots[held++] = slot;
  }
  if (held > 0) {
    const std::uint64_t bytes = std::uint64_t{held} << block_shift_;
    out_.push_back(FlashRead{ops_.issue(id, CmdPurpose::remote_read, 0, held),
                             std::span<const SlotId>(op.io_slots.data(), held), bytes});
    counters_.flash_read_bytes += bytes;
    return;
  }
  remote_flash_read_completed(id, Status::ok, {});
}

// Answers the RemoteRead. A failed flash read answers "not held" for its blocks, "dirty" kept:
// the new owner then fails reads of dirty ones rather than return the array's older version.
void HostEngine::Core::remote_flash_read_completed(OpId id, Status status,
                                                   std::span<const Version> data) {
  Op& op = ops_[id];
  RemoteReadReply reply{op.vm,
                        op.epoch,
                        op.request,
                        std::vector<Version>(op.blocks, 0),
                        std::vector<bool>(op.blocks, false),
                        std::vector<bool>(op.blocks, false)};
  std::uint32_t j = 0;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    if (op.replica_flags[i] == 0) continue;
    reply.dirty[i] = (op.replica_flags[i] & 2) != 0;
    if (status == Status::ok) {
      reply.present[i] = true;
      reply.versions[i] = data[j];
    }
    ++j;
  }
  if (status == Status::ok) {
    counters_.remote_blocks_served += j;
    counters_.remote_bytes_served += std::uint64_t{j} << block_shift_;
  }
  out_.push_back(SendToPeer{op.peer, replication_.post(std::move(reply))});
}

void HostEngine::Core::invalidate_received(HostId from, const Invalidate& message) {
  const std::optional<OpId> id = accept_question(from, message, OpKind::invalidate);
  if (!id) return;
  Op& op = ops_[*id];
  op.started = true;
  op.length = message.run.block_count;  // blocks: 0, it takes no locks
  ++counters_.invalidates_served;
  invalidates_.push_back(*id);
}

// Invalidates whose blocks are neither dirty nor in use drop their clean copies and are answered.
// The VM sends no more requests here, so a block that got there stays there.
void HostEngine::Core::check_invalidates() {
  for (std::size_t n = 0; n < invalidates_.size();) {
    const OpId id = invalidates_[n];
    const Op& op = ops_[id];
    bool settled = true;
    for (std::uint64_t i = 0; i < op.length && settled; ++i) {
      const std::uint64_t key = block_key(op.disk, op.first_block + i);
      settled = dirty_.find(key) == nullptr && !locks_.busy(key);
    }
    if (!settled) {
      ++n;
      continue;
    }
    for (std::uint64_t i = 0; i < op.length; ++i) {
      const SlotId slot = index_.find(block_key(op.disk, op.first_block + i));
      if (slot == BlockIndex::kNoSlot || index_.state(slot) != SlotState::clean) continue;
      drop_slot(slot);
      ++counters_.invalidated_blocks_dropped;
    }
    out_.push_back(
        SendToPeer{op.peer, replication_.post(InvalidateAck{op.vm, op.epoch, op.request})});
    invalidates_[n] = invalidates_.back();
    invalidates_.pop_back();
    ops_.retire(id);
  }
}

// Destage gives the dirty blocks of waiting Invalidates priority, as it does a flushed disk's.
void HostEngine::Core::pump_invalidated_destage(const std::function<bool()>& may_start) {
  for (std::size_t n = 0; n < invalidates_.size() && may_start(); ++n) {
    const Op& op = ops_[invalidates_[n]];
    // Copied first: start_destage adds operations, which may move `op`.
    const std::uint64_t lo = block_key(op.disk, op.first_block);
    const std::uint64_t hi = lo + op.length;
    while (may_start() && start_destage(lo, hi, true)) {
    }
  }
}

}  // namespace flashtwin::engine
