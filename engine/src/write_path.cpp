// Writes and discards. Each block gets a plan when the operation starts; cache state changes
// (dirty, clean, dropped) are applied only when all the operation's commands have completed, so a
// block is never declared clean before its new version is on the array.
//
// Per block, by mode:
//   write-back     cached -> flash (dirty). Not cached, whole block, admitted, a slot to be had ->
//                  new slot (dirty). Otherwise (partial block, refused, every slot busy) -> array.
//                  With replica peers (replica_path.cpp), the flash blocks are copied to the
//                  peers too, except a partial write to a clean cached block: the peers lack the
//                  rest of it, so it goes to flash and the array (ends clean, as write-through).
//                  A VM that lost a peer and has none yet (degraded) writes its flash blocks to
//                  the array too, acknowledged once there.
//                  Room under the dirty limit was reserved before the write took its locks (the
//                  dirty gate, destage.cpp): at the limit writes wait there, holding nothing.
//   write-through  array always; cached or admitted whole block -> flash too; ends clean, except a
//                  partial write to a dirty block, which stays dirty (the array lacks its other
//                  bytes).
//   write-around,  array; a cached copy is dropped, except that a partial write to a dirty block
//   pass-through   updates flash too (a VM enters these modes only after its drain, so a dirty
//                  block here would be a bug elsewhere; the rule keeps it safe anyway).
#include "engine_core.hpp"

#include <algorithm>

namespace flashtwin::engine {

namespace {

struct BlockSpan {
  std::uint64_t begin;
  std::uint64_t end;
};

// The bytes of block `block` that [offset, offset + length) covers.
BlockSpan covered(std::uint64_t offset, std::uint64_t length, BlockNo block, std::uint32_t shift) {
  const std::uint64_t block_begin = block << shift;
  const std::uint64_t block_end = (block + 1) << shift;
  return {std::max(block_begin, offset), std::min(block_end, offset + length)};
}

}  // namespace

// True if the operation covers block i of its range whole (discards cover only whole blocks).
bool HostEngine::Core::whole(const Op& op, std::uint32_t i) const {
  if (op.kind == OpKind::discard) return true;
  const BlockSpan span = covered(op.offset, op.length, op.first_block + i, block_shift_);
  return span.end - span.begin == config_.block_bytes;
}

void HostEngine::Core::start_write(OpId id) {
  Op& op = ops_[id];
  op.versions.assign(op.blocks, op.version);
  op.slots.assign(op.blocks, BlockIndex::kNoSlot);
  op.plan.assign(op.blocks, BlockPlan::array);
  const bool replicated = replication_.any() && !replication_.peers(op.vm).empty();
  if (replicated) op.replica_flags.assign(op.blocks, 0);

  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const std::uint64_t key = op.key(i);
    const BlockSpan span = covered(op.offset, op.length, op.first_block + i, block_shift_);
    const bool full = span.end - span.begin == config_.block_bytes;
    const SlotId slot = index_.find(key);
    const SlotState state = slot == BlockIndex::kNoSlot ? SlotState::free : index_.state(slot);
    const bool cached = state == SlotState::clean || state == SlotState::dirty;
    if (replicated && state == SlotState::dirty) op.replica_flags[i] = kWasDirty;
    ++(cached ? counters_.write_hit_blocks : counters_.write_miss_blocks);
    if (cached) {
      op.slots[i] = slot;
      if (op.mode != CacheMode::write_around && op.mode != CacheMode::pass_through)
        policy_->on_hit(slot);
    }
    switch (op.mode) {
      case CacheMode::write_back:
        if (cached) {
          op.plan[i] = replicated && !full && state == SlotState::clean ? BlockPlan::flash_array
                                                                        : BlockPlan::flash;
        } else if (op.admitted && full) {
          op.slots[i] = take_slot(key, SlotState::filling);
          if (op.slots[i] != BlockIndex::kNoSlot) op.plan[i] = BlockPlan::flash_new;
        }
        break;
      case CacheMode::write_through:
        if (cached) {
          op.plan[i] = BlockPlan::flash_array;
        } else if (op.admitted && full) {
          if (!admission_.admit_block(key)) {
            ++counters_.admissions_refused;
            break;
          }
          op.slots[i] = take_slot(key, SlotState::filling);
          if (op.slots[i] != BlockIndex::kNoSlot) op.plan[i] = BlockPlan::flash_array;
        }
        break;
      case CacheMode::write_around:
      case CacheMode::pass_through:
        if (cached) {
          op.plan[i] =
              state == SlotState::dirty && !full ? BlockPlan::flash_array : BlockPlan::invalidate;
        }
        break;
    }
  }
  issue_write(id);
  // A VM that lost a peer (given up on, or down) and has no new peers yet runs under-protected:
  // its write-back writes also go to the array and are acknowledged once there, as when a peer
  // refuses a copy. So no write is acknowledged with fewer copies than asked, even before the
  // runtime has switched the VM to write-through.
  if (!replicated && ops_[id].mode == CacheMode::write_back && !degraded_vms_.empty() &&
      std::find(degraded_vms_.begin(), degraded_vms_.end(), ops_[id].vm) != degraded_vms_.end())
    write_through_instead(id);
}

// Write-back blocks this write may newly make dirty (an estimate taken before it runs: a block
// cleaned or evicted meanwhile can make the true count differ by a little).
std::uint32_t HostEngine::Core::new_dirty_estimate(const Op& op) const {
  if (op.kind != OpKind::write || op.mode != CacheMode::write_back) return 0;
  std::uint32_t count = 0;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const SlotId slot = index_.find(op.key(i));
    const SlotState state = slot == BlockIndex::kNoSlot ? SlotState::free : index_.state(slot);
    if (state == SlotState::dirty) continue;
    const BlockSpan span = covered(op.offset, op.length, op.first_block + i, block_shift_);
    const bool full = span.end - span.begin == config_.block_bytes;
    if (state == SlotState::clean || (op.admitted && full)) ++count;
  }
  return count;
}

void HostEngine::Core::issue_write(OpId id) {
  Op& op = ops_[id];
  const DiskId disk = modes_.disk(op.disk).id;
  std::uint32_t flash_blocks = 0;
  std::uint64_t flash_bytes = 0;
  std::uint64_t replica_bytes = 0;  // flash bytes of the blocks the peers get (write-back)
  op.io_slots.resize(op.blocks);
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const BlockPlan p = op.plan[i];
    if (p != BlockPlan::flash && p != BlockPlan::flash_new && p != BlockPlan::flash_array) continue;
    const BlockSpan span = covered(op.offset, op.length, op.first_block + i, block_shift_);
    op.io_slots[flash_blocks++] = op.slots[i];
    flash_bytes += span.end - span.begin;
    if (p != BlockPlan::flash_array) replica_bytes += span.end - span.begin;
  }
  if (flash_blocks > 0) {
    out_.push_back(FlashWrite{ops_.issue(id, CmdPurpose::flash_write, 0, flash_blocks),
                              std::span<const SlotId>(op.io_slots.data(), flash_blocks),
                              std::span<const Version>(op.versions.data(), flash_blocks),
                              flash_bytes});
    counters_.flash_write_bytes += flash_bytes;
  }
  if (op.mode != CacheMode::write_back) {
    out_.push_back(ArrayWrite{ops_.issue(id, CmdPurpose::array_write, 0, op.blocks), disk,
                              op.offset, op.length, op.first_block, op.versions, false, false});
    counters_.array_write_bytes += op.length;
    op.served.array = op.blocks;
    return;
  }
  op.served.local_flash = flash_blocks;
  if (!op.replica_flags.empty()) send_replicas(id, replica_bytes);
  // Write-back blocks that could not be cached go to the array, one write per run (and so do the
  // partial writes of clean blocks that a VM with replicas writes through).
  issue_array_runs(
      id, [](BlockPlan p) { return p == BlockPlan::array || p == BlockPlan::flash_array; }, true);
}

void HostEngine::Core::issue_array_runs(OpId id, bool (*goes_to_array)(BlockPlan),
                                        bool count_served) {
  Op& op = ops_[id];
  const DiskId disk = modes_.disk(op.disk).id;
  for (std::uint32_t a = 0; a < op.blocks;) {
    if (!goes_to_array(op.plan[a])) {
      ++a;
      continue;
    }
    std::uint32_t b = a;
    while (b < op.blocks && goes_to_array(op.plan[b]))
      ++b;
    const std::uint64_t begin =
        covered(op.offset, op.length, op.first_block + a, block_shift_).begin;
    const std::uint64_t end =
        covered(op.offset, op.length, op.first_block + b - 1, block_shift_).end;
    out_.push_back(ArrayWrite{
        ops_.issue(id, CmdPurpose::array_write, a, b - a), disk, begin, end - begin,
        op.first_block + a, std::span<const Version>(op.versions.data() + a, b - a), false, false});
    counters_.array_write_bytes += end - begin;
    if (count_served) op.served.array += b - a;
    a = b;
  }
}

void HostEngine::Core::start_discard(OpId id) {
  Op& op = ops_[id];
  if (op.blocks == 0) return;  // nothing whole to discard: done at once
  op.versions.assign(op.blocks, op.version);
  op.slots.assign(op.blocks, BlockIndex::kNoSlot);
  op.plan.assign(op.blocks, BlockPlan::array);
  const bool replicated = replication_.any() && !replication_.peers(op.vm).empty();
  if (replicated) op.replica_flags.assign(op.blocks, 0);
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const SlotId slot = index_.find(op.key(i));
    if (slot == BlockIndex::kNoSlot) continue;
    op.slots[i] = slot;
    op.plan[i] = BlockPlan::invalidate;
    if (replicated && index_.state(slot) == SlotState::dirty) op.replica_flags[i] = kWasDirty;
  }
  const std::uint64_t bytes = std::uint64_t{op.blocks} << block_shift_;
  out_.push_back(ArrayWrite{ops_.issue(id, CmdPurpose::array_write, 0, op.blocks),
                            modes_.disk(op.disk).id, op.first_block << block_shift_, bytes,
                            op.first_block, op.versions, true, false});
  op.served.array = op.blocks;
}

// Applies the state changes of a write or discard whose commands have all completed. Each part is
// judged by its own outcome: a good flash copy is never dropped because the array part failed (it
// then holds the only copy of the new version, so it stays dirty), and a dirty block is lost only
// when its own flash write failed.
void HostEngine::Core::write_finished(Op& op) {
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const SlotId slot = op.slots[i];
    const std::uint64_t key = op.key(i);
    const BlockPlan plan = op.plan[i];
    const bool flashed =
        plan == BlockPlan::flash || plan == BlockPlan::flash_new || plan == BlockPlan::flash_array;
    // Also on the array: write-through, or a write-back write a replica peer refused.
    const bool through = plan == BlockPlan::flash_array || (flashed && op.written_through);
    if (flashed && op.flash_failed) {
      // The array has the whole new version only if this was a whole-block write through whose
      // array part succeeded; otherwise a dirty block's only good copy is gone.
      const bool on_array = through && !op.array_failed && whole(op, i);
      if (on_array) {
        if (!lost_.empty()) lost_.rewritten(key);
      } else if (index_.state(slot) == SlotState::dirty) {
        ++counters_.dirty_blocks_lost;
        ++modes_.disk(op.disk).lost_blocks;
        lost_.lose(key);
      }
      drop_slot(slot);
      continue;
    }
    // A lost block is readable again once a whole-block write (or discard) of it succeeded.
    if (!lost_.empty() && lost_.contains(key) && whole(op, i) &&
        (flashed || (plan != BlockPlan::none && !op.array_failed))) {
      lost_.rewritten(key);
    }
    switch (through ? BlockPlan::flash_array : plan) {
      case BlockPlan::flash:
      case BlockPlan::flash_new:
        mark_dirty(key, slot);
        break;
      case BlockPlan::flash_array: {
        const BlockSpan span = covered(op.offset, op.length, op.first_block + i, block_shift_);
        const bool full = span.end - span.begin == config_.block_bytes;
        // Clean only if the array has the whole block at this version.
        if (op.array_failed || (index_.state(slot) == SlotState::dirty && !full)) {
          mark_dirty(key, slot);
        } else {
          mark_clean(key, slot);
        }
        break;
      }
      case BlockPlan::invalidate:
        if (!op.array_failed) {
          drop_slot(slot);
          ++counters_.invalidations;
        }
        break;
      default:
        break;
    }
  }
  reserved_dirty_ -= op.reserved_dirty;
  op.reserved_dirty = 0;
}

}  // namespace flashtwin::engine
