// Messages between host engines (the cluster protocol of shared/CLUSTER_PROTOCOL.md).
//
// Every block message names the VM, the disk, the blocks, their versions and the sender's epoch for
// the VM, so that a receiver can tell a stale owner from the current one. Messages own their data:
// the runtime may deliver them long after the sending call returned.
//
// The single-host engine of today emits none of them and rejects them on receipt (see
// HostEngine::received); they are fixed here so that the event and command types need no redesign
// when replicas, migration and recovery arrive.
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

// Owner -> peer: keep a copy of these dirty blocks (versions[i] for first_block + i).
struct ReplicaWrite {
  VmId vm = 0;
  Epoch epoch = 0;
  BlockRun run;
  std::vector<Version> versions;
  std::uint64_t sequence = 0;  // echoed in the ack
};
struct ReplicaAck {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
  Status status = Status::ok;
};
// Owner -> peer: these blocks are on the array at `version` or newer; drop replicas up to it.
struct ReplicaRelease {
  VmId vm = 0;
  Epoch epoch = 0;
  BlockRun run;
  Version up_to_version = 0;
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
// Answer to a message the receiver cannot act on (unknown VM, stale epoch, unsupported).
struct PeerReject {
  VmId vm = 0;
  Epoch epoch = 0;
  std::uint64_t sequence = 0;
};

using PeerMessage =
    std::variant<ReplicaWrite, ReplicaAck, ReplicaRelease, RemoteRead, RemoteReadReply, Invalidate,
                 InvalidateAck, RecoveryQuery, RecoveryReply, PeerReject>;

}  // namespace flashtwin::engine
