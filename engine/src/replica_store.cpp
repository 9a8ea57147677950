#include "replica_store.hpp"

namespace flashtwin::engine {

std::optional<std::uint64_t> ReplicaStore::key(HostId owner, DiskId disk, BlockNo block,
                                               LocalDisk lowest_allowed) {
  const auto found = codes_.find({owner, disk});
  if (found != codes_.end()) return block_key(found->second, block);
  if (lowest_code_ == 0 || lowest_code_ - 1 < lowest_allowed) return std::nullopt;
  --lowest_code_;
  const auto code = static_cast<LocalDisk>(lowest_code_);
  codes_.emplace(std::pair{owner, disk}, code);
  owners_.emplace_back(owner, disk);
  return block_key(code, block);
}

std::optional<std::uint64_t> ReplicaStore::find_key(HostId owner, DiskId disk,
                                                    BlockNo block) const {
  const auto found = codes_.find({owner, disk});
  if (found == codes_.end()) return std::nullopt;
  return block_key(found->second, block);
}

std::size_t ReplicaStore::memory_bytes() const {
  // The table, the map nodes of codes and their reverse list.
  return slots_.capacity() * sizeof(Slot) +
         codes_.size() *
             (sizeof(std::pair<HostId, DiskId>) + sizeof(LocalDisk) + 4 * sizeof(void*)) +
         owners_.capacity() * sizeof(std::pair<HostId, DiskId>);
}

std::size_t ReplicaStore::position(std::uint64_t key) const {
  if (slots_.empty()) return kAbsent;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = home(key);; at = (at + 1) & mask) {
    if (slots_[at].key == key) return at;
    if (slots_[at].key == kEmpty) return kAbsent;
  }
}

void ReplicaStore::reserve(std::size_t entries) {
  std::size_t capacity = slots_.empty() ? 64 : slots_.size();
  while (entries * 4 > capacity * 3)
    capacity *= 2;
  if (capacity != slots_.size()) rehash(capacity);
}

void ReplicaStore::rehash(std::size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  const std::size_t mask = capacity - 1;
  for (const Slot& slot : old) {
    if (slot.key == kEmpty) continue;
    std::size_t at = home(slot.key);
    while (slots_[at].key != kEmpty)
      at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

ReplicaEntry& ReplicaStore::insert(std::uint64_t key, const ReplicaEntry& entry) {
  reserve(size_ + 1);
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = home(key);
  while (slots_[at].key != kEmpty)
    at = (at + 1) & mask;
  slots_[at] = Slot{key, entry};
  ++size_;
  return slots_[at].entry;
}

// Backward-shift deletion: each following entry of the probe run moves into the hole if its home
// does not lie (cyclically) between the hole and its own position.
void ReplicaStore::erase(std::uint64_t key) {
  std::size_t hole = position(key);
  if (hole == kAbsent) return;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = (hole + 1) & mask; slots_[at].key != kEmpty; at = (at + 1) & mask) {
    const std::size_t want = home(slots_[at].key);
    const bool stays = hole <= at ? (hole < want && want <= at) : (hole < want || want <= at);
    if (stays) continue;
    slots_[hole] = slots_[at];
    hole = at;
  }
  slots_[hole] = Slot{};
  --size_;
}

}  // namespace flashtwin::engine
