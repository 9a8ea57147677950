// DirtySet: the blocks whose newest version is on flash but not yet on the array, ordered by key so
// that adjacent dirty blocks of a disk are found together and destaged as one array write.
//
// Each entry carries two sequence numbers from one engine-wide counter that grows on every write
// completion: `written_seq` (the block's last write) and `dirty_since` (when it last became
// dirty). A flush records the written_seq of every block it must see on the array; the block is
// safe once its entry is gone (destaged, or overwritten through to the array) or was made anew
// after that sequence.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace flashtwin::engine {

class DirtySet {
 public:
  struct Entry {
    std::uint64_t written_seq = 0;
    std::uint64_t dirty_since = 0;
    bool destaging = false;
    std::uint8_t failed_tries = 0;  // failed destages since the block's last write (saturates)
  };

  Entry* find(std::uint64_t key);
  const Entry* find(std::uint64_t key) const;

  // Records a write of `key` completing with sequence `seq`. Returns true if the block was clean.
  bool mark_written(std::uint64_t key, std::uint64_t seq);
  void erase(std::uint64_t key) { entries_.erase(key); }
  std::size_t size() const { return entries_.size(); }

  // Finds the first dirty block in [lo, hi) at or after `from` (wrapping to `lo`) that is not being
  // destaged, then extends it with the following adjacent blocks that are dirty and not being
  // destaged, up to `max_blocks`. Writes the keys into `run` (ascending); returns false if none.
  bool next_run(std::uint64_t from, std::uint64_t lo, std::uint64_t hi, std::uint32_t max_blocks,
                std::vector<std::uint64_t>& run) const;

  // Appends (key, written_seq) of every dirty block in [lo, hi) to `out`.
  void collect(std::uint64_t lo, std::uint64_t hi,
               std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) const;

  // True once the version a flush saw (sequence `seq`) is on the array: the block was cleaned
  // since, or a destage carried `seq` or a later write.
  bool safe_on_array(std::uint64_t key, std::uint64_t seq) const;

  // Approximate bytes held (map nodes).
  std::size_t memory_bytes() const;

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const auto& [key, entry] : entries_)
      visit(key, entry);
  }

 private:
  using Map = std::map<std::uint64_t, Entry>;
  bool extend_run(Map::const_iterator it, std::uint64_t hi, std::uint32_t max_blocks,
                  std::vector<std::uint64_t>& run) const;

  Map entries_;
};

}  // namespace flashtwin::engine
