// HostEngine::Core::check_invariants: the cross-structure rules the engine keeps after every event.
#include "engine_core.hpp"

#include <string>

namespace flashtwin::engine {

std::string HostEngine::Core::check_invariants() const {
  for (const std::string& broken : {index_.check_invariants(), locks_.check_invariants(),
                                    policy_->check_invariants(), dirty_.check()}) {
    if (!broken.empty()) return broken;
  }
  // Replica slots are in the index but not in the policy (never evicted).
  if (policy_->size() + replicas_.size() != index_.used()) {
    return "policy tracks " + std::to_string(policy_->size()) + " slots and " +
           std::to_string(replicas_.size()) + " replicas, index holds " +
           std::to_string(index_.used());
  }
  // Dirty set <-> slot states, per-disk and per-VM counts.
  std::vector<std::uint64_t> disk_dirty(modes_.disk_count(), 0);
  std::string broken;
  std::uint64_t destaging = 0;
  dirty_.for_each([&](std::uint64_t key, const DirtySet::Entry& entry) {
    const SlotId slot = index_.find(key);
    if (broken.empty() && (slot == BlockIndex::kNoSlot || index_.state(slot) != SlotState::dirty))
      broken = "dirty set holds a block whose slot is not dirty";
    if (broken.empty() && entry.dirty_since() > entry.written_seq())
      broken = "dirty block became dirty after its last write";
    if (disk_of(key) < disk_dirty.size()) ++disk_dirty[disk_of(key)];
    if (entry.destaging()) ++destaging;
  });
  if (!broken.empty()) return broken;
  std::uint64_t dirty_slots = 0;
  for (SlotId s = 0; s < index_.touched(); ++s) {  // no slot above was ever used
    const SlotState state = index_.state(s);
    if (state == SlotState::dirty) ++dirty_slots;
    if (state == SlotState::filling && !locks_.busy(index_.key_of(s)) &&
        !replicas_.holds_key(index_.key_of(s)))
      return "slot " + std::to_string(s) + " is filling with no operation on its block";
  }
  if (dirty_slots != dirty_.size()) return "dirty slot count differs from the dirty set";
  for (LocalDisk d = 0; d < modes_.disk_count(); ++d) {
    if (modes_.disk(d).dirty_blocks != disk_dirty[d])
      return "disk " + std::to_string(modes_.disk(d).id) + " dirty count is off";
  }
  if (std::string broken_modes = modes_.check(); !broken_modes.empty()) return broken_modes;
  lost_.for_each([&](std::uint64_t key) {
    const SlotId slot = index_.find(key);
    if (broken.empty() && slot != BlockIndex::kNoSlot && index_.state(slot) != SlotState::filling)
      broken = "lost block " + std::to_string(block_of(key)) + " is readable from flash";
  });
  if (!broken.empty()) return broken;
  replicas_.for_each([&](std::uint64_t key, const ReplicaEntry& entry) {
    if (broken.empty() &&
        (index_.find(key) != entry.slot || index_.state(entry.slot) != SlotState::filling)) {
      broken = "replica block " + std::to_string(block_of(key)) + " is not in its slot";
    }
  });
  if (!broken.empty()) return broken;
  if (modes_.disk_count() > replicas_.lowest_code()) return "replica keys overlap local disks";
  if (destaging != destaging_blocks_) return "destaging block count is off";
  if (destaging > std::uint64_t{destage_in_flight_} * coalesce_blocks_)
    return "more blocks destaging than destage operations can hold";
  if (destage_in_flight_ > config_.destage.max_in_flight) return "too many destages in flight";
  return {};
}

}  // namespace flashtwin::engine
