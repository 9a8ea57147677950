// ConsistencyOracle: the judge of every read. It sees each VM request when it is submitted and when
// it completes, and checks, per block:
//   - a read returns at least the version of the last write acknowledged before the read was
//     submitted, and at most the newest write submitted by the time it completes (a newer write
//     still in flight may be seen);
//   - reads never go back: once a read returned a version, no read submitted after that returns
//     an older one.
// Versions must be unique per write and grow with submission order (the runtime numbers writes).
// A write that completed with an error is not acknowledged; reads may see it or not.
// A read that completed with an error returned nothing to judge: read_failed() forgets it (the
// RequestLedger counts it as a reported error, never as a violation).
// Discards count as writes of whole blocks (RequestLedger decides which blocks).
//
// Partial-block writes: a write may cover only part of its first and last block. The oracle then
// keeps, for that block, which bytes each acknowledged write covers (VersionPart, the "acked
// cover"). A version returned for a block claims the whole block as that write left it, so it is
// judged against the block's newest acknowledged write, as above. A mixed label
// (ArrayVersions::is_mixed: the array holds bytes of different writes) is judged part by part:
// every byte must be at least as new as the newest acknowledged write that covered it when the
// read was submitted — so a partial write whose other bytes never reached the array is a stale
// read. Mixed labels are not checked against reads going back (their parts may legitimately be
// older than a whole-block version returned before) and never raise the floor of later reads.
//
// Memory: the last acknowledged version of every block ever acknowledged (a VersionMap: 12 bytes
// an entry, 15 to 19 in its table, while versions fit 32 bits; a block never written is at version
// 0 everywhere, so a read of it needs no state); the newest submitted and returned versions only
// while they are newer than the acknowledged one (writes in flight, reads that saw them, writes
// that failed); a part list for blocks written partially; one entry per request in flight.
#pragma once

#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/block_map.hpp"
#include "flashtwin/sim/version_map.hpp"
#include "flashtwin/sim/version_store.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace flashtwin::sim {

class ConsistencyOracle {
 public:
  struct Violation {
    engine::RequestId request = 0;
    engine::DiskId disk = 0;
    engine::BlockNo block = 0;
    engine::Version returned = 0;
    std::string reason;
  };

  // `blocks` blocks from `first_block`; every block gets `version`. The write covers its first
  // block from byte first_begin_byte and its last block up to last_end_byte (0: to its end); the
  // blocks between, whole.
  void write_submitted(engine::RequestId request, engine::DiskId disk, engine::BlockNo first_block,
                       std::uint32_t blocks, engine::Version version,
                       std::uint32_t first_begin_byte = 0, std::uint32_t last_end_byte = 0);
  void write_completed(engine::RequestId request, bool ok);
  void read_submitted(engine::RequestId request, engine::DiskId disk, engine::BlockNo first_block,
                      std::uint32_t blocks);
  // Checks a read's labels (one per block). Mixed labels are resolved by `array` (without one, a
  // mixed label is a violation). Returns the first violation, if any.
  std::optional<Violation> read_completed(engine::RequestId request,
                                          std::span<const engine::Version> versions,
                                          const ArrayVersions* array = nullptr);
  // A read submitted and completed with nothing in between (a cache-only replay's reads at
  // once): read_submitted and read_completed in one step, with nothing held in flight.
  std::optional<Violation> read_at_once(engine::RequestId request, engine::DiskId disk,
                                        engine::BlockNo first_block, std::uint32_t blocks,
                                        std::span<const engine::Version> versions,
                                        const ArrayVersions* array = nullptr);
  // The read completed with an error: nothing to check; its floors are dropped.
  void read_failed(engine::RequestId request);
  // The block's acknowledged data is lost (a failure beyond the protection level, counted by the
  // caller): from now on what `array` holds for it is its acknowledged content, and reads may go
  // back to it. Requires no read of the block in flight.
  void accept_loss(engine::DiskId disk, engine::BlockNo block, const ArrayVersions& array);

  // The version every acknowledged write left on `block` (0 if none): what the array must hold
  // once all dirty data is destaged.
  engine::Version last_acknowledged(engine::DiskId disk, engine::BlockNo block) const;
  // Which bytes of `block` the acknowledged writes left at which version: one part (the last
  // acknowledged version) unless the block was written partially.
  std::vector<VersionPart> acknowledged_parts(engine::DiskId disk, engine::BlockNo block) const;
  // Whether `label` (a version or a mixed label of `array`) holds, byte by byte, at least what the
  // acknowledged writes left on the block.
  bool holds_acknowledged(engine::DiskId disk, engine::BlockNo block, engine::Version label,
                          const ArrayVersions& array) const;

  // The VMs of `disks` rebooted (their host failed, was fenced or lost power): what their reads
  // returned before binds no more, only what was acknowledged does. (A version a read returned
  // without being acknowledged — a write that failed with an I/O error but left its data in a
  // cache — may be gone after the reboot, as for a disk after a failed write.)
  void forget_returned(std::span<const engine::DiskId> disks);

  std::uint64_t reads_checked() const { return reads_checked_; }
  // Blocks with any state (acknowledged, or written and not settled yet).
  std::size_t blocks_tracked() const;
  // Blocks whose newest submitted or returned version is newer than the acknowledged one.
  std::size_t blocks_unsettled() const { return unsettled_.size(); }
  std::size_t blocks_written_partially() const { return covers_.size(); }
  std::size_t requests_in_flight() const { return pending_.size(); }
  template <class Visit>
  void for_each_acknowledged(Visit&& visit) const {
    acked_.for_each([&](std::uint64_t key, engine::Version acked) {
      visit(static_cast<engine::DiskId>(key >> 44), key & ((std::uint64_t{1} << 44) - 1), acked);
    });
  }

 private:
  // A block's versions as the checks see them.
  struct BlockState {
    engine::Version acked = 0;      // newest acknowledged write
    engine::Version submitted = 0;  // newest submitted write (>= acked)
    engine::Version returned = 0;   // newest version a read returned, if newer than acked
  };
  // What a block has beyond its acknowledged version, kept only while it does.
  struct Unsettled {
    engine::Version submitted = 0;
    engine::Version returned = 0;
  };
  struct Pending {
    engine::DiskId disk = 0;
    engine::BlockNo first_block = 0;
    std::uint32_t blocks = 0;
    engine::Version version = 0;                            // writes
    std::uint32_t first_begin_byte = 0, last_end_byte = 0;  // writes
    // Reads, per block: newest acked or returned at submission, and newest acked alone.
    std::vector<engine::Version> floor, acked;
    // Reads: the acked cover, at submission, of the blocks written partially (block index).
    std::vector<std::pair<std::uint32_t, std::vector<VersionPart>>> covers;
  };

  BlockState state_of(std::uint64_t key) const;
  // A read's floors and covers as of now, into `read` (its vectors reused).
  void take_floors(Pending& read, engine::DiskId disk, engine::BlockNo first_block,
                   std::uint32_t blocks) const;
  std::optional<Violation> judge_read(engine::RequestId request, const Pending& read,
                                      std::span<const engine::Version> versions,
                                      const ArrayVersions* array);
  // Forgets the block's unsettled entry once its acknowledged version caught up with it.
  void settle(std::uint64_t key);
  const std::vector<VersionPart>* cover(std::uint64_t key) const;
  std::optional<Violation> check_mixed(const Pending& read, std::uint32_t i, engine::Version label,
                                       const BlockState& state, const ArrayVersions* array) const;

  VersionMap acked_;                     // by disk_block_key: newest acknowledged write
  BlockMap<Unsettled> unsettled_;        // by disk_block_key
  BlockMap<std::uint32_t> cover_index_;  // by disk_block_key: 1 + index in covers_
  std::vector<std::vector<VersionPart>> covers_;
  std::unordered_map<engine::RequestId, Pending> pending_;
  Pending at_once_;  // read_at_once's floors (kept for their vectors' storage)
  std::uint64_t reads_checked_ = 0;
};

}  // namespace flashtwin::sim
