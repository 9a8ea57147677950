// What simulated devices hold: versions, not bytes. The flash of a host holds one version per slot;
// the array one version per (disk, block), 0 for a block never written.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace flashtwin::sim {

class FlashVersions {
 public:
  explicit FlashVersions(std::uint64_t slots) : slots_(slots, 0) {}
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
  static std::uint64_t key(engine::DiskId disk, engine::BlockNo block) {
    return (std::uint64_t{disk} << 44) ^ block;  // disks below 2^20, blocks below 2^44
  }
  std::unordered_map<std::uint64_t, engine::Version> blocks_;
};

}  // namespace flashtwin::sim
