// LostBlocks: the blocks whose newest acknowledged version is gone with its only copy — a dirty
// block whose flash write failed, so neither the flash nor the array holds it. Reads of such a
// block fail with Status::io_error (as a device's media error does) until a whole-block write or
// discard of it succeeds; they must never return the older version the array still holds as if it
// were ok.
//
// Owned by HostEngine::Core. Invariant (checked by Core::check_invariants): a lost block is not
// readable from flash (not cached, or only reserved for the write that will rewrite it). Losses are
// rare, so a hash set is enough; reads check it only while it is not empty.
#pragma once

#include <cstdint>
#include <unordered_set>

namespace flashtwin::engine {

class LostBlocks {
 public:
  // Records the loss of `key`'s newest version. Returns true if it was not lost already.
  bool lose(std::uint64_t key) { return keys_.insert(key).second; }
  // A whole-block write or discard of `key` succeeded: it is readable again.
  void rewritten(std::uint64_t key) { keys_.erase(key); }

  bool empty() const { return keys_.empty(); }
  bool contains(std::uint64_t key) const { return keys_.count(key) == 1; }
  std::size_t size() const { return keys_.size(); }
  std::size_t memory_bytes() const { return keys_.size() * 32 + keys_.bucket_count() * 8; }

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (std::uint64_t key : keys_)
      visit(key);
  }

 private:
  std::unordered_set<std::uint64_t> keys_;
};

}  // namespace flashtwin::engine
