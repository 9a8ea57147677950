// HostEngine: the cache engine of one hypervisor host — start here.
//
// Sans-I/O: the engine is fed events (a VM request, a command's completion, a peer message, a
// timer) and answers with commands (flash and array reads and writes, request completions, timers)
// that the runtime drains and carries out. It reads no clock, touches no file and starts no thread,
// so the simulator, the tests' hand-stepped fake and a real-I/O runtime drive the same code.
//
// Threading: none; one caller at a time.
//
// Ordering guarantees (per cache block):
//   - operations on overlapping blocks run in submission order where they conflict: a read waits
//     for an earlier write of its block, writes apply in submission order; reads run side by side;
//   - a read submitted after a write was acknowledged returns that write's version or a newer one.
//     (A write waiting at the dirty limit is not acknowledged yet, and reads do not queue behind
//     it: they may return the older version, as the consistency rules allow.)
//   - a destage excludes writes of its blocks: the array never receives two writes of one block
//     at once, so an older version cannot land after a newer one; dirty blocks are never evicted
//     before they are destaged; a flush, a drain or a write waiting for room gets its destage even
//     on a block that is rewritten without pause.
//
// Failures: a command completing with Status::io_error fails its request. A good flash copy is
// never dropped because another part of the request failed; a dirty block is lost only when its
// own flash write fails (counted in dirty_blocks_lost, and a flush waiting meanwhile fails); such
// a block's reads then fail with io_error (counted in lost_block_reads; gauge lost_blocks) until a
// whole-block write or discard of it succeeds — never is the older version returned as ok.
//
// Partial-block requests: a read of part of a block is served as the whole block (one version per
// block). A partial write to a cached block updates it in place (only the written bytes move to
// flash). A partial write to a block that is not cached goes to the array, since the rest of the
// block is not on flash. Versions are per block: a write gives every block it touches its version.
#pragma once

#include "flashtwin/engine/commands.hpp"
#include "flashtwin/engine/config.hpp"
#include "flashtwin/engine/counters.hpp"
#include "flashtwin/engine/flash_image.hpp"
#include "flashtwin/engine/io.hpp"
#include "flashtwin/engine/peer_message.hpp"
#include "flashtwin/engine/types.hpp"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace flashtwin::engine {

// A VM's cache mode: the one in force, and the one requested if a change waits for a drain.
struct ModeState {
  CacheMode effective = CacheMode::pass_through;
  CacheMode requested = CacheMode::pass_through;
  bool pending = false;  // leaving write-back: writes run write-through until dirty data is drained
};

class HostEngine {
 public:
  // Throws std::invalid_argument naming the field when `config` is unusable.
  explicit HostEngine(const EngineConfig& config);
  ~HostEngine();
  HostEngine(const HostEngine&) = delete;
  HostEngine& operator=(const HostEngine&) = delete;

  // ---- Control. Unknown or duplicate ids throw std::invalid_argument.
  void add_datastore(DatastoreId datastore, CacheMode default_mode);
  // A VM with no mode of its own follows its datastore's default.
  void add_vm(VmId vm, DatastoreId datastore, std::optional<CacheMode> mode);
  // `size_bytes` must be a positive multiple of the block size.
  void add_disk(VmId vm, DiskId disk, std::uint64_t size_bytes);
  // Changes take effect at once, except leaving write-back: then the VM's writes run write-through
  // while its dirty data is destaged, and a ModeApplied command says when the new mode is in force.
  void set_vm_mode(TimeNs now, VmId vm, std::optional<CacheMode> mode);
  void set_datastore_mode(TimeNs now, DatastoreId datastore, CacheMode mode);
  ModeState mode_of(VmId vm) const;
  // Write-back replication (docs/CLUSTER.md): the VM's write-back writes are copied to the flash
  // of `peers` (at most 2, distinct, not this host), and acknowledged once the local flash write
  // and every peer's ReplicaAck are in. Chosen by the runtime (placement, fault domains); empty
  // turns replication off. Set it before the VM's first write-back write, or later once the VM
  // has no dirty block and no write-back write in flight (after a drain out of write-back: every
  // replica on the old peers was released by then). Throws std::invalid_argument for an unknown
  // VM or a bad list, std::logic_error for a VM with dirty blocks or write-back writes in flight.
  void set_replica_peers(VmId vm, std::span<const HostId> peers);
  // The VM's dirty blocks have fewer copies than its policy asks (a restored engine's VM whose
  // copies on the peers were dropped): counted in underprotected_dirty_blocks until the next
  // set_replica_peers. Throws std::invalid_argument for an unknown VM.
  void mark_underprotected(VmId vm);
  // Migration (docs/CLUSTER.md, "Migration"): the VM's I/O moves from host `from` to host `to`,
  // whose engines are told in the same simulated instant; `epoch` is the VM's new epoch (the
  // first is 1, each migration adds one). On the old owner, migrate_out requires the VM to have
  // no request waiting for its acknowledgement here (the runtime quiesces it, as vMotion's
  // switch-over does); the engine then keeps the VM's cached blocks and destages its dirty ones,
  // answers the new owner's RemoteRead and Invalidate, and refuses further requests of the VM
  // (std::logic_error). On the new owner (which has the VM and its disks added), migrate_in makes
  // misses of blocks the old owner may hold ask it first, and makes a write or discard of such
  // blocks wait until the old owner has given them up (its dirty copies destaged). Once none of
  // the VM's blocks is dirty or in use on the old owner, it hands the VM off (a Handoff message)
  // and the new owner stops asking. A VM moves on from a host, or back to one it left, only once
  // handed off there: throws std::invalid_argument for an unknown VM, this host as the other end
  // or an epoch below 2, std::logic_error for requests in flight (migrate_out), a VM that still
  // awaits_handoff (migrate_out) or whose handoff from here is not sent yet (migrate_in). A VM
  // coming back drops the copies this host kept of it (the VM may have written them elsewhere).
  void migrate_out(TimeNs now, VmId vm, HostId to, Epoch epoch);
  void migrate_in(TimeNs now, VmId vm, HostId from, Epoch epoch);
  // The VM arrived here and its previous owner has not handed it off yet.
  bool awaits_handoff(VmId vm) const;
  // On the old owner: a move of the VM waits for its handoff, so its dirty blocks here are
  // destaged first and at once (whatever the watermarks and pacing, within max_in_flight),
  // rather than as any. Throws std::logic_error if the VM did not leave this host; nothing to do
  // if it was handed off.
  void hurry_handoff(TimeNs now, VmId vm);

  // Failures (docs/CLUSTER.md, "Failures"). The runtime's cluster manager is the only one who
  // declares a host down. An engine gives up on a peer by itself only when its replica acks time
  // out (EngineConfig::replica_timeout_ns: it then says PeerUnreachable), never declares it down.
  // Host `host` is down (crashed, fenced, cut off): it leaves every VM's peers, and every write
  // waiting for its ReplicaAck goes on as if it had refused (its flash blocks go to the array
  // too, so they end clean). The VMs' dirty blocks copied to it are under-protected until
  // destaged: the runtime drains them (set_vm_mode out of write-back) and names new peers after.
  void peer_down(TimeNs now, HostId host);
  // Host `host`, declared down before, is a member again (it came back with a new engine that
  // holds nothing of before): its messages are taken again, and the runtime may name it a peer.
  // Throws std::invalid_argument for this host.
  void peer_rejoined(HostId host);
  // Host `owner` failed: write every replica this host holds for it to the array (a flash read
  // and an array write per run of blocks, marked destage), then drop them; a ReplicasRecovered
  // command says when all are done (at once if none is held). A replica whose flash write is in
  // flight is written once that completes. Messages from `owner` must no longer be delivered.
  void recover_replicas(TimeNs now, HostId owner);
  // Host `owner` gave up on this host (PeerUnreachable): the replicas held for it may be stale
  // (a release it no longer waits for may never have come) and are dropped; one whose flash
  // write is in flight is dropped when that completes. Returns the replica blocks dropped or
  // marked. Messages from `owner` keep being taken (it may name this host a peer again).
  std::uint64_t forget_replicas(TimeNs now, HostId owner);

  // Power loss (docs/CLUSTER.md, "Power loss"). What this host's flash holds durably now (its
  // runtime keeps the data): every own block whose data landed and that no write is changing (a
  // clean block being written is left out: the array has it), every dirty block (its slot holds
  // its last landed version, never older than the last acknowledged), and every replica one of
  // whose writes landed and that was not released. A cache device that is not persistent keeps
  // nothing: the runtime then builds an engine without calling restore.
  FlashImage flash_image() const;
  // Power came back: a new engine with its datastores, VMs and disks added (their ids as before)
  // and nothing served adopts `image` slot for slot (replicas with version 0 until read: recovery
  // reads them from flash), its own blocks enter the eviction policy in slot order (recency is
  // lost), then it scans the metadata of its whole device: 32 bytes per slot of capacity, in 16
  // FlashReads without slots. An IndexRebuilt command says when it is done; a request or message
  // before that throws std::logic_error. Throws std::invalid_argument for a slot outside the
  // device or named twice, a block of a disk not added or outside it, or a replica it cannot hold,
  // and std::logic_error for an engine that has served anything.
  void restore(TimeNs now, const FlashImage& image);

  // ---- Events.
  // A VM request. Throws std::invalid_argument for an unknown disk and std::out_of_range for a
  // range outside the disk or longer than 1 GiB (the runtime splits larger ones); the request is
  // then not accepted. For a read that fails, the versions in its completion mean nothing.
  void submit(TimeNs now, const IoRequest& request);
  // Warming a cache before the run (the runtime's prewarm): serves a read exactly as submit()
  // would if every command it caused completed at once, without an operation, block locks or
  // commands. Hits refresh the eviction policy (unless the disk's mode is pass-through); missed
  // blocks that admission takes are placed, clean, in free slots and appended to `filled` (the
  // runtime gives their slots the array's versions); the counters move as for the read. It never
  // evicts: once no slot is free, missed blocks stay out and it returns false (the cache is full;
  // that read is then only partly like the read path's, which would evict); true otherwise.
  // Requires an engine with no VM request in flight, no block locked (e.g. by a destage), no lost
  // blocks, no migration and no rebuild (std::logic_error otherwise); a request that is not a read
  // throws std::invalid_argument, and a bad disk or range throws as submit() does, before
  // anything changes.
  bool warm_read(const IoRequest& request, std::vector<WarmFill>& filled);
  // warm_read of each request in turn, faster for a batch known ahead (its index lookups are
  // started early). Returns how many requests were taken: all of them, or up to and including
  // the first that found the cache full. Throws as warm_read; the requests before it are taken.
  std::size_t warm_reads(std::span<const IoRequest> requests, std::vector<WarmFill>& filled);
  // Nothing in flight and nothing to do: no VM request, destage, command or block lock, no dirty
  // block, no lost block, no migration, drain or rebuild. Only an engine at rest takes
  // reads_at_once.
  bool at_rest() const;
  // A cache-only replay's fast path (every command completes at once, one request at a time):
  // serves each read of `reads` in turn, exactly as submit() followed by every command it caused
  // completing at once with status ok would, but without an operation, locks or commands: the
  // index, the eviction policy (evictions included), admission and the counters move as they
  // would, and no CompleteRequest is emitted. For each read, appends one ServedBlock per block of
  // its range, in block order, from which the runtime completes it. `now` is the time of the last
  // read (the earlier ones' are not needed: at rest, the engine's state does not depend on them);
  // every timer due at or before it must have been fired. Returns false and changes nothing when
  // the engine is not at_rest(). A request that is not a read throws std::invalid_argument, and a
  // bad disk or range throws as submit() does; the reads before it are served (an engine at rest
  // stays at rest).
  bool reads_at_once(TimeNs now, std::span<const IoRequest> reads,
                     std::vector<ServedBlock>& blocks);
  // A command finished. `data` is required for successful reads: one version per slot (FlashRead)
  // or per block (ArrayRead); a failed read's data is ignored; a write's must be empty. Throws
  // std::invalid_argument for an unknown (or already completed) command id, a status outside
  // Status, or a data size mismatch — all checked before anything changes: the engine is then as
  // it was and the command still pending.
  void completed(TimeNs now, CommandId command, Status status, std::span<const Version> data = {});
  // A peer engine's message (replica write, ack or release; remote read, invalidate, their
  // answers and rejections; docs/CLUSTER.md). Messages may arrive late, twice and in any order;
  // a lost one is never taken for an answer (the operation waits for it, up to the replica
  // timeout and its retries: EngineConfig::replica_timeout_ns). Throws std::invalid_argument
  // for a malformed message (a run and its versions disagree, a run outside its disk) or one
  // from this host, before anything changes, and std::logic_error for RecoveryQuery and
  // RecoveryReply, which the protocol does not use (recovery starts with recover_replicas).
  // Messages from a host declared down (peer_down) are ignored.
  void received(TimeNs now, HostId from, const PeerMessage& message);
  // The timer the last SetTimer asked for is due (commands.hpp: one timer per engine, each SetTimer
  // replaces the one before). Throws std::invalid_argument for a timer id it never set.
  void timer_fired(TimeNs now, TimerId timer);

  // Commands produced since the last drain, in the order they were produced. They (and the spans
  // inside them) stay valid until the next call to drain(); the engine may be called while the
  // runtime walks them.
  std::span<const Command> drain();

  // ---- Observation.
  void visit_counters(CounterVisitor& visitor) const;
  // Checks the engine's internal invariants (index, slots, dirty accounting, locks, eviction
  // policy). Empty when all hold. O(capacity); for tests.
  std::string check_invariants() const;
  // Replica blocks this host holds for `owner` (O(replicas held); for the runtime's gauges).
  std::uint64_t replica_blocks_for(HostId owner) const;
  // Bytes of memory the engine holds for its cache metadata (index, slot table, policy, dirty set).
  std::size_t metadata_bytes() const;
  const EngineConfig& config() const;

  class Core;

 private:
  std::unique_ptr<Core> core_;
};

}  // namespace flashtwin::engine
