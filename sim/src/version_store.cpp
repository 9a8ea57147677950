#include "flashtwin/sim/version_store.hpp"

#include <stdexcept>
#include <string>

namespace flashtwin::sim {

FlashVersions::FlashVersions(std::uint64_t slots)
    : slots_(slots), pages_((slots + kPageSlots - 1) / kPageSlots) {}

engine::Version FlashVersions::at(engine::SlotId slot) const {
  const std::size_t page = slot / kPageSlots;
  if (page >= pages_.size() || !pages_[page]) return 0;
  return pages_[page][slot % kPageSlots];
}

void FlashVersions::read(std::span<const engine::SlotId> slots,
                         std::vector<engine::Version>& out) const {
  out.clear();
  for (engine::SlotId slot : slots)
    out.push_back(at(slot));
}

void FlashVersions::write(std::span<const engine::SlotId> slots,
                          std::span<const engine::Version> versions) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] >= slots_) {
      throw std::out_of_range("flash versions: slot " + std::to_string(slots[i]) +
                              " beyond a flash of " + std::to_string(slots_) + " slots");
    }
    std::unique_ptr<engine::Version[]>& page = pages_[slots[i] / kPageSlots];
    if (!page) {
      page = std::make_unique<engine::Version[]>(kPageSlots);  // value-initialised: zeros
      ++pages_allocated_;
    }
    page[slots[i] % kPageSlots] = versions[i];
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
