// What the engine asks its runtime to do. The runtime drains commands after every event it feeds
// (HostEngine::drain), carries each out, and reports every command that has a CommandId back with
// HostEngine::completed.
//
// Lifetime: spans (and the message pointer) inside drained commands point into engine-owned
// buffers and stay valid until the next call to drain(); the runtime may call the engine's other
// entry points while it walks them. Copy what you keep longer.
#pragma once

#include "flashtwin/engine/io.hpp"
#include "flashtwin/engine/peer_message.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <span>
#include <type_traits>
#include <variant>

namespace flashtwin::engine {

// Read whole cache blocks from local flash (a scatter list of slots). The completion carries the
// version each slot holds, in the order of `slots`. A metadata scan (HostEngine::restore) reads
// `bytes` and names no slot: its completion carries no version.
struct FlashRead {
  CommandId id = 0;
  std::span<const SlotId> slots;
  std::uint64_t bytes = 0;
};

// Write versions[i] into slots[i]. `bytes` is what moves: whole blocks, except a partial-block
// write hit, which writes only the bytes the VM wrote (the slot then holds that write's version).
struct FlashWrite {
  CommandId id = 0;
  std::span<const SlotId> slots;
  std::span<const Version> versions;
  std::uint64_t bytes = 0;
};

// Read [offset_bytes, offset_bytes + length_bytes) of a virtual disk from the array. The range
// touches blocks [first_block, first_block + block_count); the completion carries one version per
// block.
struct ArrayRead {
  CommandId id = 0;
  DiskId disk = 0;
  std::uint64_t offset_bytes = 0;
  std::uint64_t length_bytes = 0;
  BlockNo first_block = 0;
  std::uint32_t block_count = 0;
};

// Write a byte range to the array; block first_block + i gets versions[i]. `discard` marks a
// discard (unmap) rather than data; the array still records the discard's version for the blocks.
struct ArrayWrite {
  CommandId id = 0;
  DiskId disk = 0;
  std::uint64_t offset_bytes = 0;
  std::uint64_t length_bytes = 0;
  BlockNo first_block = 0;
  std::span<const Version> versions;
  bool discard = false;
  bool destage = false;  // written by the destager, not on a VM request's path
};

// Deliver a message to a peer engine (cluster protocol). No completion is expected for it: the
// peer's answer arrives as a message. The message lives in the engine like the spans above: copy
// it to deliver it later. (Keeping every command trivially destructible makes draining free.)
struct SendToPeer {
  HostId to = 0;
  const PeerMessage* message = nullptr;
};

// The VM request is done. For a read, versions[i] is the version returned for the i-th block the
// request touches; for other kinds it is empty.
struct CompleteRequest {
  RequestId request = 0;
  Status status = Status::ok;
  ServedBlocks served;
  std::span<const Version> versions;
  WriteTiming timing;  // writes only
};

// Call HostEngine::timer_fired(now, timer) once simulated time `now` reaches `at`. The one timer
// contract, for every runtime: an engine has at most one timer at a time; every SetTimer replaces
// the one before (whatever it was), and a fired timer is gone. The engine keeps its own table of
// deadlines (idle detection, destage pacing, retries) and always asks for the earliest; a timer
// that fires when nothing is due is harmless (the engine asks for the next one).
struct SetTimer {
  TimerId timer = 0;
  TimeNs at = 0;
};

// A VM's cache mode change took effect (immediately, or once its dirty data was drained).
struct ModeApplied {
  VmId vm = 0;
  CacheMode mode = CacheMode::pass_through;
};

// Every replica this host held for `owner` (HostEngine::recover_replicas) is on the array now,
// or was lost: `blocks_written` were written, `blocks_lost` could not be (their flash read or
// array write failed).
struct ReplicasRecovered {
  HostId owner = 0;
  std::uint64_t blocks_written = 0;
  std::uint64_t blocks_lost = 0;
};

// A restored engine (HostEngine::restore) has scanned its metadata: it takes requests and peer
// messages from now. It holds `blocks` own blocks (`dirty_blocks` of them dirty) and
// `replica_blocks` replicas; `scanned_bytes` of metadata were read.
struct IndexRebuilt {
  std::uint64_t blocks = 0;
  std::uint64_t dirty_blocks = 0;
  std::uint64_t replica_blocks = 0;
  std::uint64_t scanned_bytes = 0;
};

// `peer` answered none of this engine's last tries of a ReplicaWrite or ReplicaRelease
// (EngineConfig::replica_timeout_ns, replica_retries): it is taken as unreachable. Every ack
// awaited from it was abandoned (`acks_abandoned`; those writes went to the array too), and it left
// the peers of every VM that had it; those VMs keep their dirty blocks with a copy fewer than
// asked until the runtime gives them peers again (HostEngine::set_replica_peers, after a drain out
// of write-back). The peer is not declared down: its own messages are still taken. The replicas it
// may hold for this host can be stale from now on: the runtime must not recover from them
// (HostEngine::forget_replicas drops them on the peer).
struct PeerUnreachable {
  HostId peer = 0;
  std::uint64_t acks_abandoned = 0;
};

using Command =
    std::variant<FlashRead, FlashWrite, ArrayRead, ArrayWrite, SendToPeer, CompleteRequest,
                 SetTimer, ModeApplied, ReplicasRecovered, IndexRebuilt, PeerUnreachable>;
static_assert(std::is_trivially_destructible_v<Command>);

}  // namespace flashtwin::engine
