// Reads: hits from flash in one scatter read, misses from the array one run at a time, missed
// blocks that admission lets in written to flash afterwards (the VM does not wait for that fill).
#include "engine_core.hpp"

#include <algorithm>

namespace flashtwin::engine {

void HostEngine::Core::start_read(OpId id) {
  Op& op = ops_[id];
  const bool cached_mode = op.mode != CacheMode::pass_through;
  op.versions.resize(op.blocks);  // every entry is set by the completion that serves the block
  op.slots.resize(op.blocks);     // set for hits and fills, the only blocks that use a slot
  op.plan.assign(op.blocks, BlockPlan::miss);
  // io_slots: [0, blocks) the hits' scatter list, [blocks, 2 * blocks) the fills' (by run).
  op.io_slots.resize(2 * std::size_t{op.blocks});
  op.io_versions.resize(op.blocks);
  // A block whose newest version was lost fails the read, as a media error would: never the
  // older version the array still holds.
  if (!lost_.empty()) {
    for (std::uint32_t i = 0; i < op.blocks; ++i) {
      if (!lost_.contains(op.key(i))) continue;
      op.status = Status::io_error;
      ++counters_.lost_block_reads;
      return;  // no command: the read completes at once
    }
  }

  std::uint32_t hits = 0;
  for (std::uint32_t i = 0; i < op.blocks; ++i) {
    const std::uint64_t key = op.key(i);
    const SlotId slot = index_.find(key);
    const SlotState state = slot == BlockIndex::kNoSlot ? SlotState::free : index_.state(slot);
    // Pass-through reads leave clean blocks alone (the array holds the same version) but must
    // read dirty ones from flash, where the only copy of the newest version is.
    const bool hit = state == SlotState::dirty || (state == SlotState::clean && cached_mode);
    if (hit) {
      op.plan[i] = BlockPlan::hit;
      op.slots[i] = slot;
      op.io_slots[hits++] = slot;
      if (cached_mode) policy_->on_hit(slot);
      ++counters_.read_hit_blocks;
    } else {
      ++counters_.read_miss_blocks;
    }
  }
  if (hits > 0) {
    const std::uint64_t bytes = std::uint64_t{hits} << block_shift_;
    out_.push_back(FlashRead{ops_.issue(id, CmdPurpose::hit_read, 0, hits),
                             std::span<const SlotId>(op.io_slots.data(), hits), bytes});
    counters_.flash_read_bytes += bytes;
    op.served.local_flash = hits;
    ++op.before_ack;
  }

  // One array read per run of consecutive missed blocks. A block is filled if the request was
  // admitted, nobody else is filling it, admission takes it and a slot can be had.
  for (std::uint32_t a = 0; a < op.blocks;) {
    if (op.plan[a] == BlockPlan::hit) {
      ++a;
      continue;
    }
    std::uint32_t b = a;
    for (; b < op.blocks && op.plan[b] != BlockPlan::hit; ++b) {
      const std::uint64_t key = op.key(b);
      if (!op.admitted || !cached_mode || index_.find(key) != BlockIndex::kNoSlot) continue;
      if (!admission_.admit_block(key)) {
        ++counters_.admissions_refused;
        continue;
      }
      const SlotId slot = take_slot(key, SlotState::filling);
      if (slot == BlockIndex::kNoSlot) continue;
      op.slots[b] = slot;
      op.plan[b] = BlockPlan::miss_fill;
    }
    // A migrated VM's new owner asks the old owner first (migration_path.cpp).
    if (!ask_previous_owner(id, a, b)) issue_array_read(id, a, b);
    a = b;
  }
}

// One ArrayRead of the op's missed blocks [a, b). A run that fills reads whole blocks; otherwise
// only the bytes the VM asked for.
void HostEngine::Core::issue_array_read(OpId id, std::uint32_t a, std::uint32_t b) {
  Op& op = ops_[id];
  const bool any_fill = std::any_of(op.plan.begin() + a, op.plan.begin() + b,
                                    [](BlockPlan p) { return p == BlockPlan::miss_fill; });
  const std::uint64_t run_begin = (op.first_block + a) << block_shift_;
  const std::uint64_t run_end = (op.first_block + b) << block_shift_;
  const std::uint64_t begin = any_fill ? run_begin : std::max(run_begin, op.offset);
  const std::uint64_t end = any_fill ? run_end : std::min(run_end, op.offset + op.length);
  out_.push_back(ArrayRead{ops_.issue(id, CmdPurpose::miss_read, a, b - a), modes_.disk(op.disk).id,
                           begin, end - begin, op.first_block + a, b - a});
  counters_.array_read_bytes += end - begin;
  op.served.array += b - a;
  ++op.before_ack;
}

void HostEngine::Core::read_completed(OpId id, const Cmd& cmd, Status status,
                                      std::span<const Version> data) {
  Op& op = ops_[id];
  if (cmd.purpose == CmdPurpose::fill_write) {
    for (std::uint32_t j = 0; j < cmd.count; ++j) {
      const SlotId slot = op.io_slots[op.blocks + cmd.first + j];
      if (status == Status::ok) {
        index_.set_state(slot, SlotState::clean);
      } else {
        drop_slot(slot);
      }
    }
    return;
  }
  if (status != Status::ok) op.status = Status::io_error;
  if (cmd.purpose == CmdPurpose::hit_read) {
    if (status == Status::ok) {
      std::uint32_t j = 0;
      for (std::uint32_t i = 0; i < op.blocks; ++i) {
        if (op.plan[i] == BlockPlan::hit) op.versions[i] = data[j++];
      }
    }
  } else {  // miss_read of blocks [first, first + count)
    std::uint32_t fills = 0;
    for (std::uint32_t j = 0; j < cmd.count; ++j) {
      const std::uint32_t i = cmd.first + j;
      if (status == Status::ok) op.versions[i] = data[j];
      if (op.plan[i] != BlockPlan::miss_fill) continue;
      if (status != Status::ok) {
        drop_slot(op.slots[i]);
        op.plan[i] = BlockPlan::miss;
        continue;
      }
      op.io_slots[op.blocks + cmd.first + fills] = op.slots[i];
      op.io_versions[cmd.first + fills] = data[j];
      ++fills;
    }
    if (fills > 0) {
      const std::uint64_t bytes = std::uint64_t{fills} << block_shift_;
      out_.push_back(
          FlashWrite{ops_.issue(id, CmdPurpose::fill_write, cmd.first, fills),
                     std::span<const SlotId>(op.io_slots.data() + op.blocks + cmd.first, fills),
                     std::span<const Version>(op.io_versions.data() + cmd.first, fills), bytes});
      counters_.flash_write_bytes += bytes;
      counters_.fill_blocks += fills;
    }
  }
  if (--op.before_ack == 0) ack(op);
}

}  // namespace flashtwin::engine
