// TimestampResync: how a lenient trace reader gets past one corrupt timestamp. Internal to models/.
//
// A trace's times never decrease. A strict reader stops at the first that does; a lenient one
// skips it. But when the corrupt record is a jump *forward* (a flipped high bit, years later),
// skipping "what goes back" would drop every good record after it. So the lenient reader holds
// each record back by one: when the next record goes back before the held one, whichever of the
// two breaks the order of what was already emitted is dropped — the held one if the newcomer
// still follows the last emitted record (the held one was a jump forward), else the newcomer (a
// jump back; also when nothing was emitted yet, so a corrupt *first* record still loses the rest).
// Records come out in file order, times non-decreasing, each at most one late.
//
// Owns nothing but the held record. Not thread-safe (one per reader).
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <optional>

namespace flashtwin::models::detail {

class TimestampResync {
 public:
  // Takes the next record of the file (time_ns: its time in the file, any origin). Returns true
  // with `out` set when the record held before it is ready to be emitted.
  bool push(const StreamRequest& record, StreamRequest& out);
  // At the end of the file: the held record, if any (true with `out` set).
  bool finish(StreamRequest& out);
  // Records dropped for their timestamp so far.
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::optional<StreamRequest> held_;
  std::optional<std::int64_t> last_emitted_ns_;
  std::uint64_t dropped_ = 0;
};

}  // namespace flashtwin::models::detail
