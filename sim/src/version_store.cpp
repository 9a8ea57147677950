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
  const std::uint32_t at = slot % kPageSlots;
  if (page.wide) return page.wide[at];
  if (page.narrow) return page.narrow[at];
  const auto found = std::lower_bound(page.sparse_at.begin(), page.sparse_at.end(), at);
  if (found == page.sparse_at.end() || *found != at) return 0;
  return page.sparse_version[static_cast<std::size_t>(found - page.sparse_at.begin())];
}

void FlashVersions::read(std::span<const engine::SlotId> slots,
                         std::vector<engine::Version>& out) const {
  out.clear();
  for (engine::SlotId slot : slots)
    out.push_back(at(slot));
}

void FlashVersions::put(Page& page, std::uint32_t at, engine::Version version) {
  if (!page.wide && version > std::numeric_limits<std::uint32_t>::max()) make_wide(page);
  if (page.wide) {
    page.wide[at] = version;
  } else if (page.narrow) {
    page.narrow[at] = static_cast<std::uint32_t>(version);
  } else {
    put_sparse(page, at, version);
  }
}

void FlashVersions::put_sparse(Page& page, std::uint32_t at, engine::Version version) {
  const auto found = std::lower_bound(page.sparse_at.begin(), page.sparse_at.end(), at);
  const auto i = static_cast<std::size_t>(found - page.sparse_at.begin());
  const bool present = found != page.sparse_at.end() && *found == at;
  if (present && version != 0) {
    page.sparse_version[i] = static_cast<std::uint32_t>(version);
  } else if (present) {  // back to 0: the slot leaves the arrays
    page.sparse_at.erase(found);
    page.sparse_version.erase(page.sparse_version.begin() + static_cast<std::ptrdiff_t>(i));
    if (page.sparse_at.empty()) {
      --pages_sparse_;
      page.sparse_at = {};
      page.sparse_version = {};
    }
  } else if (version != 0) {
    if (page.sparse_at.size() == kSparseMax) {
      make_dense(page);
      page.narrow[at] = static_cast<std::uint32_t>(version);
      return;
    }
    if (page.sparse_at.empty()) ++pages_sparse_;
    if (page.sparse_at.size() == page.sparse_at.capacity()) {  // grow by a quarter, not double
      const std::size_t more = std::max<std::size_t>(8, page.sparse_at.size() / 4);
      page.sparse_at.reserve(page.sparse_at.size() + more);
      page.sparse_version.reserve(page.sparse_at.size() + more);
    }
    page.sparse_at.insert(page.sparse_at.begin() + static_cast<std::ptrdiff_t>(i),
                          static_cast<std::uint16_t>(at));  // `found` died with the reserve
    page.sparse_version.insert(page.sparse_version.begin() + static_cast<std::ptrdiff_t>(i),
                               static_cast<std::uint32_t>(version));
  }
}

void FlashVersions::make_dense(Page& page) {
  page.narrow = std::make_unique<std::uint32_t[]>(kPageSlots);  // value-initialised: zeros
  for (std::size_t i = 0; i < page.sparse_at.size(); ++i)
    page.narrow[page.sparse_at[i]] = page.sparse_version[i];
  if (!page.sparse_at.empty()) --pages_sparse_;
  page.sparse_at = {};
  page.sparse_version = {};
  ++pages_dense_;
}

void FlashVersions::make_wide(Page& page) {
  if (!page.narrow) make_dense(page);
  page.wide = std::make_unique<engine::Version[]>(kPageSlots);
  for (std::uint32_t i = 0; i < kPageSlots; ++i)
    page.wide[i] = page.narrow[i];
  page.narrow.reset();
  --pages_dense_;
  ++pages_widened_;
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
  std::size_t bytes = pages_.capacity() * sizeof(Page) +
                      pages_dense_ * kPageSlots * sizeof(std::uint32_t) +
                      pages_widened_ * kPageSlots * sizeof(engine::Version);
  for (const Page& page : pages_) {
    bytes += page.sparse_at.capacity() * sizeof(std::uint16_t) +
             page.sparse_version.capacity() * sizeof(std::uint32_t);
  }
  return bytes;
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
