// FioIologReader: a RequestStream over an I/O log written by fio (write_iolog=FILE), versions 2
// and 3, one action a line, fields separated by spaces or tabs:
//
//   fio version 2 iolog                  fio version 3 iolog
//   /dev/sdb add                         0 /dev/sdb add
//   /dev/sdb open                        0 /dev/sdb open
//   /dev/sdb read 4096 8192              12 /dev/sdb read 4096 8192
//   /dev/sdb close                       15 /dev/sdb close
//
//   TIME      (v3 only) issue time in milliseconds since the job started, an unsigned integer,
//             never decreasing along the file
//   FILENAME  the file or device the action is on (no spaces, as fio writes it)
//   ACTION    add, open, close: file actions, no OFFSET and LENGTH, no request;
//             read, write, trim (a discard), sync and datasync (a flush) OFFSET LENGTH: one
//             request. OFFSET is a byte offset in the file, LENGTH bytes (> 0 for read, write and
//             trim; for a sync or datasync both must be numbers and are ignored: a flush has
//             offset 0 and length 0)
//
// Several files in one log: a file's device number is the order of its first "add" (the first
// file added is device 0, the next 1, ...); an action on a file that was never added is
// malformed. Timing: version 2 logs hold no time, so every request has time_ns 0 and the log can
// only be replayed closed-loop (or back to back, each request as soon as the previous one is
// issued); version 3 times are made relative to the first request: time_ns = (TIME - first TIME)
// * 1,000,000. Blank lines are skipped (counted); a "\r" before the line end is ignored. Files
// compressed with gzip or zstd are read transparently. Memory grows only with the number of files.
//
// The first line must be one of the two headers; otherwise the constructor throws TraceError
// "FILE: byte 0 (line 1): not a fio version 2 or 3 iolog ..." (even when lenient). Strict inputs:
// a wrong number of fields for the action, an unknown action, a field that is not a number in
// range, a length of 0, an offset + length beyond 2^64, a time going backwards, an action on a
// file never added, or a line longer than max_line_bytes throws TraceError
// "FILE: byte OFFSET (line N): reason", OFFSET the byte of the offending field. With `lenient`
// such lines are skipped and counted instead; the times of file actions are then not checked,
// and a single corrupt request time, back or far ahead, costs only its own line
// (src/timestamp_resync.hpp). Files that cannot be opened or read, and damaged
// compressed data, throw TraceError even when lenient.
//
// Not thread-safe; one reader per thread. The constructor opens the file and reads the header.
#pragma once

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError
#include "flashtwin/models/request_stream.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

namespace detail {
class TraceLines;
template <class Record>
class TimestampResync;
}  // namespace detail

struct FioIologOptions {
  // Skip and count malformed lines instead of throwing TraceError.
  bool lenient = false;
  // Longer lines are malformed.
  std::size_t max_line_bytes = 4096;
};

struct FioIologCounters {
  std::uint64_t lines_read = 0;        // all lines, header, blank and malformed ones included
  std::uint64_t requests_yielded = 0;  // StreamRequests returned by next()
  std::uint64_t file_actions = 0;      // add, open and close lines
  std::uint64_t blank_lines = 0;
  std::uint64_t corrupt_skipped = 0;  // malformed lines skipped (lenient only)
};

class FioIologReader final : public RequestStream {
 public:
  // Throws TraceError if the file cannot be opened or does not start with a fio iolog header.
  explicit FioIologReader(const std::filesystem::path& file, FioIologOptions options = {});
  ~FioIologReader() override;
  FioIologReader(const FioIologReader&) = delete;
  FioIologReader& operator=(const FioIologReader&) = delete;

  bool next(StreamRequest& out) override;
  std::string describe() const override;

  const FioIologCounters& counters() const { return counters_; }
  int version() const { return version_; }  // 2 or 3
  // The files added so far, in device-number order.
  const std::vector<std::string>& files() const { return files_; }

 private:
  // Parses one line; returns the reason and the column it is about if the line is malformed, an
  // empty reason otherwise. `is_request` says whether `out` holds a request (time_ns absolute).
  std::string parse(std::string_view line, StreamRequest& out, bool& is_request,
                    std::size_t& column);
  void reject(std::size_t column, const std::string& reason);
  // The next request (time_ns absolute); false at the end of the file.
  bool next_request(StreamRequest& out);
  bool yield(StreamRequest request, StreamRequest& out);  // relative time, counted; true

  FioIologOptions options_;
  std::unique_ptr<detail::TraceLines> lines_;
  int version_ = 0;
  std::vector<std::string> files_;
  std::map<std::string, std::uint32_t, std::less<>> devices_;
  std::optional<std::int64_t> previous_ms_;  // time of the previous timestamped line (v3, strict)
  std::optional<std::int64_t> genesis_ns_;   // absolute time of the first request
  // Lenient only: orders the requests' times in place of the check of previous_ms_
  // (timestamp_resync.hpp).
  std::unique_ptr<detail::TimestampResync<StreamRequest>> resync_;
  FioIologCounters counters_;
};

}  // namespace flashtwin::models
