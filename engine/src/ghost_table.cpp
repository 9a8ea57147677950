#include "ghost_table.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace flashtwin::engine {
namespace {

// MurmurHash3's 64-bit finalizer: a fixed bijective mixer, so nearby keys spread over buckets.
std::uint64_t mix(std::uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  key *= 0xc4ceb9fe1a85ec53ULL;
  key ^= key >> 33;
  return key;
}

}  // namespace

GhostTable::GhostTable(std::uint32_t capacity, std::uint32_t list_count) {
  if (list_count == 0 || list_count > kMaxLists) {
    throw std::invalid_argument("ghost list count " + std::to_string(list_count) +
                                " is not in 1.." + std::to_string(kMaxLists));
  }
  if (capacity == kNoNode) {
    throw std::invalid_argument("ghost capacity " + std::to_string(capacity) + " is too large");
  }
  // Lazily zeroed (ZeroedArray): nodes are handed out from fresh_ upwards, then recycled through
  // the free chain, so memory is committed only as ghosts accumulate.
  keys_ = ZeroedArray<std::uint64_t>(capacity);
  prev_ = ZeroedArray<std::uint32_t>(capacity);
  next_ = ZeroedArray<std::uint32_t>(capacity);
  list_of_ = ZeroedArray<std::uint8_t>(capacity);
  const std::uint64_t wanted = std::uint64_t{capacity} + capacity / 3 + 1;
  max_buckets_ = static_cast<std::size_t>(std::bit_ceil(wanted));
  set_bucket_count(std::min(kInitialBuckets, max_buckets_));
  lists_.assign(list_count, ListEnds{kNoNode, kNoNode, 0});
}

// A fresh, empty bucket array of `count` (a power of two) buckets.
void GhostTable::set_bucket_count(std::size_t count) {
  buckets_ = ZeroedArray<std::uint32_t>(count);
  bucket_mask_ = count - 1;
  // At the maximum size the capacity fits at load <= 3/4 by construction: no more growth.
  grow_above_ = count >= max_buckets_ ? ~std::size_t{0} : count / 4 * 3;
}

void GhostTable::grow_buckets() {
  set_bucket_count(std::min(buckets_.size() * 2, max_buckets_));
  for (std::uint32_t node = 0; node < fresh_; ++node) {
    if (list_of_[node] == kFreeTag) continue;
    std::size_t bucket = home_bucket(keys_[node]);
    while (bucket_node(bucket) != kNoNode)
      bucket = (bucket + 1) & bucket_mask_;
    set_bucket_node(bucket, node);
  }
}

std::size_t GhostTable::home_bucket(std::uint64_t key) const {
  return static_cast<std::size_t>(mix(key)) & bucket_mask_;
}

std::size_t GhostTable::find_bucket(std::uint64_t key) const {
  for (std::size_t bucket = home_bucket(key);; bucket = (bucket + 1) & bucket_mask_) {
    const std::uint32_t node = bucket_node(bucket);
    if (node == kNoNode) return kNoBucket;
    if (keys_[node] == key) return bucket;
  }
}

GhostListId GhostTable::find(std::uint64_t key) const {
  const std::size_t bucket = find_bucket(key);
  return bucket == kNoBucket ? kNoGhostList : list_of_[bucket_node(bucket)];
}

void GhostTable::push_front(GhostListId list, std::uint64_t key) {
  if (free_head_ == kNoNode && fresh_ == capacity()) throw std::logic_error("ghost table full");
  if (size_ + std::size_t{1} > grow_above_) grow_buckets();
  std::size_t bucket = home_bucket(key);
  for (; bucket_node(bucket) != kNoNode; bucket = (bucket + 1) & bucket_mask_) {
    if (keys_[bucket_node(bucket)] == key) throw std::logic_error("ghost key pushed twice");
  }
  std::uint32_t node;
  if (free_head_ != kNoNode) {
    node = free_head_;
    free_head_ = next_[node];
  } else {
    node = fresh_++;
  }
  set_bucket_node(bucket, node);
  keys_[node] = key;
  list_of_[node] = list;
  ListEnds& ends = lists_[list];
  prev_[node] = kNoNode;
  next_[node] = ends.head;
  if (ends.head == kNoNode) {
    ends.tail = node;
  } else {
    prev_[ends.head] = node;
  }
  ends.head = node;
  ++ends.size;
  ++size_;
}

bool GhostTable::erase(std::uint64_t key) {
  const std::size_t bucket = find_bucket(key);
  if (bucket == kNoBucket) return false;
  const std::uint32_t node = bucket_node(bucket);
  erase_bucket(bucket);
  unlink(node);
  return true;
}

std::uint64_t GhostTable::pop_back(GhostListId list) {
  const std::uint32_t node = lists_[list].tail;
  if (node == kNoNode) throw std::logic_error("pop_back on an empty ghost list");
  const std::uint64_t key = keys_[node];
  erase_bucket(find_bucket(key));
  unlink(node);
  return key;
}

// Backward-shift deletion: empties `bucket`, then pulls later entries of the same probe run back
// into the hole whenever their home bucket does not lie cyclically in (hole, entry], so that no
// entry is ever separated from its home bucket by an empty bucket.
void GhostTable::erase_bucket(std::size_t bucket) {
  std::size_t hole = bucket;
  for (std::size_t probe = (hole + 1) & bucket_mask_; bucket_node(probe) != kNoNode;
       probe = (probe + 1) & bucket_mask_) {
    const std::size_t home = home_bucket(keys_[bucket_node(probe)]);
    const std::size_t entry_distance = (probe - home) & bucket_mask_;
    const std::size_t hole_distance = (probe - hole) & bucket_mask_;
    if (entry_distance >= hole_distance) {
      set_bucket_node(hole, bucket_node(probe));
      hole = probe;
    }
  }
  set_bucket_node(hole, kNoNode);
}

// Takes `node` out of its list and returns it to the free chain.
void GhostTable::unlink(std::uint32_t node) {
  ListEnds& ends = lists_[list_of_[node]];
  const std::uint32_t before = prev_[node];
  const std::uint32_t after = next_[node];
  if (before == kNoNode) {
    ends.head = after;
  } else {
    next_[before] = after;
  }
  if (after == kNoNode) {
    ends.tail = before;
  } else {
    prev_[after] = before;
  }
  --ends.size;
  --size_;
  list_of_[node] = kFreeTag;
  prev_[node] = kNoNode;
  next_[node] = free_head_;
  free_head_ = node;
}

std::string GhostTable::check_list(GhostListId list) const {
  const std::string where = "ghost list " + std::to_string(list);
  const ListEnds& ends = lists_[list];
  std::uint32_t expected_prev = kNoNode;
  std::uint32_t node = ends.head;
  for (std::uint32_t count = 0; count < ends.size; ++count) {
    if (node >= capacity()) return where + ": link out of range";
    if (list_of_[node] != list) return where + ": node " + std::to_string(node) + " has wrong tag";
    if (prev_[node] != expected_prev) {
      return where + ": node " + std::to_string(node) + " has inconsistent prev";
    }
    expected_prev = node;
    node = next_[node];
  }
  if (node != kNoNode) return where + ": walk does not end after its size (cycle?)";
  if (expected_prev != ends.tail) return where + ": tail does not match the walk";
  return {};
}

std::string GhostTable::check_buckets() const {
  std::uint32_t occupied = 0;
  for (std::size_t bucket = 0; bucket < buckets_.size(); ++bucket) {
    const std::uint32_t node = bucket_node(bucket);
    if (node == kNoNode) continue;
    ++occupied;
    if (node >= capacity() || list_of_[node] == kFreeTag) {
      return "ghost bucket " + std::to_string(bucket) + " refers to a free or invalid node";
    }
    // Finds the first bucket holding this key along its probe run: a different bucket means a
    // duplicate, kNoBucket means an empty bucket separates the entry from its home.
    if (find_bucket(keys_[node]) != bucket) {
      return "ghost key " + std::to_string(keys_[node]) + " is not reachable from its home bucket";
    }
  }
  if (size_ > grow_above_ || buckets_.size() > max_buckets_) {
    return "ghost buckets: " + std::to_string(buckets_.size()) + " buckets hold " +
           std::to_string(size_) + " keys";
  }
  if (occupied != size_) {
    return "ghost buckets hold " + std::to_string(occupied) + " keys, size is " +
           std::to_string(size_);
  }
  return {};
}

std::string GhostTable::check() const {
  std::uint64_t listed = 0;
  for (std::size_t list = 0; list < lists_.size(); ++list) {
    if (std::string problem = check_list(static_cast<GhostListId>(list)); !problem.empty()) {
      return problem;
    }
    listed += lists_[list].size;
  }
  if (listed != size_ || size_ > capacity()) {
    return "ghost lists hold " + std::to_string(listed) + " keys, size is " +
           std::to_string(size_) + ", capacity " + std::to_string(capacity());
  }
  std::uint32_t free_count = 0;
  for (std::uint32_t node = free_head_; node != kNoNode; node = next_[node]) {
    if (node >= fresh_ || list_of_[node] != kFreeTag || free_count >= fresh_ - size_) {
      return "ghost free chain is corrupt";
    }
    ++free_count;
  }
  if (free_count != fresh_ - size_) return "ghost free chain misses nodes";
  return check_buckets();
}

std::size_t GhostTable::memory_bytes() const {
  return keys_.committed_bytes(fresh_) + prev_.committed_bytes(fresh_) +
         next_.committed_bytes(fresh_) + list_of_.committed_bytes(fresh_) +
         buckets_.memory_bytes() + lists_.capacity() * sizeof(ListEnds);
}

}  // namespace flashtwin::engine
