// What simulated devices hold: versions, not bytes. The flash of a host holds one version per slot;
// the array one version per (disk, block), 0 for a block never written.
#pragma once

#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/block_map.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace flashtwin::sim {

// Slots are stored as they are first written (reserved, not touched, up front), so a large flash
// costs memory only as it fills.
class FlashVersions {
 public:
  explicit FlashVersions(std::uint64_t slots) { slots_.reserve(slots); }
  void read(std::span<const engine::SlotId> slots, std::vector<engine::Version>& out) const;
  void write(std::span<const engine::SlotId> slots, std::span<const engine::Version> versions);

 private:
  std::vector<engine::Version> slots_;
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
