#include "timestamp_resync.hpp"

namespace flashtwin::models::detail {

bool TimestampResync::push(const StreamRequest& record, StreamRequest& out) {
  const bool after_emitted = !last_emitted_ns_ || record.time_ns >= *last_emitted_ns_;
  if (!held_) {
    if (after_emitted) {
      held_ = record;
    } else {
      ++dropped_;  // goes back before what was emitted
    }
    return false;
  }
  if (record.time_ns >= held_->time_ns) {
    out = *held_;
    last_emitted_ns_ = held_->time_ns;
    held_ = record;
    return true;
  }
  // Goes back before the held one. The held one jumped forward if this one still follows what
  // was emitted: drop the held one. Else (or at the start, with nothing emitted to tell) this
  // one jumped back: drop it.
  ++dropped_;
  if (last_emitted_ns_ && after_emitted) held_ = record;
  return false;
}

bool TimestampResync::finish(StreamRequest& out) {
  if (!held_) return false;
  out = *held_;
  last_emitted_ns_ = held_->time_ns;
  held_.reset();
  return true;
}

}  // namespace flashtwin::models::detail
