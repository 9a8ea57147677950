// Messages between host engines (the cluster protocol of shared/CLUSTER_PROTOCOL.md).
//
// Every block message names the VM, the disk, the blocks, their versions and the sender's epoch for
// the VM, so that a receiver can tell a stale owner from the current one. Messages own their data:
// the runtime may deliver them long after the sending call returned.
//
// Write-back replication (ReplicaWrite, ReplicaAck, ReplicaRelease) and migration (RemoteRead,
// Invalidate, their answers, PeerReject, Handoff) are handled (docs/CLUSTER.md). RecoveryQuery and
// RecoveryReply are not used: recovery after a host failure is started by the runtime's cluster
// manager (HostEngine::recover_replicas), and they are rejected on receipt.
//
// Delivery: the runtime may deliver messages late and in any order; every handler is
// order-independent (versions and sequence numbers decide, never arrival order). A lost message
// is never taken for an answer: a write waits for every ack it asked for.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <variant>
#include <vector>

namespace flashtwin::engine {

struct BlockRun {
  DiskId disk = 0;
  BlockNo first_block = 0;
  std::uint32_t block_count = 0;
};

// Owner -> peer: keep a copy of these dirty blocks (versions[i] for first_block + i; a block whose
// version is 0 is not part of the copy). `bytes` is what crosses the network and the peer's flash
// (whole blocks, or only the bytes written for a partial write of a block the peer holds).
struct ReplicaWrite {
  VmId vm = 0;
  Epoch epoch = 0;
  BlockRun run;
  std::vector<Version> versions;
  std::uint64_t sequence = 0;  // echoed in the ack; unique per sending engine
  std::uint64_t bytes = 0;
};
// Peer -> owner: the copy of ReplicaWrite `sequence` is on the peer's flash (ok), or was refused
// (io_error: no room under the peer's dirty limit, or its flash write failed). `peer_flash_ns` is
// how long the copy took on the peer, from receipt to its flash write's completion (the rest of
// the round trip is network).
struct ReplicaAck {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
  Status status = Status::ok;
  TimeNs peer_flash_ns = 0;
};
// Owner -> peer: block first_block + i is on the array at versions[i] or newer (or is no longer
// dirty at that version); drop a replica of it whose version is at most versions[i]. A replica of
// a newer version is kept (0: nothing to drop for that block). The peer answers ReplicaAck
// (`sequence`, ok) once those replicas are dropped or marked to be: the owner's operation that
// sent it waits for that (docs/CLUSTER.md, "Release"), so that no later write of those blocks can
// reach the array while a peer still holds an older copy that recovery would write over it.
struct ReplicaRelease {
  VmId vm = 0;
  Epoch epoch = 0;
  BlockRun run;
  std::vector<Version> versions;
  std::uint64_t sequence = 0;
};
// New owner -> old owner after a migration: send what you hold of these blocks.
struct RemoteRead {
  VmId vm = 0;
  Epoch epoch = 0;
  BlockRun run;
  std::uint64_t sequence = 0;
};
// present[i] false: not held (read the array); dirty[i]: the array is stale for that block.
struct RemoteReadReply {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
  std::vector<Version> versions;
  std::vector<bool> present;
  std::vector<bool> dirty;
};
// New owner -> old owner: a newer version exists; drop your copy, stop destaging it, answer once
// any destage of it already in flight has completed.
struct Invalidate {
  VmId vm = 0;
  Epoch epoch = 0;
  BlockRun run;
  std::uint64_t sequence = 0;
};
struct InvalidateAck {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
};
// Recovering owner -> survivors: which replicas of this VM do you hold?
struct RecoveryQuery {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
};
struct RecoveryReply {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
  std::vector<BlockRun> runs;
  std::vector<Version> versions;  // concatenated, one per block of `runs`
};
// Old owner -> new owner after a migration: no block of the VM is dirty here any more and no
// operation on its blocks is in flight, so the array holds every version this host had: the new
// owner stops asking (it forgets its settled blocks). Questions already on their way are still
// answered. Until it has this, the new owner cannot pass the VM on (docs/CLUSTER.md, "Migration").
struct Handoff {
  VmId vm = 0;
  Epoch epoch = 0;
};
// Answer to a message the receiver cannot act on (unknown VM, stale epoch, unsupported).
struct PeerReject {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
};

using PeerMessage =
    std::variant<ReplicaWrite, ReplicaAck, ReplicaRelease, RemoteRead, RemoteReadReply, Invalidate,
                 InvalidateAck, RecoveryQuery, RecoveryReply, PeerReject, Handoff>;

}  // namespace flashtwin::engine
