// DirtySet: the blocks whose newest version is on flash but not yet on the array, ordered by key so
// that adjacent dirty blocks of a disk are found together and destaged as one array write.
//
// Each entry carries two sequence numbers from one engine-wide counter that grows on every write
// completion: `written_seq` (the block's last write) and `dirty_since` (when it last became
// dirty). A flush records the written_seq of every block it must see on the array; the block is
// safe once its entry is gone (destaged, or overwritten through to the array) or was made anew
// after that sequence.
//
// Layout (a flat ordered set; docs/PERFORMANCE.md, "Engine metadata per cached block", has the
// measurements that chose it): fixed-size leaves of up to kLeafEntries keys in ascending order,
// each key beside its 16-byte Entry (24 bytes per dirty block), found through a std::map from the
// lowest key a leaf may hold to the leaf (one map node per leaf). Leaf ranges [lo, hi] tile the
// whole key space, so every key has exactly one leaf where it is or would be. When a key goes past
// the last one of a full leaf (an ascending stream), it starts a leaf of its own and the full one
// stays full; otherwise a full leaf hands entries to a neighbour with room (a quarter of a leaf)
// or, failing that, splits in half. A leaf that falls below a quarter merges with a neighbour
// whenever the two fit in one leaf, so no leaf is empty unless it is the only one.
// A finger (the leaf of the last lookup) makes runs of nearby keys skip the map.
//
// Lookups O(log leaves + log kLeafEntries); insert and erase move at most a leaf's entries.
// Entry pointers stay valid until the next mark_written or erase. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace flashtwin::engine {

class DirtySet {
 public:
  static constexpr std::uint32_t kLeafEntries = 64;
  // Sequence numbers are stored in 55 bits (beside the destaging flag and the failure count).
  static constexpr std::uint64_t kMaxSeq = (std::uint64_t{1} << 55) - 1;

  class Entry {
   public:
    std::uint64_t written_seq() const { return written_seq_; }
    std::uint64_t dirty_since() const { return flags_and_since_ & kMaxSeq; }
    bool destaging() const { return (flags_and_since_ & kDestagingBit) != 0; }
    void set_destaging(bool on) {
      flags_and_since_ = on ? flags_and_since_ | kDestagingBit : flags_and_since_ & ~kDestagingBit;
    }
    // Failed destages since the block's last write (saturates at 255).
    std::uint32_t failed_tries() const {
      return static_cast<std::uint32_t>(flags_and_since_ >> kTriesShift);
    }
    void count_failed_try() {
      if (failed_tries() < 255) flags_and_since_ += std::uint64_t{1} << kTriesShift;
    }

   private:
    friend class DirtySet;
    static constexpr std::uint64_t kDestagingBit = std::uint64_t{1} << 55;
    static constexpr int kTriesShift = 56;

    std::uint64_t written_seq_ = 0;
    std::uint64_t flags_and_since_ = 0;  // dirty_since: bits 0-54, destaging: 55, tries: 56-63
  };

  DirtySet();

  Entry* find(std::uint64_t key);
  const Entry* find(std::uint64_t key) const;

  // Records a write of `key` completing with sequence `seq` (at most kMaxSeq, else
  // std::overflow_error): a new entry, or the existing one's written_seq updated and its failure
  // count reset. Returns true if the block was clean.
  bool mark_written(std::uint64_t key, std::uint64_t seq);
  // Removes `key` if present.
  void erase(std::uint64_t key);
  std::size_t size() const { return size_; }

  // Finds the first dirty block in [lo, hi) at or after `from` (wrapping to `lo`) that is not being
  // destaged, then extends it with the following adjacent blocks that are dirty and not being
  // destaged, up to `max_blocks`. Writes the keys into `run` (ascending); returns false if none.
  bool next_run(std::uint64_t from, std::uint64_t lo, std::uint64_t hi, std::uint32_t max_blocks,
                std::vector<std::uint64_t>& run) const;

  // Appends (key, written_seq) of every dirty block in [lo, hi) to `out`, in key order.
  void collect(std::uint64_t lo, std::uint64_t hi,
               std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) const;

  // True once the version a flush saw (sequence `seq`) is on the array: the block was cleaned
  // since, or a destage carried `seq` or a later write.
  bool safe_on_array(std::uint64_t key, std::uint64_t seq) const;

  // Bytes held: leaves and map nodes, as the allocator hands them out.
  std::size_t memory_bytes() const;
  std::size_t leaves() const { return spine_.size(); }

  // Leaves tile the key space in order, keys ascend within their leaf's range, sizes add up, no
  // empty leaf beside others. "" when all hold.
  std::string check() const;

  // Calls visit(key, entry) for every dirty block in key order.
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const auto& [lo, leaf] : spine_) {
      for (std::uint32_t i = 0; i < leaf->size; ++i)
        visit(leaf->keys[i], leaf->entries[i]);
    }
  }

 private:
  struct Leaf {
    std::uint64_t hi = ~std::uint64_t{0};  // the highest key this leaf may hold; lo is its map key
    std::uint32_t size = 0;
    std::uint64_t keys[kLeafEntries];
    Entry entries[kLeafEntries];
  };
  using Spine = std::map<std::uint64_t, std::unique_ptr<Leaf>>;
  // A place in the ordered set: a leaf and an index in it (== size: past its last key).
  struct Cursor {
    Spine::const_iterator leaf;
    std::uint32_t index;
  };

  // The leaf whose range holds `key` (and the finger moves there).
  Spine::const_iterator leaf_of(std::uint64_t key) const;
  Spine::iterator leaf_of(std::uint64_t key) {
    const Spine::const_iterator it = std::as_const(*this).leaf_of(key);
    return spine_.erase(it, it);  // the same element, as a mutable iterator
  }
  static std::uint32_t position(const Leaf& leaf, std::uint64_t key);
  // The first key >= `key`, or an end cursor.
  Cursor lower_bound(std::uint64_t key) const;
  // Moves past empty leaf ends; false at the end of the set.
  bool settle(Cursor& cursor) const;
  void insert_at(Spine::iterator leaf, std::uint32_t index, std::uint64_t key, const Entry& entry);
  Spine::iterator make_room(Spine::iterator leaf, std::uint64_t key);
  Spine::iterator split_off(Spine::iterator leaf, std::uint32_t from, std::uint64_t lo);
  Spine::iterator rekey(Spine::iterator leaf, std::uint64_t lo);
  void merge_if_sparse(Spine::iterator leaf);
  // Appends right's entries to left and drops right from the spine.
  void absorb(Spine::iterator left, Spine::iterator right);
  bool extend_run(Cursor at, std::uint64_t hi, std::uint32_t max_blocks,
                  std::vector<std::uint64_t>& run) const;

  Spine spine_;
  // The leaf of the last lookup (a cache: const lookups move it too). Always a leaf of spine_.
  mutable Spine::const_iterator finger_;
  std::size_t size_ = 0;
};

}  // namespace flashtwin::engine
