#include "flashtwin/sim/version_store.hpp"

namespace flashtwin::sim {

void FlashVersions::read(std::span<const engine::SlotId> slots,
                         std::vector<engine::Version>& out) const {
  out.clear();
  for (engine::SlotId slot : slots)
    out.push_back(slot < slots_.size() ? slots_[slot] : 0);
}

void FlashVersions::write(std::span<const engine::SlotId> slots,
                          std::span<const engine::Version> versions) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] >= slots_.size()) slots_.resize(std::size_t{slots[i]} + 1, 0);
    slots_[slots[i]] = versions[i];
  }
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
    blocks_[disk_block_key(disk, first_block + i)] = versions[i];
}

engine::Version ArrayVersions::at(engine::DiskId disk, engine::BlockNo block) const {
  const engine::Version* version = blocks_.find(disk_block_key(disk, block));
  return version == nullptr ? 0 : *version;
}

}  // namespace flashtwin::sim
