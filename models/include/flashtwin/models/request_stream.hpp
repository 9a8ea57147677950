// RequestStream: the one interface every workload source implements — synthetic generators today,
// trace readers (blktrace, vscsi, ...) next. A stream yields one virtual disk's block requests in
// issue order, one at a time, so nothing ever holds a whole workload in memory.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <string>

namespace flashtwin::models {

struct StreamRequest {
  // Issue time relative to the start of the stream, nanoseconds; never decreases along a stream.
  // Closed-loop drivers ignore it.
  std::int64_t time_ns = 0;
  engine::IoKind kind = engine::IoKind::read;
  std::uint64_t offset_bytes = 0;
  std::uint64_t length_bytes = 0;  // 0 only for a flush
  std::uint32_t device = 0;        // source device within a trace (0 for synthetic streams)
};

class RequestStream {
 public:
  virtual ~RequestStream() = default;
  // Writes the next request into `out` and returns true; returns false at the end of the stream
  // (and keeps returning false).
  virtual bool next(StreamRequest& out) = 0;
  // One line saying what the stream is, for reports ("zipf(0.99) 70% reads 4 KiB ...").
  virtual std::string describe() const = 0;
};

}  // namespace flashtwin::models
