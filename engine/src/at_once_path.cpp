// Reads served at once: the read path of read_path.cpp with every command done at once, without an
// operation, locks or commands per request. Two users: warming a cache before the run
// (HostEngine::warm_read, which never evicts) and a cache-only replay's reads while the engine is
// at rest (HostEngine::reads_at_once, which evicts as the read path does). Any change to what a
// read does to the index, the policy, admission or the counters belongs in both files;
// tests/engine/warm_read_test.cpp and reads_at_once_test.cpp hold them to the same result.
#include "engine_core.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace flashtwin::engine {

// What Core::pinned pins, for a read served at once: slots that are not clean, and the read's own
// blocks, which its block locks pin on the read path (an engine at rest has no other locks).
class HostEngine::Core::ServingPins final : public SlotPins {
 public:
  ServingPins(const Core& core, std::uint64_t first_key, std::uint32_t blocks)
      : core_(core), first_key_(first_key), blocks_(blocks) {}
  bool pinned(SlotId slot) const override {
    ++core_.counters_.eviction_slots_examined;
    return core_.index_.state(slot) != SlotState::clean ||
           core_.index_.key_of(slot) - first_key_ < blocks_;
  }

 private:
  const Core& core_;
  std::uint64_t first_key_;
  std::uint32_t blocks_;
};

bool HostEngine::Core::read_at_once(const IoRequest& request, bool may_evict) {
  if (request.kind != IoKind::read)
    throw std::invalid_argument("request " + std::to_string(request.id) +
                                " is not a read: only reads are served at once");
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
  at_once_plan_.assign(blocks, BlockPlan::miss);
  at_once_slots_.resize(blocks);
  std::uint32_t hits = 0;
  for (std::uint32_t i = 0; i < blocks; ++i) {
    const SlotId slot = index_.find(block_key(disk, first_block + i));
    const SlotState state = slot == BlockIndex::kNoSlot ? SlotState::free : index_.state(slot);
    if (state == SlotState::dirty || (state == SlotState::clean && cached_mode)) {
      at_once_plan_[i] = BlockPlan::hit;
      at_once_slots_[i] = slot;
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
  const ServingPins pins(*this, block_key(disk, first_block), blocks);
  bool room = true;
  for (std::uint32_t a = 0; a < blocks;) {
    if (at_once_plan_[a] == BlockPlan::hit) {
      ++a;
      continue;
    }
    std::uint32_t b = a;
    std::uint32_t fills = 0;
    for (; b < blocks && at_once_plan_[b] != BlockPlan::hit; ++b) {
      const std::uint64_t key = block_key(disk, first_block + b);
      if (!admitted || !cached_mode || index_.find(key) != BlockIndex::kNoSlot) continue;
      if (!admission_.admit_block(key)) {
        ++counters_.admissions_refused;
        continue;
      }
      SlotId slot = BlockIndex::kNoSlot;
      if (may_evict) {
        slot = take_slot(key, SlotState::filling, pins);
      } else if (slot = index_.allocate(key, SlotState::filling); slot != BlockIndex::kNoSlot) {
        policy_->on_insert(slot, key);
      } else {
        room = false;
      }
      if (slot == BlockIndex::kNoSlot) continue;
      at_once_plan_[b] = BlockPlan::miss_fill;
      at_once_slots_[b] = slot;
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
  for (std::uint32_t i = 0; i < blocks; ++i) {
    if (at_once_plan_[i] == BlockPlan::miss_fill)
      index_.set_state(at_once_slots_[i], SlotState::clean);
  }
  return room;
}

template <class Serve>
std::size_t HostEngine::Core::serve_ahead(std::span<const IoRequest> requests, Serve&& serve) {
  // A read's cost is its lookups in an index of millions of blocks: a cache miss each for the
  // bucket and the slot's key. The batch is known ahead, so both are loaded some requests
  // before they are needed (the hints change nothing but the timing).
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
    if (!serve(requests[i])) return i + 1;
  }
  return requests.size();
}

// ---- warming

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
  const bool room = read_at_once(request, false);
  const BlockNo first_block = request.offset_bytes >> block_shift_;
  for (std::uint32_t i = 0; i < at_once_plan_.size(); ++i) {
    if (at_once_plan_[i] == BlockPlan::miss_fill)
      filled.push_back(WarmFill{at_once_slots_[i], request.disk, first_block + i});
  }
  return room;
}

std::size_t HostEngine::Core::warm_reads(std::span<const IoRequest> requests,
                                         std::vector<WarmFill>& filled) {
  return serve_ahead(requests, [&](const IoRequest& r) { return warm_read(r, filled); });
}

// ---- a cache-only replay's reads

bool HostEngine::Core::at_rest() const {
  return foreground_in_flight_ == 0 && destage_in_flight_ == 0 && ops_.commands_in_flight() == 0 &&
         locks_.blocks_in_flight() == 0 && ready_.empty() && dirty_.size() == 0 && !rebuilding_ &&
         lost_.empty() && !migration_.any() && modes_.draining() == 0 && invalidates_.empty() &&
         recovery_queue_.empty();
}

bool HostEngine::Core::reads_at_once(TimeNs now, std::span<const IoRequest> reads,
                                     std::vector<ServedBlock>& blocks) {
  if (!at_rest()) return false;
  // What submit and the last completion leave behind at rest: the time, a host that was busy
  // (so not idle) and went quiet at `now` (with nothing dirty, no idle deadline to set).
  now_ = now;
  idle_ = false;
  quiet_since_ = now;
  serve_ahead(reads, [&](const IoRequest& r) {
    read_at_once(r, true);
    for (std::size_t i = 0; i < at_once_plan_.size(); ++i) {
      switch (at_once_plan_[i]) {
        case BlockPlan::hit:
          blocks.push_back(ServedBlock{at_once_slots_[i], BlockSource::flash});
          break;
        case BlockPlan::miss_fill:
          blocks.push_back(ServedBlock{at_once_slots_[i], BlockSource::array_filled});
          break;
        default:
          blocks.push_back(ServedBlock{0, BlockSource::array});
          break;
      }
    }
    return true;
  });
  return true;
}

}  // namespace flashtwin::engine
