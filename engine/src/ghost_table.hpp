// Ghost lists: bounded recency lists of the keys of recently evicted blocks (ARC's B1 and B2,
// 2Q's A1out). A ghost remembers only a key, never data or a slot.
//
// One GhostTable holds up to `capacity` keys in total, spread over `list_count` lists (1..8) that
// share its storage; a key is in at most one list. Each list is ordered from most recent (front)
// to oldest (back). The caller bounds each list (e.g. by popping the oldest before pushing).
//
// Layout: a node pool of `capacity` nodes (key, prev, next as uint64 + 2 x uint32, and a one-byte
// list tag: 17 bytes per key) and an open-addressing hash index of uint32 node numbers (linear
// probing, backward-shift deletion, no tombstones; a power-of-two bucket count, load at most 3/4,
// so at least one bucket is always empty and probes terminate). The hash is a fixed 64-bit mixer
// of the key: runs are deterministic.
//
// Memory follows the ghosts held, not the capacity: the node pool is lazily zeroed and handed out
// from node 0 upwards (freed nodes are reused first), so only the pages of nodes ever used are
// committed; the bucket array starts at kInitialBuckets and doubles (rehashing the nodes in node
// order, so the same calls give the same layout) when a push would take its load above 3/4, up to
// the power of two the whole capacity needs (at least 4/3 x capacity + 1); it never shrinks.
// memory_bytes() reports the committed pages of the pool and the whole bucket array.
//
// find, contains, push_front, erase, pop_back: O(1) expected. Not thread-safe. Misuse that would
// corrupt the table (pushing a present key, pushing into a full table, popping an empty list)
// throws std::logic_error.
#pragma once

#include "zeroed_array.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace flashtwin::engine {

using GhostListId = std::uint8_t;
inline constexpr GhostListId kNoGhostList = 0xFF;

class GhostTable {
 public:
  static constexpr std::uint32_t kMaxLists = 8;
  static constexpr std::size_t kInitialBuckets = 1024;

  // Throws std::invalid_argument if list_count is 0 or above kMaxLists, or capacity is too big for
  // uint32 node numbers.
  GhostTable(std::uint32_t capacity, std::uint32_t list_count);

  std::uint32_t capacity() const { return static_cast<std::uint32_t>(keys_.size()); }
  std::uint32_t size() const { return size_; }
  std::uint32_t size(GhostListId list) const { return lists_[list].size; }
  // Buckets of the hash index now (grows with size()).
  std::size_t buckets() const { return buckets_.size(); }

  // The list holding `key`, or kNoGhostList.
  GhostListId find(std::uint64_t key) const;
  bool contains(std::uint64_t key) const { return find(key) != kNoGhostList; }

  // Adds `key` as the most recent entry of `list`. Requires: key absent, size() < capacity().
  void push_front(GhostListId list, std::uint64_t key);
  // Removes `key` from whichever list holds it. Returns false if it was absent.
  bool erase(std::uint64_t key);
  // Removes and returns the oldest key of `list`. Requires: size(list) > 0.
  std::uint64_t pop_back(GhostListId list);

  // Checks list links, list tags, counts, the free-node chain and that every key is reachable by
  // probing from its home bucket with no empty bucket in between. "" when all hold. O(capacity).
  std::string check() const;

  std::size_t memory_bytes() const;

 private:
  struct ListEnds {
    std::uint32_t head;
    std::uint32_t tail;
    std::uint32_t size;
  };

  std::size_t home_bucket(std::uint64_t key) const;
  std::size_t find_bucket(std::uint64_t key) const;  // kNoBucket if absent
  void erase_bucket(std::size_t bucket);
  void set_bucket_count(std::size_t count);
  // Doubles the bucket array (at most to max_buckets_) and rehashes every live node in node order.
  void grow_buckets();
  void unlink(std::uint32_t node);
  std::string check_list(GhostListId list) const;
  std::string check_buckets() const;

  static constexpr std::uint32_t kNoNode = 0xFFFFFFFFu;
  static constexpr std::size_t kNoBucket = static_cast<std::size_t>(-1);
  static constexpr std::uint8_t kFreeTag = 0xFF;

  // A bucket holds node + 1, so that zero bytes read as kNoNode.
  std::uint32_t bucket_node(std::size_t bucket) const { return buckets_[bucket] - 1; }
  void set_bucket_node(std::size_t bucket, std::uint32_t node) { buckets_[bucket] = node + 1; }

  ZeroedArray<std::uint64_t> keys_;
  ZeroedArray<std::uint32_t> prev_;
  ZeroedArray<std::uint32_t> next_;  // also chains free nodes
  ZeroedArray<std::uint8_t> list_of_;
  ZeroedArray<std::uint32_t> buckets_;
  std::size_t bucket_mask_ = 0;
  std::size_t max_buckets_ = 0;  // what the whole capacity needs
  std::size_t grow_above_ = 0;   // keys the buckets may hold before they double
  std::vector<ListEnds> lists_;
  std::uint32_t free_head_ = kNoNode;
  std::uint32_t fresh_ = 0;  // nodes [fresh_, capacity) were never used
  std::uint32_t size_ = 0;
};

}  // namespace flashtwin::engine
