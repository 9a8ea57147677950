#include "flashtwin/sim/version_store.hpp"

namespace flashtwin::sim {

void FlashVersions::read(std::span<const engine::SlotId> slots,
                         std::vector<engine::Version>& out) const {
  out.clear();
  for (engine::SlotId slot : slots)
    out.push_back(slots_[slot]);
}

void FlashVersions::write(std::span<const engine::SlotId> slots,
                          std::span<const engine::Version> versions) {
  for (std::size_t i = 0; i < slots.size(); ++i)
    slots_[slots[i]] = versions[i];
}

void ArrayVersions::read(engine::DiskId disk, engine::BlockNo first_block, std::uint32_t blocks,
                         std::vector<engine::Version>& out) const {
  out.clear();
  for (std::uint32_t i = 0; i < blocks; ++i)
    out.push_back(at(disk, first_block + i));
}

void ArrayVersions::write(engine::DiskId disk, engine::BlockNo first_block,
                          std::span<const engine::Version> versions) {
  for (std::size_t i = 0; i < versions.size(); ++i)
    blocks_[key(disk, first_block + i)] = versions[i];
}

engine::Version ArrayVersions::at(engine::DiskId disk, engine::BlockNo block) const {
  auto it = blocks_.find(key(disk, block));
  return it == blocks_.end() ? 0 : it->second;
}

}  // namespace flashtwin::sim
