// ReplicaStore: the copies of other hosts' dirty blocks this host keeps on its flash (the peer's
// side of write-back replication, docs/CLUSTER.md). Owned by HostEngine::Core; internal to engine/.
//
// A replica takes a slot of this host's flash. Its slot is in the BlockIndex under a key of its
// own namespace: the disk part of the key is a code handed out per (owner host, disk) from
// kMaxLocalDisks - 1 downwards, while this host's own disks are numbered from 0 upwards, so the two
// never meet (the Core refuses a replica or a disk that would make them). In the index a replica
// slot is in state `filling`: not readable, pinned (never evicted), and not tracked by the eviction
// policy. (SlotState has no value of its own for replicas so that BlockIndex stays as it is; the
// Core's invariant checker tells the two apart by the key namespace.)
//
// Per replica block: its slot, the newest version received, the owner's epoch, the flash writes
// of it in flight, and whether a release arrived while one was in flight (then it is dropped when
// the write completes). Versions decide, never arrival order: a write of an older version than
// held is ignored, a release drops only a replica whose version is at most the released one.
//
// Plain data; not thread-safe.
#pragma once

#include "block_key.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace flashtwin::engine {

struct ReplicaEntry {
  SlotId slot = 0;
  Version version = 0;
  Epoch epoch = 0;
  std::uint32_t writing = 0;  // flash writes of this replica in flight
  bool released = false;      // drop once `writing` falls to 0
  bool recovering = false;    // its owner failed: write it to the array once `writing` is 0
  bool landed = false;        // a write of it completed: the slot holds a version of the block
};

// One block of a ReplicaWrite the peer is about to write: its key, the version, and its entry if
// the peer holds the block already (valid until the store's next insert or erase).
struct ReplicaBlockWrite {
  std::uint64_t key = 0;
  Version version = 0;
  ReplicaEntry* entry = nullptr;
};

class ReplicaStore {
 public:
  // The index key of (owner, disk, block), handing out a namespace code on first use of
  // (owner, disk). nullopt when a new code would reach `lowest_allowed` (this host's own disks
  // use the codes below it).
  std::optional<std::uint64_t> key(HostId owner, DiskId disk, BlockNo block,
                                   LocalDisk lowest_allowed);
  // The key if (owner, disk) has a code already; never hands one out.
  std::optional<std::uint64_t> find_key(HostId owner, DiskId disk, BlockNo block) const;
  // The (owner, disk) a replica key belongs to (requires holds_key(key)).
  std::pair<HostId, DiskId> owner_of(std::uint64_t key) const {
    return owners_[kMaxLocalDisks - 1 - disk_of(key)];
  }
  // True if `key` is in the replica namespace.
  bool holds_key(std::uint64_t key) const { return disk_of(key) >= lowest_code_; }
  // The lowest code handed out (kMaxLocalDisks while none is): a new local disk stays below it.
  std::uint32_t lowest_code() const { return lowest_code_; }

  // Entries live in an open-addressing table: a pointer stays valid until the next insert (which
  // may grow the table) or erase (which may shift entries), except that after reserve(n) the
  // next inserts up to n entries in all leave existing entries in place.
  ReplicaEntry* find(std::uint64_t key) {
    const std::size_t at = position(key);
    return at == kAbsent ? nullptr : &slots_[at].entry;
  }
  const ReplicaEntry* find(std::uint64_t key) const {
    const std::size_t at = position(key);
    return at == kAbsent ? nullptr : &slots_[at].entry;
  }
  // Requires `key` absent.
  ReplicaEntry& insert(std::uint64_t key, const ReplicaEntry& entry);
  void erase(std::uint64_t key);
  // Room for `entries` entries in all without growing.
  void reserve(std::size_t entries);
  // Replica blocks held (each takes one flash slot).
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const;

  // Calls visit(key, entry) for every replica (in no particular order).
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Slot& slot : slots_)
      if (slot.key != kEmpty) visit(slot.key, slot.entry);
  }

 private:
  std::map<std::pair<HostId, DiskId>, LocalDisk> codes_;
  std::vector<std::pair<HostId, DiskId>> owners_;  // by kMaxLocalDisks - 1 - code
  std::uint32_t lowest_code_ = kMaxLocalDisks;

  // Linear probing over a power-of-two table, at most 3/4 full; erase shifts the following
  // entries back (no tombstones). Replica keys never equal kEmpty (their disk code is < 4096).
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  static constexpr std::size_t kAbsent = ~std::size_t{0};
  struct Slot {
    std::uint64_t key = kEmpty;
    ReplicaEntry entry;
  };
  std::size_t home(std::uint64_t key) const {
    return static_cast<std::size_t>(mix_key(key)) & (slots_.size() - 1);
  }
  std::size_t position(std::uint64_t key) const;
  void rehash(std::size_t capacity);

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::engine
