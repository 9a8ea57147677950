// OperationTable: the records of the engine's operations (a VM request, or a destage) and of the
// commands they have in flight. Owned by HostEngine::Core; internal to engine/.
//
// Operations: create() hands out an OpId, reusing a retired record when one may be reused, else
// growing the table (which moves every record: references to operations are invalidated by
// create(); ids stay valid). An operation is retired when it has finished; its record (and the
// vectors whose spans its commands handed out) is recycled only after the runtime has drained
// twice since: once to take the commands that point into it, once more to be done with them,
// as HostEngine::drain promises (commands stay valid until the next drain).
//
// Commands: issue() numbers a command of an operation and counts it in the operation's in_flight.
// A CommandId is (generation << 32) | index: a command record is reused once completed, with its
// generation bumped, so an id completed already, or never issued, is refused by find(); complete()
// frees the record and takes the command off its operation's in_flight.
//
// Invariants: a record is in at most one of free / retiring / retired, and none of these while its
// operation runs; a live command names an operation that has it counted in in_flight. Plain data,
// no clock; not thread-safe.
#pragma once

#include "block_key.hpp"
#include "block_locks.hpp"
#include "flashtwin/engine/io.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace flashtwin::engine {

// Per-block plan of an operation.
enum class BlockPlan : std::uint8_t {
  none,
  hit,          // read served from a cached slot
  miss,         // read served from the array, not filled
  miss_fill,    // read served from the array, then written into a reserved slot
  flash,        // write into the block's cached slot
  flash_new,    // write-back write into a newly reserved slot
  flash_array,  // write-through: cached (or newly reserved) slot and the array
  array,        // write (or discard) to the array only
  invalidate,   // array write or discard; the cached copy is dropped when it completes
};

// replica: a peer's copy of another host's dirty blocks being written to this host's flash
// (replica_path.cpp); it takes no locks and is no VM request.
// remote_read: the old owner reading its flash copies for a migrated VM's new owner (read locks);
// invalidate: the old owner giving up blocks of a migrated VM (no locks; it waits until they are
// neither dirty nor in use). Neither is a VM request (migration_path.cpp).
// recovery: a peer writing a failed owner's replicas to the array (recovery_path.cpp; no locks:
// the owner is gone and its VMs restart only once recovery is done).
enum class OpKind : std::uint8_t {
  read,
  write,
  discard,
  flush,
  destage,
  replica,
  remote_read,
  invalidate,
  recovery,
  rebuild
};

enum class CmdPurpose : std::uint8_t {
  hit_read,        // FlashRead of a read's hit blocks
  miss_read,       // ArrayRead of one run of missed blocks
  fill_write,      // FlashWrite of filled blocks
  flash_write,     // FlashWrite of a write's blocks
  array_write,     // ArrayWrite of a write's or discard's blocks
  destage_read,    // FlashRead of a destage run
  destage_write,   // ArrayWrite of a destage run
  replica_write,   // FlashWrite of a peer's replica blocks
  remote_read,     // FlashRead of blocks a migrated VM's new owner asked for
  recovery_read,   // FlashRead of a failed owner's replicas
  recovery_write,  // ArrayWrite of them
  rebuild_read,    // FlashRead of a restored engine's metadata (no slots)
};

// Per-block flags of a write or discard of a VM with replica peers (Op::replica_flags).
inline constexpr std::uint8_t kWasDirty = 1;    // the block was dirty when the operation started
inline constexpr std::uint8_t kReplicated = 2;  // the operation sent the block to the peers

struct Op {
  OpKind kind = OpKind::read;
  LockMode lock = LockMode::read;
  CacheMode mode = CacheMode::pass_through;  // the mode the operation runs under
  bool admitted = true;                      // request-level admission
  bool started = false;
  bool acked = false;
  Status status = Status::ok;
  bool flash_failed = false;  // writes: a flash write of this operation failed
  bool array_failed = false;  // writes: an array write of this operation failed
  LocalDisk disk = 0;
  RequestId request = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  BlockNo first_block = 0;
  std::uint32_t blocks = 0;          // blocks locked and planned
  std::uint32_t ungranted = 0;       // blocks whose lock is not granted yet
  std::uint32_t in_flight = 0;       // commands not completed
  std::uint32_t before_ack = 0;      // commands that must complete before the VM is acknowledged
  std::uint32_t reserved_dirty = 0;  // write-back: room reserved under the dirty limit
  Version version = 0;
  ServedBlocks served;
  std::vector<Version> versions;  // per block: read result / version written
  std::vector<SlotId> slots;      // per block: slot used, or kNoSlot
  std::vector<BlockPlan> plan;    // per block
  std::vector<SlotId> io_slots;   // scatter lists handed out in commands
  std::vector<Version> io_versions;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> flush_keys;  // flush: (key, seq)
  std::size_t flush_cursor = 0;
  // Replication (replica_path.cpp). Owner side: a write-back write counts each ReplicaWrite it
  // sent in in_flight until its ack arrives; `written_through` once a peer refused and the
  // write's flash blocks went to the array too. Peer side (kind replica): `peer` and `request`
  // (the sequence) say whom to ack, replica_keys the replica blocks being written.
  bool written_through = false;
  bool releasing = false;  // a write's state applied and its releases sent: waits for their acks
  HostId peer = 0;
  VmId vm = 0;
  Epoch epoch = 0;
  std::vector<std::uint8_t> replica_flags;  // per block: kWasDirty | kReplicated
  std::vector<std::uint64_t> replica_keys;
  // Owner side: the versions of the release it sent, to send it again when its ack is overdue.
  std::vector<Version> release_versions;
  // Timing (WriteTiming): when it was submitted and started, its local flash write done, and the
  // slowest replica's round trip and peer flash time.
  TimeNs submitted_at = 0;
  TimeNs started_at = 0;
  TimeNs flash_done_at = 0;
  TimeNs replica_round_trip_ns = 0;
  TimeNs replica_peer_flash_ns = 0;
  std::uint8_t replicas_sent = 0;

  std::uint64_t key(std::uint32_t i) const { return block_key(disk, first_block + i); }
};

struct Cmd {
  OpId op = 0;
  CmdPurpose purpose = CmdPurpose::hit_read;
  bool live = false;
  std::uint32_t generation = 0;
  std::uint32_t first = 0;  // first block of the op it covers
  std::uint32_t count = 0;  // blocks it covers
};

class OperationTable {
 public:
  // A fresh operation of `kind`: every field at its default, the vectors empty but keeping the
  // capacity of the record's earlier use (steady state allocates nothing).
  OpId create(OpKind kind);
  Op& operator[](OpId id) { return ops_[id]; }
  const Op& operator[](OpId id) const { return ops_[id]; }
  // `id` has finished; its record is recycled after the second runtime_drained() from now.
  void retire(OpId id) { retiring_.push_back(id); }
  // The runtime drained the engine's commands.
  void runtime_drained() {
    if (retired_.empty() && retiring_.empty()) return;
    free_ops_.insert(free_ops_.end(), retired_.begin(), retired_.end());
    retired_.swap(retiring_);
    retiring_.clear();
  }

  // Numbers a command of `op` covering `count` blocks from `first`; counts it in op's in_flight.
  CommandId issue(OpId op, CmdPurpose purpose, std::uint32_t first, std::uint32_t count);
  // The live command `id` names, or nullptr (never issued, completed already, or a stale id).
  // Inline, as complete(): both are on every completion's path.
  const Cmd* find(CommandId id) const {
    const auto index = static_cast<std::uint32_t>(id);
    if (index >= cmds_.size()) return nullptr;
    const Cmd& cmd = cmds_[index];
    return cmd.live && cmd.generation == static_cast<std::uint32_t>(id >> 32) ? &cmd : nullptr;
  }
  // Completes `id` (requires find(id) != nullptr): frees its record and takes it off its
  // operation's in_flight.
  void complete(CommandId id) {
    const auto index = static_cast<std::uint32_t>(id);
    Cmd& cmd = cmds_[index];
    cmd.live = false;
    free_cmds_.push_back(index);
    --ops_[cmd.op].in_flight;
  }

  // Operation records ever allocated, and commands in flight (for tests and invariants).
  std::size_t records() const { return ops_.size(); }
  std::size_t commands_in_flight() const { return cmds_.size() - free_cmds_.size(); }

 private:
  std::vector<Op> ops_;
  std::vector<OpId> free_ops_;
  std::vector<OpId> retiring_;  // finished since the last drain
  std::vector<OpId> retired_;   // finished before the last drain; recycled at the next
  std::vector<Cmd> cmds_;
  std::vector<std::uint32_t> free_cmds_;
};

}  // namespace flashtwin::engine
