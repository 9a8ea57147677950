// BlktracePairing: the requests a BlktraceReader holds back (in issue order) while it waits for
// their complete (C) events, and the table that pairs a C event with the outstanding request of
// the same (device, sector, bytes). When several requests of one key are outstanding, a C cannot
// be told apart: it may complete any of them, or the oldest lost its own C (a trace with a missing
// per-CPU file or dropped events) and a chain of re-reads would each take the previous one's C.
// Such requests are all marked ambiguous and left unpaired. Memory is proportional to the
// requests held; the reader bounds their number. Not thread-safe.
#pragma once

#include "flashtwin/models/blktrace_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>

namespace flashtwin::models::detail {

class BlktracePairing {
 public:
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};
  struct Entry {
    StreamRequest request;
    BlktraceRecord record;                   // the Q or D record of the request
    std::optional<std::int64_t> latency_ns;  // C time - request time, once paired
    std::uint64_t next_same = kNone;         // next outstanding entry with the same key
    bool ambiguous = false;  // a C came while others of its key were outstanding: no latency
  };

  // Holds a request back, outstanding until complete() pairs it or pop_front() releases it.
  void add(const StreamRequest& request, const BlktraceRecord& record);
  // A C record: gives its latency to the outstanding request of the same device, sector and
  // size; if several are outstanding, marks them all ambiguous (no longer outstanding) instead.
  // False if none was paired.
  bool complete(const BlktraceRecord& record);

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  const Entry& front() const { return entries_.front(); }
  // Releases the oldest request (paired or not); it no longer takes a completion.
  void pop_front();

 private:
  struct Key {
    std::uint32_t device;
    std::uint32_t bytes;
    std::uint64_t sector;
    bool operator==(const Key& other) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  struct Chain {  // the outstanding entries of one key, oldest first, linked by next_same
    std::uint64_t first;
    std::uint64_t last;
  };
  static Key key_of(const BlktraceRecord& record) {
    return Key{record.device, record.bytes, record.sector};
  }
  Entry& at(std::uint64_t id) { return entries_[static_cast<std::size_t>(id - front_id_)]; }
  // Removes the first entry of `key`'s chain from the table.
  void unlink_first(const Key& key);

  std::deque<Entry> entries_;
  std::uint64_t front_id_ = 0;  // id of entries_.front(); ids count up in issue order
  std::unordered_map<Key, Chain, KeyHash> outstanding_;
};

}  // namespace flashtwin::models::detail
