// Destage: carrying dirty blocks to the array, and everything that waits on it — flushes, writes
// held at the dirty limit, VMs draining out of write-back.
//
// When destage runs, at up to destage.max_in_flight operations at once:
//   - paced (max_rate_bytes_per_s > 0): continuously while anything is dirty, each operation
//     starting once the previous one's bytes have taken their time at the current rate
//     (DestagePacer::rate: from the min rate at the low watermark, in proportion to the dirty
//     fraction, to the max rate at the high watermark, and at the max rate for anything below);
//   - unpaced: only for the cases below, as fast as max_in_flight allows, otherwise dirty data
//     stays on flash, where rewrites are absorbed;
//   - at the max rate while a flush, a drain or a write held at the dirty limit waits (flushed and
//     drained disks first), once dirty data reaches the high watermark until it falls to the low
//     watermark, and while the host is idle (no VM I/O in flight for destage.idle_after_ns).
// A failed destage backs off (retry_after_ns, doubling per failure in a row, at most 64 times);
// after max_tries failures in a row the flushes and throttled writes waiting fail with io_error
// (and new ones, until a destage succeeds). Runs are taken in key order
// from a rotating cursor (an elevator sweep), adjacent dirty blocks coalesced into one array write.
// A destage operation locks its blocks in destage mode: no write of those blocks runs beside it
// (reads do), and only one destage per block is ever in flight.
#include "engine_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

void HostEngine::Core::start_flush(OpId id, TimeNs) {
  Op& op = ops_[id];
  op.started = true;
  const std::uint64_t lo = block_key(op.disk, 0);
  dirty_.collect(lo, lo + kMaxBlocksPerDisk, op.flush_keys);
  op.version = modes_.disk(op.disk).lost_blocks;  // a flush fails if dirty data is lost meanwhile
  flushes_.push_back(id);
}

// A flush is done once every block it found dirty has that version (or a newer one) on the array.
// It fails (op.status) once the block it waits for has failed max_tries destages in a row.
bool HostEngine::Core::flush_done(Op& op) const {
  while (op.flush_cursor < op.flush_keys.size()) {
    const auto& [key, seq] = op.flush_keys[op.flush_cursor];
    if (!dirty_.safe_on_array(key, seq)) {
      const DirtySet::Entry* entry = dirty_.find(key);
      if (entry->failed_tries() < config_.destage.max_tries) return false;
      op.status = Status::io_error;
      return true;
    }
    ++op.flush_cursor;
  }
  return true;
}

// The dirty gate: a write-back write reserves room for the blocks it will newly dirty before it
// takes its locks, so a write waiting for room holds nothing that destage needs. Returns false
// when the write must wait (room is short and something is dirty or reserved to make room from).
bool HostEngine::Core::pass_dirty_gate(OpId id) {
  Op& op = ops_[id];
  const std::uint32_t estimate = new_dirty_estimate(op);
  // Replicas held for peers count against the dirty limit (they leave only when released).
  const std::uint64_t dirty = dirty_room_used();
  if (estimate > 0 && dirty > 0 && dirty + estimate > limit_blocks_) return false;
  op.reserved_dirty = estimate;
  reserved_dirty_ += estimate;
  return true;
}

// Gated writes (in order), flushes and drains that may now proceed. Once destage has given up
// (max_tries failures in a row), the writes and flushes still waiting fail instead.
void HostEngine::Core::check_waiters(TimeNs now) {
  while (!dirty_gate_.empty() && pass_dirty_gate(dirty_gate_.front())) {
    const OpId id = dirty_gate_.front();
    dirty_gate_.pop_front();
    --modes_.disk(ops_[id].disk).gated_writes;
    enqueue(id);
  }
  const bool gave_up = pacer_->gave_up();
  if (gave_up) {
    while (!dirty_gate_.empty()) {
      fail_gated_write(dirty_gate_.front());
      dirty_gate_.pop_front();
    }
  }
  for (std::size_t i = 0; i < flushes_.size();) {
    const OpId id = flushes_[i];
    const bool done = flush_done(ops_[id]);
    if (!done && !gave_up) {
      ++i;
      continue;
    }
    flushes_[i] = flushes_.back();
    flushes_.pop_back();
    Op& flush = ops_[id];
    if (!done) flush.status = Status::io_error;  // (or flush_done found a block out of tries)
    if (flush.status == Status::io_error) ++counters_.destage_waiters_failed;
    if (modes_.disk(flush.disk).lost_blocks != flush.version) flush.status = Status::io_error;
    finish(id, now);
  }
  modes_.finish_drains(out_);
  if (!invalidates_.empty()) check_invalidates();
}

// A write that never passed the dirty gate fails: it took no locks and reserved no room.
void HostEngine::Core::fail_gated_write(OpId id) {
  Op& op = ops_[id];
  --modes_.disk(op.disk).gated_writes;
  ++counters_.destage_waiters_failed;
  op.status = Status::io_error;
  ack(op);
  if (op.mode == CacheMode::write_back) modes_.write_back_ended(op.disk);
  if (--foreground_in_flight_ == 0) went_quiet(now_);
  ops_.retire(id);
}

void HostEngine::Core::pump_destage() {
  DestagePacer& pacer = *pacer_;
  const std::uint64_t dirty = dirty_.size();
  pacer.observe_dirty(dirty);
  if (dirty == 0) return;
  if (pacer.backing_off(now_)) {  // after a failure
    timers_.set(Deadline::destage_retry, pacer.retry_until());
    return;
  }
  // A departed VM whose next move waits for this host's handoff: its blocks go first, at once.
  if (migration_.handoffs_hurried() > 0) destage_departed_vms();
  // Having given up on its waiters, destage keeps trying (at the longest back-off) until it works.
  const bool waited_on = !flushes_.empty() || !dirty_gate_.empty() || modes_.draining() > 0 ||
                         !invalidates_.empty() || pacer.gave_up();
  const bool paced = pacer.paced();
  const std::uint64_t rate = paced ? pacer.rate(dirty, waited_on || idle_) : 0;
  // Paced: one operation per interval its bytes take at the current rate. Unpaced: watermark
  // destage stops starting new work once what is not yet being destaged is at the low watermark;
  // waiting flushes, drains and writes, and idleness, destage everything.
  auto may_start = [&] {
    if (destage_in_flight_ >= config_.destage.max_in_flight) return false;
    if (paced) {
      if (rate == 0) return false;
      const TimeNs at = pacer.next_start(rate);
      if (now_ >= at) return true;
      timers_.set(Deadline::destage_pace, at);
      return false;
    }
    if (waited_on || idle_) return true;
    return pacer.urgent() && dirty_.size() - destaging_blocks_ > low_blocks_;
  };
  if (!may_start()) return;

  // Disks that something waits on go first.
  for (std::size_t f = 0; f < flushes_.size() && may_start(); ++f) {
    const std::uint64_t lo = block_key(ops_[flushes_[f]].disk, 0);
    while (may_start() && start_destage(lo, lo + kMaxBlocksPerDisk, true)) {
    }
  }
  if (!invalidates_.empty()) pump_invalidated_destage(may_start);
  modes_.for_each_draining_disk([&](LocalDisk disk) {
    const std::uint64_t lo = block_key(disk, 0);
    while (may_start() && start_destage(lo, lo + kMaxBlocksPerDisk, true)) {
    }
  });
  while (may_start() && start_destage(0, ~std::uint64_t{0}, !dirty_gate_.empty())) {
  }
}

// Starts one destage of the next run of dirty blocks in [lo, hi), preferring runs whose locks are
// free now. With `may_wait` (something waits for this range), if every dirty block is busy, it
// queues a one-block destage behind the operations on the first one: the FIFO locks then
// guarantee it runs, however hot the block. Returns false when nothing was started.
bool HostEngine::Core::start_destage(std::uint64_t lo, std::uint64_t hi, bool may_wait) {
  std::uint64_t from = destage_cursor_;
  for (int attempts = 0; attempts < 64; ++attempts) {
    if (!dirty_.next_run(from, lo, hi, coalesce_blocks_, run_)) return false;
    std::size_t usable = 0;
    while (usable < run_.size() && locks_.would_grant(run_[usable], LockMode::destage))
      ++usable;
    from = run_[usable == 0 ? 0 : usable - 1] + 1;
    if (usable == 0) continue;
    run_.resize(usable);
    destage_cursor_ = run_.back() + 1;
    create_destage();
    return true;
  }
  if (!may_wait || !dirty_.next_run(destage_cursor_, lo, hi, 1, run_)) return false;
  destage_cursor_ = run_.back() + 1;
  create_destage();
  return true;
}

// A destage operation over run_ (ascending adjacent keys, dirty, not being destaged). It starts
// once granted on all its blocks (at once, unless it was queued behind busy blocks).
void HostEngine::Core::create_destage() {
  const OpId id = ops_.create(OpKind::destage);
  Op& op = ops_[id];
  op.lock = LockMode::destage;
  op.disk = disk_of(run_.front());
  op.first_block = block_of(run_.front());
  op.blocks = static_cast<std::uint32_t>(run_.size());
  for (std::uint64_t key : run_) {
    dirty_.find(key)->set_destaging(true);
    ++destaging_blocks_;
  }
  ++destage_in_flight_;
  pacer_->started(now_, std::uint64_t{op.blocks} << block_shift_);
  enqueue(id);
}

// Reads the run from flash. Operations that ran ahead of a queued destage may have cleaned or
// dropped its blocks: then there is nothing to destage and the operation just ends.
void HostEngine::Core::issue_destage(OpId id) {
  Op& op = ops_[id];
  op.slots.resize(op.blocks);
  op.versions.assign(op.blocks, 0);
  bool all_dirty = true;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    DirtySet::Entry* entry = dirty_.find(op.key(i));
    if (entry == nullptr) {
      all_dirty = false;
      continue;
    }
    if (!entry->destaging()) {  // cleaned and dirtied again ahead of us
      entry->set_destaging(true);
      ++destaging_blocks_;
    }
    op.slots[i] = index_.find(op.key(i));
  }
  if (!all_dirty) {
    for (std::uint32_t i = 0; i < op.blocks; ++i) {
      if (DirtySet::Entry* entry = dirty_.find(op.key(i))) {
        entry->set_destaging(false);
        --destaging_blocks_;
      }
    }
    return;
  }
  const std::uint64_t bytes = std::uint64_t{op.blocks} << block_shift_;
  out_.push_back(
      FlashRead{ops_.issue(id, CmdPurpose::destage_read, 0, op.blocks), op.slots, bytes});
  counters_.flash_read_bytes += bytes;
}

void HostEngine::Core::destage_completed(OpId id, const Cmd& cmd, Status status,
                                         std::span<const Version> data) {
  Op& op = ops_[id];
  const std::uint64_t bytes = std::uint64_t{op.blocks} << block_shift_;
  if (cmd.purpose == CmdPurpose::destage_read && status == Status::ok) {
    op.versions.assign(data.begin(), data.end());
    out_.push_back(ArrayWrite{ops_.issue(id, CmdPurpose::destage_write, 0, op.blocks),
                              modes_.disk(op.disk).id, op.first_block << block_shift_, bytes,
                              op.first_block, op.versions, false, true});
    counters_.array_write_bytes += bytes;
    ++counters_.destage_writes;
    return;
  }
  // Array write done (or either step failed: the blocks stay dirty and will be tried again).
  const bool ok = status == Status::ok;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const std::uint64_t key = op.key(i);
    DirtySet::Entry* entry = dirty_.find(key);
    entry->set_destaging(false);
    --destaging_blocks_;
    // The destage's lock kept every writer off the block: the array now has its newest version.
    if (ok) {
      mark_clean(key, op.slots[i]);
    } else {
      entry->count_failed_try();
    }
  }
  if (ok) {
    release_destaged(id);  // the destage (and its locks) ends once the peers answered
    pacer_->succeeded();
    counters_.destaged_blocks += op.blocks;
    counters_.destaged_bytes += bytes;
  } else {
    destage_failed(op);
  }
}

// Backs off (DestagePacer::failed): no new destage for a while. Destages already in flight that
// fail within the back-off (one outage, many operations) count as one failure in a row.
void HostEngine::Core::destage_failed(const Op&) {
  ++counters_.destage_failures;
  if (pacer_->failed(now_)) timers_.set(Deadline::destage_retry, pacer_->retry_until());
}

// The last VM request finished: destage may run once the host stays quiet for idle_after_ns.
void HostEngine::Core::went_quiet(TimeNs now) {
  quiet_since_ = now;
  if (dirty_.size() == 0 || timers_.at(Deadline::idle)) return;
  timers_.set(Deadline::idle, now + config_.destage.idle_after_ns);
}

}  // namespace flashtwin::engine
