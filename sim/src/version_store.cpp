#include "flashtwin/sim/version_store.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace flashtwin::sim {

FlashVersions::FlashVersions(std::uint64_t slots)
    : slots_(slots), pages_((slots + kPageSlots - 1) / kPageSlots) {}

engine::Version FlashVersions::at(engine::SlotId slot) const {
  const std::size_t index = slot / kPageSlots;
  if (index >= pages_.size()) return 0;
  const Page& page = pages_[index];
  if (page.wide) return page.wide[slot % kPageSlots];
  if (page.narrow) return page.narrow[slot % kPageSlots];
  return 0;
}

void FlashVersions::read(std::span<const engine::SlotId> slots,
                         std::vector<engine::Version>& out) const {
  out.clear();
  for (engine::SlotId slot : slots)
    out.push_back(at(slot));
}

void FlashVersions::put(Page& page, std::uint32_t at, engine::Version version) {
  if (page.wide) {
    page.wide[at] = version;
    return;
  }
  if (!page.narrow) {
    if (version == 0) return;                                     // an absent page reads 0 already
    page.narrow = std::make_unique<std::uint32_t[]>(kPageSlots);  // value-initialised: zeros
    ++pages_allocated_;
  }
  if (version <= std::numeric_limits<std::uint32_t>::max()) {
    page.narrow[at] = static_cast<std::uint32_t>(version);
    return;
  }
  page.wide = std::make_unique<engine::Version[]>(kPageSlots);
  for (std::uint32_t i = 0; i < kPageSlots; ++i)
    page.wide[i] = page.narrow[i];
  page.narrow.reset();
  ++pages_widened_;
  page.wide[at] = version;
}

void FlashVersions::write(std::span<const engine::SlotId> slots,
                          std::span<const engine::Version> versions) {
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i] >= slots_) {
      throw std::out_of_range("flash versions: slot " + std::to_string(slots[i]) +
                              " beyond a flash of " + std::to_string(slots_) + " slots");
    }
    put(pages_[slots[i] / kPageSlots], slots[i] % kPageSlots, versions[i]);
  }
}

std::size_t FlashVersions::memory_bytes() const {
  return pages_.capacity() * sizeof(Page) +
         (pages_allocated_ - pages_widened_) * kPageSlots * sizeof(std::uint32_t) +
         pages_widened_ * kPageSlots * sizeof(engine::Version);
}

ArrayVersions::ArrayVersions(std::uint32_t block_bytes) : block_bytes_(block_bytes) {
  if (block_bytes == 0 || (block_bytes & (block_bytes - 1)) != 0)
    throw std::invalid_argument("array versions: block_bytes must be a power of two");
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
    blocks_.set(disk_block_key(disk, first_block + i), versions[i]);
}

void ArrayVersions::write_range(engine::DiskId disk, engine::BlockNo first_block,
                                std::uint64_t offset_bytes, std::uint64_t length_bytes,
                                std::span<const engine::Version> versions) {
  const std::uint64_t block = block_bytes_;
  const std::uint64_t end_bytes = offset_bytes + length_bytes;
  if (length_bytes == 0 || offset_bytes / block != first_block ||
      (end_bytes + block - 1) / block - first_block != versions.size()) {
    throw std::invalid_argument("array versions: bytes " + std::to_string(offset_bytes) + "+" +
                                std::to_string(length_bytes) + " do not touch exactly blocks " +
                                std::to_string(first_block) + "+" +
                                std::to_string(versions.size()));
  }
  std::vector<VersionPart> parts;
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const engine::BlockNo b = first_block + i;
    const std::uint64_t block_begin = b * block;
    const auto begin =
        static_cast<std::uint32_t>(std::max(offset_bytes, block_begin) - block_begin);
    const auto end =
        static_cast<std::uint32_t>(std::min(end_bytes, block_begin + block) - block_begin);
    const std::uint64_t key = disk_block_key(disk, b);
    if (begin == 0 && end == block) {
      blocks_.set(key, versions[i]);
      continue;
    }
    parts = this->parts(blocks_.get(key));
    overwrite_parts(parts, begin, end == block ? 0 : end, versions[i]);
    blocks_.set(key, label_of(parts));
  }
}

engine::Version ArrayVersions::label_of(std::vector<VersionPart>& parts) {
  if (parts.size() == 1) return parts.front().version;
  mixed_.push_back(Mixed{parts_.size(), static_cast<std::uint32_t>(parts.size())});
  parts_.insert(parts_.end(), parts.begin(), parts.end());
  return kMixedBit | (mixed_.size() - 1);
}

engine::Version ArrayVersions::at(engine::DiskId disk, engine::BlockNo block) const {
  return blocks_.get(disk_block_key(disk, block));
}

std::vector<VersionPart> ArrayVersions::parts(engine::Version label) const {
  if (!is_mixed(label)) return {VersionPart{0, label}};
  const engine::Version index = label & ~kMixedBit;
  if (index >= mixed_.size()) {
    throw std::out_of_range("array versions: mixed label " + std::to_string(index) +
                            " was never made");
  }
  const Mixed& m = mixed_[index];
  const auto first = parts_.begin() + static_cast<std::ptrdiff_t>(m.first_part);
  return {first, first + m.parts};
}

void overwrite_parts(std::vector<VersionPart>& parts, std::uint32_t begin_byte,
                     std::uint32_t end_byte, engine::Version version, bool newest) {
  // Split at begin_byte and end_byte, rewrite the parts between, merge equal neighbours.
  auto split = [&](std::uint32_t at) {
    auto it =
        std::upper_bound(parts.begin(), parts.end(), at,
                         [](std::uint32_t x, const VersionPart& p) { return x < p.begin_byte; });
    const VersionPart before = *(it - 1);  // parts.front().begin_byte == 0 <= at
    if (before.begin_byte != at) parts.insert(it, VersionPart{at, before.version});
  };
  split(begin_byte);
  const bool to_end = end_byte == 0;  // callers may pass 0 for "the block's end"
  if (!to_end) split(end_byte);
  for (VersionPart& p : parts) {
    if (p.begin_byte >= begin_byte && (to_end || p.begin_byte < end_byte))
      p.version = newest ? std::max(p.version, version) : version;
  }
  std::vector<VersionPart> merged;
  for (const VersionPart& p : parts) {
    if (merged.empty() || merged.back().version != p.version) merged.push_back(p);
  }
  parts.swap(merged);
}

}  // namespace flashtwin::sim
