#include "mode_control.hpp"

#include <bit>
#include <stdexcept>

namespace flashtwin::engine {

namespace {

// Throws std::invalid_argument with the message `describe()` builds, which runs only on failure.
template <class Describe>
void require(bool ok, Describe&& describe) {
  if (!ok) throw std::invalid_argument(describe());
}

}  // namespace

ModeControl::ModeControl(std::uint32_t block_bytes) : block_bytes_(block_bytes) {}

void ModeControl::add_datastore(DatastoreId datastore, CacheMode mode) {
  require(datastores_.emplace(datastore, mode).second,
          [&] { return std::string("datastore " + std::to_string(datastore) + " added twice"); });
}

void ModeControl::add_vm(VmId vm, DatastoreId datastore, std::optional<CacheMode> mode) {
  require(datastores_.count(datastore) == 1, [&] {
    return std::string("vm " + std::to_string(vm) + ": unknown datastore " +
                       std::to_string(datastore));
  });
  VmState state;
  state.datastore = datastore;
  state.own_mode = mode;
  state.effective = state.requested = resolve_mode(state);
  require(vms_.emplace(vm, std::move(state)).second,
          [&] { return std::string("vm " + std::to_string(vm) + " added twice"); });
}

void ModeControl::add_disk(VmId vm, DiskId disk, std::uint64_t size_bytes) {
  VmState& state = vm_state(vm);
  require(disk_ids_.count(disk) == 0,
          [&] { return std::string("disk " + std::to_string(disk) + " added twice"); });
  require(disks_.size() < kMaxLocalDisks, [&] {
    return "too many disks on one host (at most " + std::to_string(kMaxLocalDisks) + ")";
  });
  require(size_bytes > 0 && size_bytes % block_bytes_ == 0, [&] {
    return "disk " + std::to_string(disk) + ": size " + std::to_string(size_bytes) +
           " bytes is not a positive multiple of the cache block size (" +
           std::to_string(block_bytes_) + ")";
  });
  require((size_bytes >> std::countr_zero(block_bytes_)) < kMaxBlocksPerDisk, [&] {
    return std::string("disk " + std::to_string(disk) + ": size must be below 2^36 blocks");
  });
  const auto local = static_cast<LocalDisk>(disks_.size());
  disks_.push_back(DiskState{disk, vm, &state, size_bytes, 0, 0, 0});
  disk_ids_.emplace(disk, local);
  state.disks.push_back(local);
}

std::optional<LocalDisk> ModeControl::look_up_disk(DiskId disk) {
  auto found = disk_ids_.find(disk);
  if (found == disk_ids_.end()) return std::nullopt;
  last_disk_.emplace(disk, found->second);
  return found->second;
}

VmState& ModeControl::vm_state(VmId vm) {
  auto it = vms_.find(vm);
  require(it != vms_.end(), [&] { return std::string("unknown vm " + std::to_string(vm)); });
  return it->second;
}

const VmState& ModeControl::vm_state(VmId vm) const {
  auto it = vms_.find(vm);
  require(it != vms_.end(), [&] { return std::string("unknown vm " + std::to_string(vm)); });
  return it->second;
}

CacheMode ModeControl::resolve_mode(const VmState& vm) const {
  return vm.own_mode ? *vm.own_mode : datastores_.at(vm.datastore);
}

void ModeControl::set_vm_mode(VmId vm, std::optional<CacheMode> mode, std::vector<Command>& out) {
  vm_state(vm).own_mode = mode;
  apply_mode(vm, out);
}

void ModeControl::set_datastore_mode(DatastoreId datastore, CacheMode mode,
                                     std::vector<Command>& out) {
  auto it = datastores_.find(datastore);
  require(it != datastores_.end(),
          [&] { return std::string("unknown datastore " + std::to_string(datastore)); });
  it->second = mode;
  for (auto& [id, state] : vms_) {
    if (state.datastore == datastore && !state.own_mode) apply_mode(id, out);
  }
}

// Leaving write-back waits for the VM's dirty data (and write-back writes in flight) to drain;
// every other change is immediate.
void ModeControl::apply_mode(VmId vm, std::vector<Command>& out) {
  VmState& state = vm_state(vm);
  const CacheMode target = resolve_mode(state);
  const bool was_pending = state.pending;
  state.requested = target;
  const bool must_drain = state.effective == CacheMode::write_back &&
                          target != CacheMode::write_back &&
                          (state.dirty_blocks > 0 || state.write_back_in_flight > 0);
  if (must_drain) {
    if (!was_pending) ++draining_;
    state.pending = true;
    return;
  }
  if (was_pending) --draining_;
  state.pending = false;
  state.effective = target;
  out.push_back(ModeApplied{vm, target});
}

ModeState ModeControl::mode_of(VmId vm) const {
  const VmState& state = vm_state(vm);
  return ModeState{state.effective, state.requested, state.pending};
}

void ModeControl::finish_drains(std::vector<Command>& out) {
  if (draining_ == 0) return;
  for (auto& [vm, state] : vms_) {
    if (state.pending && state.dirty_blocks == 0 && state.write_back_in_flight == 0) {
      apply_mode(vm, out);
    }
  }
}

std::string ModeControl::check() const {
  std::uint32_t pending = 0;
  for (const auto& [vm, state] : vms_) {
    std::uint64_t sum = 0;
    for (LocalDisk d : state.disks)
      sum += disks_[d].dirty_blocks;
    if (sum != state.dirty_blocks) return "vm " + std::to_string(vm) + " dirty count is off";
    if (state.pending && state.effective != CacheMode::write_back)
      return "vm " + std::to_string(vm) + " drains but is not in write-back";
    if (state.pending) ++pending;
  }
  if (pending != draining_) return "draining vm count is off";
  return {};
}

}  // namespace flashtwin::engine
