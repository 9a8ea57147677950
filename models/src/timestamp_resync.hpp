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
// Every reader uses it in lenient mode, in place of its own "time goes back" check: the CSV, MSR,
// fio iolog and blkparse text readers on their requests, the vscsi reader on its records, the
// blktrace reader on each per-CPU file's records. `Record` is whatever the reader must keep with
// the time (the parsed request, the raw record, side values such as a response time); the time
// is passed apart, in any unit and from any origin, as only its order matters.
//
// Owns nothing but the held record. Not thread-safe (one per reader or file).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

namespace flashtwin::models::detail {

template <class Record>
class TimestampResync {
 public:
  // Takes the next record of the file and its time. Returns true with `out` set when the record
  // held before it is ready to be emitted.
  bool push(std::uint64_t time, Record record, Record& out) {
    const bool after_emitted = !last_emitted_ || time >= *last_emitted_;
    if (!held_) {
      if (after_emitted) {
        held_.emplace(time, std::move(record));
      } else {
        ++dropped_;  // goes back before what was emitted
      }
      return false;
    }
    if (time >= held_->first) {
      out = std::move(held_->second);
      last_emitted_ = held_->first;
      held_.emplace(time, std::move(record));
      return true;
    }
    // Goes back before the held one. The held one jumped forward if this one still follows what
    // was emitted: drop the held one. Else (or at the start, with nothing emitted to tell) this
    // one jumped back: drop it.
    ++dropped_;
    if (last_emitted_ && after_emitted) held_.emplace(time, std::move(record));
    return false;
  }

  // At the end of the file: the held record, if any (true with `out` set).
  bool finish(Record& out) {
    if (!held_) return false;
    out = std::move(held_->second);
    last_emitted_ = held_->first;
    held_.reset();
    return true;
  }

  // Records dropped for their timestamp so far.
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::optional<std::pair<std::uint64_t, Record>> held_;  // time, record
  std::optional<std::uint64_t> last_emitted_;
  std::uint64_t dropped_ = 0;
};

}  // namespace flashtwin::models::detail
