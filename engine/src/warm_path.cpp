// Warming reads (HostEngine::warm_read): the read path of read_path.cpp with every command done
// at once, for filling a cache before the run without an operation, locks or commands per request.
// Any change to what a read does to the index, the policy, admission or the counters belongs in
// both files; tests/engine/warm_read_test.cpp holds them to the same result.
#include "engine_core.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace flashtwin::engine {

bool HostEngine::Core::warm_read(const IoRequest& request, std::vector<WarmFill>& filled) {
  if (request.kind != IoKind::read)
    throw std::invalid_argument("warm_read: request " + std::to_string(request.id) +
                                " is not a read");
  if (foreground_in_flight_ != 0 || locks_.blocks_in_flight() != 0 || rebuilding_ ||
      !lost_.empty() || migration_.any()) {
    throw std::logic_error(
        "warm_read: the engine is busy (requests in flight, rebuilding, lost "
        "blocks or a migration); warming is for an engine before its run");
  }
  const LocalDisk disk = known_disk(request);
  check_range(request, modes_.disk(disk));
  const CacheMode mode = modes_.request_mode(disk);
  const bool cached_mode = mode != CacheMode::pass_through;
  const std::uint64_t offset = request.offset_bytes;
  const std::uint64_t end = offset + request.length_bytes;
  const BlockNo first_block = offset >> block_shift_;
  const std::uint64_t block_mask = config_.block_bytes - 1;
  const auto blocks =
      static_cast<std::uint32_t>(((end + block_mask) >> block_shift_) - first_block);
  ++counters_.read_requests;
  counters_.read_bytes += request.length_bytes;
  const bool admitted = admission_.admit_request(disk, offset, request.length_bytes) &&
                        cached_mode && blocks <= bypass_blocks();

  // Hits, in block order (as start_read).
  warm_hits_.assign(blocks, false);
  std::uint32_t hits = 0;
  for (std::uint32_t i = 0; i < blocks; ++i) {
    const SlotId slot = index_.find(block_key(disk, first_block + i));
    const SlotState state = slot == BlockIndex::kNoSlot ? SlotState::free : index_.state(slot);
    if (state == SlotState::dirty || (state == SlotState::clean && cached_mode)) {
      warm_hits_[i] = true;
      ++hits;
      if (cached_mode) policy_->on_hit(slot);
      ++counters_.read_hit_blocks;
    } else {
      ++counters_.read_miss_blocks;
    }
  }
  counters_.flash_read_bytes += std::uint64_t{hits} << block_shift_;

  // Runs of missed blocks: each an array read, its admitted blocks a fill (as start_read,
  // issue_array_read and the fill's completion).
  bool room = true;
  const std::size_t first_fill = filled.size();
  for (std::uint32_t a = 0; a < blocks;) {
    if (warm_hits_[a]) {
      ++a;
      continue;
    }
    std::uint32_t b = a;
    std::uint32_t fills = 0;
    for (; b < blocks && !warm_hits_[b]; ++b) {
      const std::uint64_t key = block_key(disk, first_block + b);
      if (!admitted || !cached_mode || index_.find(key) != BlockIndex::kNoSlot) continue;
      if (!admission_.admit_block(key)) {
        ++counters_.admissions_refused;
        continue;
      }
      const SlotId slot = index_.allocate(key, SlotState::filling);
      if (slot == BlockIndex::kNoSlot) {
        room = false;
        continue;
      }
      policy_->on_insert(slot, key);
      filled.push_back(WarmFill{slot, request.disk, first_block + b});
      ++fills;
    }
    const std::uint64_t run_begin = (first_block + a) << block_shift_;
    const std::uint64_t run_end = (first_block + b) << block_shift_;
    counters_.array_read_bytes +=
        fills > 0 ? run_end - run_begin : std::min(run_end, end) - std::max(run_begin, offset);
    counters_.flash_write_bytes += std::uint64_t{fills} << block_shift_;
    counters_.fill_blocks += fills;
    a = b;
  }
  // The fills' writes are done: their slots hold the blocks.
  for (std::size_t f = first_fill; f < filled.size(); ++f)
    index_.set_state(filled[f].slot, SlotState::clean);
  return room;
}

std::size_t HostEngine::Core::warm_reads(std::span<const IoRequest> requests,
                                         std::vector<WarmFill>& filled) {
  // A warming read's cost is its lookups in an index of millions of blocks: a cache miss each
  // for the bucket and the slot's key. The batch is known ahead, so both are loaded some
  // requests before they are needed (the hints change nothing but the timing).
  constexpr std::size_t kBucketsAhead = 16;
  constexpr std::size_t kSlotsAhead = 8;
  constexpr std::uint64_t kBlocksHinted = 16;  // of a longer read, its first blocks
  const auto hint = [&](const IoRequest& r, bool slots) {
    const std::optional<LocalDisk> disk = modes_.find_disk(r.disk);
    if (!disk || r.length_bytes == 0) return;
    const BlockNo first = r.offset_bytes >> block_shift_;
    const BlockNo last = (r.offset_bytes + r.length_bytes - 1) >> block_shift_;
    for (BlockNo b = first; b <= last && b < first + kBlocksHinted; ++b) {
      if (slots) {
        index_.prefetch_slot(block_key(*disk, b));
      } else {
        index_.prefetch_bucket(block_key(*disk, b));
      }
    }
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i + kBucketsAhead < requests.size()) hint(requests[i + kBucketsAhead], false);
    if (i + kSlotsAhead < requests.size()) hint(requests[i + kSlotsAhead], true);
    if (!warm_read(requests[i], filled)) return i + 1;
  }
  return requests.size();
}

}  // namespace flashtwin::engine
