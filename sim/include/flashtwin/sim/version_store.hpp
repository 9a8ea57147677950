// What simulated devices hold: versions, not bytes. The flash of a host holds one version per slot;
// the array one version per (disk, block), 0 for a block never written.
#pragma once

#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/block_map.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace flashtwin::sim {

// One version per slot of a flash of `slots` slots, 0 for a slot never written. Slots live in
// pages of kPageSlots allocated when one of their slots is first written, so a large flash costs
// memory only for the pages the engine writes to (a pointer per page up front: 25 KiB for 800 GiB
// of 4 KiB blocks), whatever order it hands out slots in. Writing a slot >= slots throws
// std::out_of_range.
class FlashVersions {
 public:
  static constexpr std::uint32_t kPageSlots = 1u << 16;  // 512 KiB of versions
  explicit FlashVersions(std::uint64_t slots);
  void read(std::span<const engine::SlotId> slots, std::vector<engine::Version>& out) const;
  void write(std::span<const engine::SlotId> slots, std::span<const engine::Version> versions);
  engine::Version at(engine::SlotId slot) const;
  std::size_t pages_allocated() const { return pages_allocated_; }

 private:
  std::uint64_t slots_;
  std::vector<std::unique_ptr<engine::Version[]>> pages_;
  std::size_t pages_allocated_ = 0;
};

class ArrayVersions {
 public:
  void read(engine::DiskId disk, engine::BlockNo first_block, std::uint32_t blocks,
            std::vector<engine::Version>& out) const;
  void write(engine::DiskId disk, engine::BlockNo first_block,
             std::span<const engine::Version> versions);
  engine::Version at(engine::DiskId disk, engine::BlockNo block) const;
  std::size_t blocks_written() const { return blocks_.size(); }

 private:
  BlockMap<engine::Version> blocks_;  // by disk_block_key
};

}  // namespace flashtwin::sim
