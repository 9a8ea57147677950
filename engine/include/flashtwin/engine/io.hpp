// A VM's block request as it reaches the host engine, and what the engine reports back about it.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <cstdint>

namespace flashtwin::engine {

// One read / write / flush / discard on a virtual disk. Offset and length are in bytes and need not
// be block-aligned; the engine splits them into cache blocks. A flush has no range. `version` is
// the data a write (or discard) puts on every block it touches; reads and flushes ignore it.
// Versions must grow with submission order for each block (the runtime's oracle relies on it, not
// the engine).
struct IoRequest {
  RequestId id = 0;
  DiskId disk = 0;
  IoKind kind = IoKind::read;
  std::uint64_t offset_bytes = 0;
  std::uint64_t length_bytes = 0;
  Version version = 0;
};

// Where the blocks of a completed request were served from (counts of cache blocks).
struct ServedBlocks {
  std::uint32_t local_flash = 0;
  std::uint32_t remote_flash = 0;  // a peer's flash (after migration; cluster protocol)
  std::uint32_t array = 0;
};

// A block a warming read placed in the cache (HostEngine::warm_read): its slot, and the disk and
// block it holds.
struct WarmFill {
  SlotId slot = 0;
  DiskId disk = 0;
  BlockNo block = 0;
};

// Where a block of a read served at once (HostEngine::reads_at_once) came from: the cache's flash
// at `slot`, the array, or the array and then written to `slot` (a fill: the runtime gives that
// slot the array's version, as the fill's FlashWrite would have).
enum class BlockSource : std::uint8_t { flash, array, array_filled };
struct ServedBlock {
  SlotId slot = 0;  // flash and array_filled only
  BlockSource source = BlockSource::array;
};

// Where a write's time went, measured by the engine on the times it is given (zero for requests
// that are not writes). waited_ns: from submission until it started (the dirty gate, block
// locks). local_flash_ns: from its start until its local flash write completed. For a write-back
// write with replicas, the slowest replica (by round trip from the start): network_ns is its round
// trip minus peer_flash_ns, the time the copy took on the peer. total_ns: submission to
// acknowledgement.
struct WriteTiming {
  TimeNs total_ns = 0;
  TimeNs waited_ns = 0;
  TimeNs local_flash_ns = 0;
  TimeNs network_ns = 0;
  TimeNs peer_flash_ns = 0;
  std::uint8_t replicas = 0;  // peer copies the write waited for
};

}  // namespace flashtwin::engine
