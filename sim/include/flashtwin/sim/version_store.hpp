// What simulated devices hold: versions, not bytes. The flash of a host holds one version per slot;
// the array one label per (disk, block), 0 for a block never written.
//
// A label is either a write's version — the whole block as that write left it — or, on the array,
// a *mixed* label (ArrayVersions::is_mixed): a partial-block write reached the array (a
// write-through or write-around write, or a write-back write that could not be cached), so the
// block's bytes come from different writes; the label names its parts (VersionPart), kept for the
// whole run so that a copy of the label on flash stays readable. The engine moves labels like
// versions; the oracle judges a mixed label part by part, so a block whose other bytes never
// reached the array (a partial write wrongly marked clean) is caught. The flash store keeps the
// engine's labels as given: a FlashWrite does not say which bytes of a partial write it carries.
#pragma once

#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/version_map.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace flashtwin::sim {

// One version per slot of a flash of `slots` slots, 0 for a slot never written. Slots live in
// pages of kPageSlots, and a page takes the least memory its versions allow:
//   - absent while every slot of it reads 0 (a large flash costs a small Page per 4096 slots up
//     front: 2 MiB for 800 GiB of 4 KiB blocks);
//   - sparse while at most kSparseMax of its slots hold a version other than 0: their offsets and
//     32-bit versions in two sorted arrays (6 bytes a slot written, found by binary search) —
//     most pages of a cache filled by reads, where only the blocks written since hold versions;
//   - dense: 32-bit versions for every slot (16 KiB), once it holds more;
//   - wide: 64-bit versions (32 KiB), once a version or mixed label needs 64 bits.
// A page only moves down that list, but for a sparse page whose slots all return to 0, which is
// absent again.
// Writing a slot >= slots throws std::out_of_range.
class FlashVersions {
 public:
  static constexpr std::uint32_t kPageSlots = 1u << 12;
  static constexpr std::uint32_t kSparseMax = 2048;
  explicit FlashVersions(std::uint64_t slots);
  void read(std::span<const engine::SlotId> slots, std::vector<engine::Version>& out) const;
  void write(std::span<const engine::SlotId> slots, std::span<const engine::Version> versions);
  engine::Version at(engine::SlotId slot) const;
  // Pages in each form.
  std::size_t pages_sparse() const { return pages_sparse_; }
  std::size_t pages_dense() const { return pages_dense_; }
  std::size_t pages_widened() const { return pages_widened_; }
  std::size_t pages_allocated() const { return pages_sparse_ + pages_dense_ + pages_widened_; }
  // Bytes of the pages and their arrays.
  std::size_t memory_bytes() const;

 private:
  struct Page {
    std::vector<std::uint16_t> sparse_at;       // sorted offsets of the slots written (sparse)
    std::vector<std::uint32_t> sparse_version;  // their versions
    std::unique_ptr<std::uint32_t[]> narrow;    // dense, until a value needs 64 bits
    std::unique_ptr<engine::Version[]> wide;    // after
  };
  void put(Page& page, std::uint32_t at, engine::Version version);
  void put_sparse(Page& page, std::uint32_t at, engine::Version version);
  void make_dense(Page& page);
  void make_wide(Page& page);

  std::uint64_t slots_;
  std::vector<Page> pages_;
  std::size_t pages_sparse_ = 0;
  std::size_t pages_dense_ = 0;
  std::size_t pages_widened_ = 0;
};

// Part of a block: from begin_byte to the next part's begin_byte (the last: to the block's end)
// the bytes are those `version` wrote (0: never written). Parts are sorted, the first begins at 0,
// and neighbours differ in version.
struct VersionPart {
  std::uint32_t begin_byte = 0;
  engine::Version version = 0;
  bool operator==(const VersionPart&) const = default;
};

// Memory: a 12-byte VersionMap entry (15 to 19 bytes in its table) per block ever written, 16
// more for a mixed label or a version past 2^32, plus one part list per partial write that
// reached the array (about 40 bytes).
class ArrayVersions {
 public:
  static constexpr engine::Version kMixedBit = engine::Version{1} << 63;
  static constexpr bool is_mixed(engine::Version label) { return (label & kMixedBit) != 0; }

  // block_bytes: the engine's block (a power of two), which write_range needs.
  explicit ArrayVersions(std::uint32_t block_bytes = 4096);
  // The labels of `blocks` blocks from `first_block`.
  void read(engine::DiskId disk, engine::BlockNo first_block, std::uint32_t blocks,
            std::vector<engine::Version>& out) const;
  // Whole blocks: block first_block + i gets versions[i].
  void write(engine::DiskId disk, engine::BlockNo first_block,
             std::span<const engine::Version> versions);
  // The bytes [offset_bytes, offset_bytes + length_bytes), which touch the blocks from
  // first_block on: block first_block + i gets versions[i] on the bytes the range covers and keeps
  // its other bytes. Throws std::invalid_argument if the range and the blocks disagree.
  void write_range(engine::DiskId disk, engine::BlockNo first_block, std::uint64_t offset_bytes,
                   std::uint64_t length_bytes, std::span<const engine::Version> versions);
  engine::Version at(engine::DiskId disk, engine::BlockNo block) const;
  // The parts of a label: one part for a version, the listed ones for a mixed label. Throws
  // std::out_of_range for a mixed label this store never made.
  std::vector<VersionPart> parts(engine::Version label) const;
  std::size_t blocks_written() const { return blocks_.size(); }
  std::size_t mixed_labels() const { return mixed_.size(); }

 private:
  struct Mixed {
    std::uint64_t first_part;
    std::uint32_t parts;
  };
  engine::Version label_of(std::vector<VersionPart>& parts);  // normalises; may add a Mixed

  std::uint32_t block_bytes_;
  VersionMap blocks_;         // labels by disk_block_key
  std::vector<Mixed> mixed_;  // mixed label i & ~kMixedBit -> its parts
  std::vector<VersionPart> parts_;
};

// Overwrites [begin_byte, end_byte) of `parts` (a block's parts) with `version` (or, with
// `newest`, with the newer of the two, part by part), then merges equal neighbours.
void overwrite_parts(std::vector<VersionPart>& parts, std::uint32_t begin_byte,
                     std::uint32_t end_byte, engine::Version version, bool newest = false);

}  // namespace flashtwin::sim
