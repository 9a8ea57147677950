// HostEngine::Core: the engine's state and its event handlers. Internal to engine/.
//
// Life of an operation (a VM read/write/discard/flush, or a destage):
//   submit -> enqueue on the BlockLocks of every block it touches -> granted on all (maybe at once,
//   maybe after earlier conflicting operations finish) -> start: plan each block (hit, miss, fill,
//   flash, array), emit commands -> completions -> acknowledge the VM (CompleteRequest) -> when no
//   command of it is left in flight, apply state changes, release its locks and retire it.
// Retired operations are recycled only after the runtime has drained twice, so spans handed out in
// commands stay valid as HostEngine::drain promises.
//
// The code is split by concern: engine_core.cpp (set-up, control, dispatch, bookkeeping),
// read_path.cpp, write_path.cpp, destage.cpp (destage, flush, drains, idle detection).
#pragma once

#include "admission.hpp"
#include "block_index.hpp"
#include "block_key.hpp"
#include "block_locks.hpp"
#include "destage_pacer.hpp"
#include "dirty_set.hpp"
#include "flashtwin/engine/eviction_policy.hpp"
#include "flashtwin/engine/host_engine.hpp"
#include "lost_blocks.hpp"
#include "timer_table.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
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

enum class OpKind : std::uint8_t { read, write, discard, flush, destage };

enum class CmdPurpose : std::uint8_t {
  hit_read,       // FlashRead of a read's hit blocks
  miss_read,      // ArrayRead of one run of missed blocks
  fill_write,     // FlashWrite of filled blocks
  flash_write,    // FlashWrite of a write's blocks
  array_write,    // ArrayWrite of a write's or discard's blocks
  destage_read,   // FlashRead of a destage run
  destage_write,  // ArrayWrite of a destage run
};

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

struct VmState {
  DatastoreId datastore = 0;
  std::optional<CacheMode> own_mode;
  CacheMode effective = CacheMode::pass_through;
  CacheMode requested = CacheMode::pass_through;
  bool pending = false;
  std::uint64_t dirty_blocks = 0;
  std::uint32_t write_back_in_flight = 0;
  std::vector<LocalDisk> disks;
};

struct DiskState {
  DiskId id = 0;
  VmId vm = 0;
  VmState* vm_state = nullptr;  // stable: vms_ is node-based and VMs are never removed
  std::uint64_t size_bytes = 0;
  std::uint64_t dirty_blocks = 0;
  std::uint64_t lost_blocks = 0;   // dirty blocks lost to failed flash writes (flushes report it)
  std::uint32_t gated_writes = 0;  // writes of this disk waiting at the dirty gate
};

struct Counters {
  std::uint64_t read_requests = 0, write_requests = 0, flush_requests = 0, discard_requests = 0;
  std::uint64_t read_bytes = 0, write_bytes = 0;
  std::uint64_t read_hit_blocks = 0, read_miss_blocks = 0;
  std::uint64_t write_hit_blocks = 0, write_miss_blocks = 0;
  std::uint64_t fill_blocks = 0, evictions = 0, invalidations = 0, admissions_refused = 0;
  std::uint64_t flash_read_bytes = 0, flash_write_bytes = 0;
  std::uint64_t array_read_bytes = 0, array_write_bytes = 0;
  std::uint64_t destage_writes = 0, destaged_blocks = 0, destaged_bytes = 0;
  std::uint64_t writes_throttled = 0, io_errors = 0, dirty_blocks_lost = 0;
  std::uint64_t lost_block_reads = 0;  // reads failed because a block they touch is lost
  mutable std::uint64_t eviction_slots_examined = 0;  // pin checks by eviction walks
  std::uint64_t destage_failures = 0;        // destage operations that failed (either step)
  std::uint64_t destage_waiters_failed = 0;  // flushes and throttled writes failed: destage gave up
};

class HostEngine::Core final : private SlotPins {
 public:
  explicit Core(const EngineConfig& config);

  void add_datastore(DatastoreId datastore, CacheMode mode);
  void add_vm(VmId vm, DatastoreId datastore, std::optional<CacheMode> mode);
  void add_disk(VmId vm, DiskId disk, std::uint64_t size_bytes);
  void set_vm_mode(TimeNs now, VmId vm, std::optional<CacheMode> mode);
  void set_datastore_mode(TimeNs now, DatastoreId datastore, CacheMode mode);
  ModeState mode_of(VmId vm) const;

  void submit(TimeNs now, const IoRequest& request);
  void completed(TimeNs now, CommandId command, Status status, std::span<const Version> data);
  void timer_fired(TimeNs now, TimerId timer);
  std::span<const Command> drain();

  void visit_counters(CounterVisitor& visitor) const;
  std::string check_invariants() const;
  std::size_t metadata_bytes() const;
  const EngineConfig& config() const { return config_; }

 private:
  static constexpr std::uint64_t kMaxRequestBytes = std::uint64_t{1} << 30;

  // engine_core.cpp
  bool pinned(SlotId slot) const override;
  VmState& vm_state(VmId vm);
  const VmState& vm_state(VmId vm) const;
  CacheMode resolve_mode(const VmState& vm) const;
  void apply_mode(TimeNs now, VmId vm);
  OpId new_op(OpKind kind);
  void enqueue(OpId id);
  void start(OpId id);
  void settle(TimeNs now);
  void finish(OpId id, TimeNs now);
  CommandId new_cmd(OpId op, CmdPurpose purpose, std::uint32_t first, std::uint32_t count);
  void ack(Op& op);
  SlotId take_slot(std::uint64_t key, SlotState state);
  void drop_slot(SlotId slot);
  void mark_dirty(std::uint64_t key, SlotId slot);
  void mark_clean(std::uint64_t key, SlotId slot);
  std::uint64_t bypass_blocks() const { return config_.capacity_blocks / 4; }

  // read_path.cpp
  void start_read(OpId id);
  void read_completed(OpId id, const Cmd& cmd, Status status, std::span<const Version> data);

  // write_path.cpp
  void start_write(OpId id);
  std::uint32_t new_dirty_estimate(const Op& op) const;
  void issue_write(OpId id);
  void start_discard(OpId id);
  void write_finished(Op& op);
  bool whole(const Op& op, std::uint32_t i) const;

  // destage.cpp
  void start_flush(OpId id, TimeNs now);
  bool flush_done(Op& op) const;
  void pump_destage();
  bool start_destage(std::uint64_t lo, std::uint64_t hi, bool may_wait);
  void create_destage();
  void issue_destage(OpId id);
  void destage_completed(OpId id, const Cmd& cmd, Status status, std::span<const Version> data);
  void check_waiters(TimeNs now);
  bool pass_dirty_gate(OpId id);
  void went_quiet(TimeNs now);
  void fail_gated_write(OpId id);
  void destage_failed(const Op& op);

  EngineConfig config_;
  std::uint32_t block_shift_ = 12;
  std::uint64_t low_blocks_ = 0, high_blocks_ = 0, limit_blocks_ = 0;
  std::uint32_t coalesce_blocks_ = 1;

  BlockIndex index_;
  std::unique_ptr<EvictionPolicy> policy_;
  AdmissionChain admission_;
  BlockLocks locks_;
  DirtySet dirty_;
  LostBlocks lost_;
  std::uint64_t seq_ = 0;
  std::uint64_t reserved_dirty_ = 0;

  std::unordered_map<DatastoreId, CacheMode> datastores_;
  std::unordered_map<VmId, VmState> vms_;
  std::vector<DiskState> disks_;
  std::unordered_map<DiskId, LocalDisk> disk_ids_;
  DiskId last_disk_id_ = ~DiskId{0};  // the last disk submit() looked up, and its local number
  LocalDisk last_local_disk_ = 0;

  std::vector<Op> ops_;
  std::vector<OpId> free_ops_;
  std::vector<OpId> retiring_;   // finished since the last drain
  std::vector<OpId> retired_;    // finished before the last drain; recycled at the next
  std::vector<OpId> ready_;      // granted on all blocks, not started
  std::vector<OpId> starting_;   // the batch of ready_ being started
  std::deque<OpId> dirty_gate_;  // writes waiting, in order, for room under the dirty limit
  std::vector<OpId> flushes_;    // flushes waiting for destage
  std::vector<Cmd> cmds_;
  std::vector<std::uint32_t> free_cmds_;

  std::vector<Command> out_;
  std::vector<Command> drained_;

  std::uint32_t foreground_in_flight_ = 0;
  std::uint32_t destage_in_flight_ = 0;
  std::uint64_t destaging_blocks_ = 0;
  std::uint32_t draining_vms_ = 0;
  bool idle_ = false;
  TimeNs quiet_since_ = 0;
  TimerTable timers_;
  std::optional<DestagePacer> pacer_;  // built once the watermarks are known
  std::uint64_t destage_cursor_ = 0;
  std::vector<std::uint64_t> run_;  // scratch for destage runs
  TimeNs now_ = 0;

  Counters counters_;
};

}  // namespace flashtwin::engine
