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
// Memory: state only for blocks ever written (a block never written is at version 0 everywhere,
// so a read of it needs no state), plus one entry per request in flight.
#pragma once

#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/block_map.hpp"

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

  // `blocks` blocks from `first_block`; for a write, every block gets `version`.
  void write_submitted(engine::RequestId request, engine::DiskId disk, engine::BlockNo first_block,
                       std::uint32_t blocks, engine::Version version);
  void write_completed(engine::RequestId request, bool ok);
  void read_submitted(engine::RequestId request, engine::DiskId disk, engine::BlockNo first_block,
                      std::uint32_t blocks);
  // Checks a read's versions (one per block). Returns the first violation, if any.
  std::optional<Violation> read_completed(engine::RequestId request,
                                          std::span<const engine::Version> versions);
  // The read completed with an error: nothing to check; its floors are dropped.
  void read_failed(engine::RequestId request);

  // The version every acknowledged write left on `block` (0 if none): what the array must hold
  // once all dirty data is destaged.
  engine::Version last_acknowledged(engine::DiskId disk, engine::BlockNo block) const;

  std::uint64_t reads_checked() const { return reads_checked_; }
  std::size_t blocks_tracked() const { return blocks_.size(); }
  std::size_t requests_in_flight() const { return pending_.size(); }
  template <class Visit>
  void for_each_acknowledged(Visit&& visit) const {
    blocks_.for_each([&](std::uint64_t key, const BlockState& state) {
      if (state.acked != 0) {
        visit(static_cast<engine::DiskId>(key >> 44), key & ((std::uint64_t{1} << 44) - 1),
              state.acked);
      }
    });
  }

 private:
  struct BlockState {
    engine::Version acked = 0;      // newest acknowledged write
    engine::Version submitted = 0;  // newest submitted write
    engine::Version returned = 0;   // newest version a read returned
  };
  struct Pending {
    engine::DiskId disk = 0;
    engine::BlockNo first_block = 0;
    std::uint32_t blocks = 0;
    engine::Version version = 0;         // writes
    std::vector<engine::Version> floor;  // reads: per block, newest acked or returned at submission
  };

  BlockMap<BlockState> blocks_;  // by disk_block_key
  std::unordered_map<engine::RequestId, Pending> pending_;
  std::uint64_t reads_checked_ = 0;
};

}  // namespace flashtwin::sim
