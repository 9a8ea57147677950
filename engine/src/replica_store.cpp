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
  // Hash nodes (key, entry, next pointer, cached hash) and the bucket array; map nodes of codes.
  constexpr std::size_t kNode = sizeof(std::uint64_t) + sizeof(ReplicaEntry) + 2 * sizeof(void*);
  return entries_.size() * kNode + entries_.bucket_count() * sizeof(void*) +
         codes_.size() *
             (sizeof(std::pair<HostId, DiskId>) + sizeof(LocalDisk) + 4 * sizeof(void*));
}

}  // namespace flashtwin::engine
