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
// Parts that own their state: OperationTable (operation and command records, ids, recycling),
// ModeControl (datastores, VMs, disks, cache modes and drains out of write-back), Migration (VMs
// that moved, settled blocks, pending remote questions), BlockIndex,
// the eviction policy, AdmissionChain, BlockLocks, DirtySet, LostBlocks, DestagePacer and
// TimerTable. The Core keeps the event handlers and what ties the parts together; its code is
// split by concern: engine_core.cpp (set-up, control, dispatch, bookkeeping), read_path.cpp,
// write_path.cpp, destage.cpp (destage, flush, drains, idle detection), replica_path.cpp,
// migration_path.cpp, invariants.cpp.
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
#include "migration.hpp"
#include "mode_control.hpp"
#include "operation_table.hpp"
#include "replica_store.hpp"
#include "replication.hpp"
#include "timer_table.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace flashtwin::engine {

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
  // Replication, owner side: ReplicaWrites sent and their bytes, acks received, acks refusing
  // (the write then went to the array too), releases sent, and messages ignored (unknown or
  // duplicate acks, releases of replicas not held). Peer side: replica writes taken and refused,
  // replica blocks written and released, replica bytes written to flash.
  std::uint64_t replica_writes_sent = 0, replica_bytes_sent = 0, replica_acks = 0;
  std::uint64_t replica_refusals = 0, replica_releases_sent = 0, replica_messages_ignored = 0;
  std::uint64_t release_acks = 0;
  std::uint64_t replica_writes_taken = 0, replica_writes_refused = 0;
  std::uint64_t replica_blocks_written = 0, replica_blocks_released = 0;
  std::uint64_t replica_flash_write_bytes = 0;
  // Migration (migration_path.cpp). New owner: RemoteReads sent, blocks served by the old
  // owner's flash and their bytes, blocks it did not hold, Invalidates sent and answered. Old
  // owner: RemoteReads answered, blocks and bytes sent, Invalidates answered and the clean copies
  // they dropped. Both: answers not taken (unknown sequence, wrong host, stale epoch) and
  // questions refused (PeerReject: not the VM's old owner, wrong epoch).
  std::uint64_t remote_reads_sent = 0, remote_hit_blocks = 0, remote_read_bytes = 0;
  std::uint64_t remote_absent_blocks = 0, invalidates_sent = 0, invalidate_acks = 0;
  std::uint64_t remote_reads_served = 0, remote_blocks_served = 0, remote_bytes_served = 0;
  std::uint64_t invalidates_served = 0, invalidated_blocks_dropped = 0;
  std::uint64_t migration_messages_ignored = 0, migration_messages_rejected = 0;
  // Handoffs sent (old owner) and taken (new owner); blocks of a VM coming back dropped at its
  // arrival (they may be older than its writes elsewhere).
  std::uint64_t migration_handoffs_sent = 0, migration_handoffs_taken = 0;
  std::uint64_t returning_blocks_dropped = 0;
  // Failures (recovery_path.cpp). Owner: hosts declared down, and the acks they owed (those
  // writes went to the array too). Peer: recoveries asked for, replica blocks written to the
  // array for a failed owner, and those that could not be (failed flash read or array write).
  std::uint64_t peers_down = 0, replica_acks_abandoned = 0, down_host_messages_ignored = 0;
  std::uint64_t recoveries = 0, recovered_blocks = 0, recovery_blocks_lost = 0;
  // Link cuts (replica_path.cpp). Owner: releases sent again after their ack timed out, peers
  // given up on (PeerUnreachable). Peer: duplicates of a replica write still in flight (answered
  // by that write's ack), replica blocks dropped for an owner that gave up on it.
  std::uint64_t replica_resends = 0, peers_unreachable = 0;
  std::uint64_t replica_duplicates_waiting = 0, replicas_forgotten = 0;
  std::uint64_t index_rebuilds = 0;  // restores after a power loss (power_path.cpp)
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

  void set_replica_peers(VmId vm, std::span<const HostId> peers);
  void mark_underprotected(VmId vm);
  void migrate_out(TimeNs now, VmId vm, HostId to, Epoch epoch);
  void migrate_in(TimeNs now, VmId vm, HostId from, Epoch epoch);
  bool awaits_handoff(VmId vm) const;
  void hurry_handoff(TimeNs now, VmId vm);
  void peer_down(TimeNs now, HostId host);
  void recover_replicas(TimeNs now, HostId owner);
  void peer_rejoined(HostId host);
  std::uint64_t forget_replicas(TimeNs now, HostId owner);
  FlashImage flash_image() const;
  void restore(TimeNs now, const FlashImage& image);

  void submit(TimeNs now, const IoRequest& request);
  bool warm_read(const IoRequest& request, std::vector<WarmFill>& filled);
  std::size_t warm_reads(std::span<const IoRequest> requests, std::vector<WarmFill>& filled);
  bool at_rest() const;
  bool reads_at_once(TimeNs now, std::span<const IoRequest> reads,
                     std::vector<ServedBlock>& blocks);
  void received(TimeNs now, HostId from, const PeerMessage& message);
  void completed(TimeNs now, CommandId command, Status status, std::span<const Version> data);
  void timer_fired(TimeNs now, TimerId timer);
  std::span<const Command> drain();

  void visit_counters(CounterVisitor& visitor) const;
  std::uint64_t replica_blocks_for(HostId owner) const;
  std::string check_invariants() const;
  std::size_t metadata_bytes() const;
  const EngineConfig& config() const { return config_; }

 private:
  static constexpr std::uint64_t kMaxRequestBytes = std::uint64_t{1} << 30;

  // engine_core.cpp
  LocalDisk known_disk(const IoRequest& request);
  void check_range(const IoRequest& request, const DiskState& d) const;
  bool pinned(SlotId slot) const override;
  void enqueue(OpId id);
  void start(OpId id);
  void settle(TimeNs now);
  void finish(OpId id, TimeNs now);
  void ack(Op& op);
  void release_locks(OpId id);
  SlotId take_slot(std::uint64_t key, SlotState state) { return take_slot(key, state, *this); }
  SlotId take_slot(std::uint64_t key, SlotState state, const SlotPins& pins);
  void drop_slot(SlotId slot);
  void mark_dirty(std::uint64_t key, SlotId slot);
  void mark_clean(std::uint64_t key, SlotId slot);
  std::uint64_t bypass_blocks() const { return config_.capacity_blocks / 4; }

  // at_once_path.cpp: reads served with every command done at once (warm_read, reads_at_once).
  class ServingPins;
  // One read: its blocks' plans and slots in at_once_plan_ / at_once_slots_. Without
  // `may_evict`, a missed block finding no free slot stays out and the result is false.
  bool read_at_once(const IoRequest& request, bool may_evict);
  // Calls serve(request) for each request in turn, with each one's index lookups started some
  // requests ahead; stops after the first for which serve returns false. Returns how many were
  // served.
  template <class Serve>
  std::size_t serve_ahead(std::span<const IoRequest> requests, Serve&& serve);

  // read_path.cpp
  void start_read(OpId id);
  void read_completed(OpId id, const Cmd& cmd, Status status, std::span<const Version> data);

  // write_path.cpp
  void start_write(OpId id);
  std::uint32_t new_dirty_estimate(const Op& op) const;
  void issue_write(OpId id);
  void start_discard(OpId id);
  void write_finished(Op& op);
  // ArrayWrites, one per run of the op's blocks whose plan `goes_to_array` accepts; with
  // `count_served` they count as served by the array.
  void issue_array_runs(OpId id, bool (*goes_to_array)(BlockPlan), bool count_served);
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

  // replica_path.cpp
  void send_replicas(OpId id, std::uint64_t flash_bytes);
  void write_through_instead(OpId id);
  // Each sends ReplicaReleases counted in the operation's in_flight until acked; returns how many.
  std::uint32_t release_after_write(OpId id);
  std::uint32_t release_destaged(OpId id);
  std::uint32_t send_release(OpId id, VmId vm, DiskId disk, BlockNo first,
                             std::span<const Version> versions);
  void replica_write_received(TimeNs now, HostId from, const ReplicaWrite& message);
  void replica_ack_received(TimeNs now, HostId from, const ReplicaAck& message);
  void replica_release_received(HostId from, const ReplicaRelease& message);
  void replica_written(OpId id, Status status);
  void send_replica_ack(HostId to, const ReplicaWrite& message, Status status, TimeNs flash_ns);
  // Replica acks that time out: the timer is set while any is pending; overdue ones are waited
  // for again (releases sent again), and after the last retry their peer is given up on
  // (PeerUnreachable).
  void arm_replica_timer();
  void replica_acks_overdue(TimeNs now);
  void resend_release(std::uint64_t sequence, const PendingAck& ack);
  // Every ack awaited from `peer` is abandoned as if it had refused, and it leaves every VM's
  // peers (peer_down, and a peer given up on). Returns the acks abandoned.
  std::uint64_t abandon_peer(TimeNs now, HostId peer);
  SlotId take_replica_slot(std::uint64_t key);
  void drop_replica(std::uint64_t key, SlotId slot);
  std::uint64_t dirty_room_used() const {
    return dirty_.size() + reserved_dirty_ + replicas_.size();
  }
  // recovery_path.cpp
  // Queues a run of replica keys for the array; pump_recovery issues what max_in_flight allows.
  void start_recovery_run(HostId owner, std::span<const std::uint64_t> keys);
  void pump_recovery();
  void issue_recovery_run(HostId owner, std::span<const std::uint64_t> keys);
  void recovery_completed(OpId id, const Cmd& cmd, Status status, std::span<const Version> data);
  void recovery_block_done(HostId owner, std::uint64_t key, bool written);
  // power_path.cpp
  void rebuild_finished();
  // Throws std::logic_error naming `what`: a restored engine is scanning its metadata.
  [[noreturn]] void refuse_while_rebuilding(const std::string& what) const;
  // migration_path.cpp
  void require_owner(VmId vm) const;
  bool migration_message(TimeNs now, HostId from, const PeerMessage& message);
  bool ask_previous_owner(OpId id, std::uint32_t a, std::uint32_t b);
  bool invalidate_first(OpId id);
  void remote_read_received(HostId from, const RemoteRead& message);
  void remote_read_answered(TimeNs now, HostId from, const RemoteReadReply& message);
  void invalidate_received(HostId from, const Invalidate& message);
  void invalidate_answered(TimeNs now, HostId from, const InvalidateAck& message);
  void handoff_received(HostId from, const Handoff& message);
  void hand_off_departed_vms();
  void destage_departed_vms();
  void drop_blocks_of(VmId vm);
  template <class Question>
  std::optional<OpId> accept_question(HostId from, const Question& message, OpKind kind);
  void start_remote_read(OpId id);
  void remote_flash_read_completed(OpId id, Status status, std::span<const Version> data);
  void check_invalidates();
  void pump_invalidated_destage(const std::function<bool()>& may_start);

  // read_path.cpp
  void issue_array_read(OpId id, std::uint32_t a, std::uint32_t b);

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

  ModeControl modes_;
  OperationTable ops_;
  Replication replication_;
  Migration migration_;
  std::vector<OpId> invalidates_;  // old owner: Invalidates waiting for their blocks to settle
  ReplicaStore replicas_;
  // Recoveries in progress: failed owner -> replica blocks not yet written (or lost), and the
  // counts its ReplicasRecovered will carry.
  struct Recovery {
    std::uint64_t blocks_left = 0, written = 0, lost = 0;
  };
  std::map<HostId, Recovery> recoveries_;
  std::deque<std::pair<HostId, std::vector<std::uint64_t>>> recovery_queue_;  // runs not issued
  std::uint32_t recovery_in_flight_ = 0;
  std::vector<HostId> down_hosts_;  // declared down by the runtime (peer_down)
  // A restored engine scanning its metadata (power_path.cpp), and what IndexRebuilt will say.
  static constexpr std::uint32_t kSlotHeaderBytes = 32;  // per slot: key, state, owner, checksum
  static constexpr std::uint64_t kRebuildReads = 16;     // metadata reads in flight at once
  bool rebuilding_ = false;
  IndexRebuilt rebuilt_;
  // VMs that lost a peer (peer_down) and have not been given peers again (set_replica_peers):
  // their dirty blocks have fewer copies than asked (gauge underprotected_dirty_blocks).
  std::vector<VmId> degraded_vms_;
  std::vector<ReplicaBlockWrite> replica_scratch_;  // a ReplicaWrite's blocks
  std::vector<SlotId> replica_slots_scratch_;
  std::vector<std::uint64_t> overdue_scratch_;  // sequences of overdue replica acks
  std::vector<OpId> ready_;                     // granted on all blocks, not started
  std::vector<OpId> starting_;                  // the batch of ready_ being started
  std::vector<BlockPlan> at_once_plan_;         // read_at_once: hit, miss or miss_fill per block
  std::vector<SlotId> at_once_slots_;           // and the slot of each hit and fill
  std::deque<OpId> dirty_gate_;  // writes waiting, in order, for room under the dirty limit
  std::vector<OpId> flushes_;    // flushes waiting for destage

  std::vector<Command> out_;
  std::vector<Command> drained_;

  std::uint32_t foreground_in_flight_ = 0;
  std::uint32_t destage_in_flight_ = 0;
  std::uint64_t destaging_blocks_ = 0;
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
