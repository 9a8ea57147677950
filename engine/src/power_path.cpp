// Power loss (rules: docs/CLUSTER.md, "Power loss").
//
// flash_image: what the device holds durably. The engine journals each slot's header as the slot
// changes (the journal's own writes are not modelled), so the image is the index as it stands,
// less what had not landed: a slot still filling (its data is on the way), a clean block a
// write is changing (its array copy may be newer than its flash copy: dropping it loses nothing),
// and a replica none of whose writes completed or that was released. A dirty block is kept: its
// slot holds its last landed version, at least the last one acknowledged (an overwrite in flight
// lands whole or not at all: the device maps pages out of place).
//
// restore: a new engine adopts the image slot for slot (the data stays where it was), puts its
// own blocks in the eviction policy in slot order (recency is lost) and its dirty blocks in the
// dirty set, then scans the metadata of the whole device: kSlotHeaderBytes per slot of capacity,
// in kRebuildReads FlashReads at once. IndexRebuilt says when it is done; until then it takes no
// request and no message.
#include "engine_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

FlashImage HostEngine::Core::flash_image() const {
  FlashImage image;
  for (SlotId slot = 0; slot < index_.touched(); ++slot) {
    const SlotState state = index_.state(slot);
    if (state == SlotState::free) continue;
    const std::uint64_t key = index_.key_of(slot);
    if (replicas_.holds_key(key)) {
      const ReplicaEntry* entry = replicas_.find(key);
      if (entry == nullptr || !entry->landed || entry->released) continue;
      const auto [owner, disk] = replicas_.owner_of(key);
      image.replicas.push_back({slot, owner, disk, block_of(key), entry->epoch});
      continue;
    }
    if (state == SlotState::filling || (state == SlotState::clean && locks_.busy(key))) continue;
    image.blocks.push_back(
        {slot, modes_.disk(disk_of(key)).id, block_of(key), state == SlotState::dirty});
  }
  return image;
}

void HostEngine::Core::restore(TimeNs now, const FlashImage& image) {
  if (index_.used() != 0 || foreground_in_flight_ != 0 || destage_in_flight_ != 0 || rebuilding_) {
    throw std::logic_error("host " + std::to_string(config_.host) +
                           ": restore needs a new engine that has served nothing");
  }
  auto refuse = [&](SlotId slot, const std::string& why) {
    throw std::invalid_argument("restore of host " + std::to_string(config_.host) + ", slot " +
                                std::to_string(slot) + ": " + why);
  };
  // Both lists by slot, merged: BlockIndex::adopt takes slots in increasing order.
  std::size_t b = 0, r = 0;
  SlotId next = 0;
  IndexRebuilt done;
  const auto own_disks = static_cast<LocalDisk>(modes_.disk_count());
  while (b < image.blocks.size() || r < image.replicas.size()) {
    const bool own = r == image.replicas.size() ||
                     (b < image.blocks.size() && image.blocks[b].slot < image.replicas[r].slot);
    const SlotId slot = own ? image.blocks[b].slot : image.replicas[r].slot;
    if (slot < next || slot >= index_.capacity()) refuse(slot, "outside the device or twice");
    next = slot + 1;
    if (own) {
      const FlashImage::Block& block = image.blocks[b++];
      const std::optional<LocalDisk> disk = modes_.find_disk(block.disk);
      if (!disk) refuse(slot, "disk " + std::to_string(block.disk) + " was not added");
      if (block.block >= (modes_.disk(*disk).size_bytes >> block_shift_))
        refuse(slot, "block " + std::to_string(block.block) + " outside its disk");
      const std::uint64_t key = block_key(*disk, block.block);
      index_.adopt(slot, key, SlotState::clean);
      policy_->on_insert(slot, key);
      if (block.dirty) {
        mark_dirty(key, slot);
        ++done.dirty_blocks;
      }
      ++done.blocks;
      continue;
    }
    const FlashImage::Replica& replica = image.replicas[r++];
    const std::optional<std::uint64_t> key =
        replicas_.key(replica.owner, replica.disk, replica.block, own_disks);
    if (!key || replica.owner == config_.host) refuse(slot, "a replica this host cannot hold");
    index_.adopt(slot, *key, SlotState::filling);
    ReplicaEntry entry{slot};
    entry.epoch = replica.epoch;
    entry.landed = true;
    replicas_.insert(*key, entry);
    ++done.replica_blocks;
  }
  now_ = now;
  rebuilding_ = true;
  const std::uint64_t total = std::uint64_t{kSlotHeaderBytes} * index_.capacity();
  done.scanned_bytes = total;
  rebuilt_ = done;
  const OpId id = ops_.create(OpKind::rebuild);
  ops_[id].started = true;
  ops_[id].started_at = now;
  const std::uint64_t share = (total + kRebuildReads - 1) / kRebuildReads;
  for (std::uint64_t offset = 0; offset < total; offset += share) {
    const std::uint64_t bytes = std::min(share, total - offset);
    out_.push_back(FlashRead{ops_.issue(id, CmdPurpose::rebuild_read, 0, 0), {}, bytes});
    counters_.flash_read_bytes += bytes;
  }
}

void HostEngine::Core::refuse_while_rebuilding(const std::string& what) const {
  throw std::logic_error("host " + std::to_string(config_.host) + ": " + what +
                         " before its index was rebuilt (IndexRebuilt)");
}

// The last metadata read is in (a failed one loses nothing the image did not already say).
void HostEngine::Core::rebuild_finished() {
  rebuilding_ = false;
  ++counters_.index_rebuilds;
  out_.push_back(rebuilt_);
}

}  // namespace flashtwin::engine
