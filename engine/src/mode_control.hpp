// ModeControl: the host's datastores, VMs and virtual disks, and each VM's cache mode — the one
// requested, the one in force, and the pending change out of write-back. Owned by
// HostEngine::Core; internal to engine/.
//
// Modes: a VM without a mode of its own follows its datastore's default. A change takes effect at
// once (a ModeApplied command says so), except leaving write-back while the VM still has dirty
// blocks or write-back writes in flight: the change is then pending (its requests run
// write-through meanwhile, request_mode()) until both are gone, which finish_drains() notices.
// Changing back to write-back while pending takes effect at once. The Core tells it what a drain
// waits for: blocks dirtied and cleaned, write-back writes started and ended, per disk.
//
// Disks get host-local numbers (LocalDisk, 0, 1, ...) in the order they are added; VMs are never
// removed, so a disk's VmState pointer stays valid. Registration errors throw
// std::invalid_argument with the messages HostEngine documents. Invariants (check()): a VM's
// dirty count is the sum of its disks', a pending VM is in write-back, draining() counts the
// pending VMs. Not thread-safe.
#pragma once

#include "block_key.hpp"
#include "flashtwin/engine/commands.hpp"
#include "flashtwin/engine/host_engine.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace flashtwin::engine {

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
  std::uint32_t requests_in_flight = 0;  // VM requests submitted and not acknowledged
  std::uint32_t locking_ops = 0;  // operations queued on its block locks (any kind: destages too)
};

class ModeControl {
 public:
  // `block_bytes`: the cache block size disks must be multiples of (a power of two).
  explicit ModeControl(std::uint32_t block_bytes);

  // ---- registry
  void add_datastore(DatastoreId datastore, CacheMode mode);
  void add_vm(VmId vm, DatastoreId datastore, std::optional<CacheMode> mode);
  void add_disk(VmId vm, DiskId disk, std::uint64_t size_bytes);
  // The local number of `disk`, or nullopt if it was never added. Remembers the last disk looked
  // up, so a run of requests to one disk costs one compare.
  std::optional<LocalDisk> find_disk(DiskId disk) {
    if (last_disk_ && last_disk_->first == disk) return last_disk_->second;
    return look_up_disk(disk);
  }
  DiskState& disk(LocalDisk disk) { return disks_[disk]; }
  const DiskState& disk(LocalDisk disk) const { return disks_[disk]; }
  std::size_t disk_count() const { return disks_.size(); }

  // ---- modes. Each call appends a ModeApplied to `out` for every VM whose mode takes effect.
  void set_vm_mode(VmId vm, std::optional<CacheMode> mode, std::vector<Command>& out);
  void set_datastore_mode(DatastoreId datastore, CacheMode mode, std::vector<Command>& out);
  ModeState mode_of(VmId vm) const;
  // The VM's state; throws std::invalid_argument for an unknown VM.
  const VmState& state_of(VmId vm) const { return vm_state(vm); }
  // The mode a new request of `disk` runs under: write-through while its VM's change is pending.
  CacheMode request_mode(LocalDisk disk) const {
    const VmState& vm = *disks_[disk].vm_state;
    return vm.pending ? CacheMode::write_through : vm.effective;
  }
  // VMs whose change waits for a drain.
  std::uint32_t draining() const { return draining_; }
  // Applies the pending change of every VM that has drained.
  void finish_drains(std::vector<Command>& out);
  // Calls visit(disk) for every disk of every VM with a pending change.
  template <class Visit>
  void for_each_draining_disk(Visit&& visit) const {
    if (draining_ == 0) return;
    for (const auto& [vm, state] : vms_) {
      if (!state.pending) continue;
      for (LocalDisk disk : state.disks)
        visit(disk);
    }
  }

  // ---- what a drain waits for
  void block_dirtied(LocalDisk disk) {
    ++disks_[disk].dirty_blocks;
    ++disks_[disk].vm_state->dirty_blocks;
  }
  void block_cleaned(LocalDisk disk) {
    --disks_[disk].dirty_blocks;
    --disks_[disk].vm_state->dirty_blocks;
  }
  void write_back_started(LocalDisk disk) { ++disks_[disk].vm_state->write_back_in_flight; }
  void write_back_ended(LocalDisk disk) { --disks_[disk].vm_state->write_back_in_flight; }

  // The invariants above; "" when all hold.
  std::string check() const;

 private:
  std::optional<LocalDisk> look_up_disk(DiskId disk);
  VmState& vm_state(VmId vm);
  const VmState& vm_state(VmId vm) const;
  CacheMode resolve_mode(const VmState& vm) const;
  void apply_mode(VmId vm, std::vector<Command>& out);

  std::uint32_t block_bytes_;
  std::unordered_map<DatastoreId, CacheMode> datastores_;
  std::unordered_map<VmId, VmState> vms_;
  std::vector<DiskState> disks_;
  std::unordered_map<DiskId, LocalDisk> disk_ids_;
  std::optional<std::pair<DiskId, LocalDisk>> last_disk_;  // the last disk find_disk() found
  std::uint32_t draining_ = 0;
};

}  // namespace flashtwin::engine
