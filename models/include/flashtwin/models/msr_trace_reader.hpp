// MsrTraceReader: a RequestStream over the MSR Cambridge block traces (SNIA IOTTA), CSV lines
// without a header:
//
//   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
//   128166372003061629,hm,1,Read,383496192,32768,41286
//
//   Timestamp     Windows filetime: 100 ns units since 1601-01-01
//   Hostname      the traced server (kept as last_hostname())
//   DiskNumber    the server's disk: StreamRequest::device (u32)
//   Type          Read or Write (any letter case)
//   Offset, Size  bytes; Size > 0
//   ResponseTime  100 ns units, kept as last_response_time_ns() (the request's completion time
//                 on the traced system; not part of StreamRequest)
//
// time_ns = (Timestamp - Timestamp of the first request) * 100. Spaces and tabs around fields, a
// "\r" before the line end, blank lines (counted) are ignored. Gzip and zstd input is read
// transparently. Memory is constant.
//
// Strict inputs: a line without exactly 7 fields, an unknown Type, a field that is not a number in
// range, a Size of 0, an Offset + Size beyond 2^64, an empty Hostname, a Timestamp going back
// before the previous line's, or a line longer than max_line_bytes throws TraceError
// "FILE: byte OFFSET (line N): reason" (OFFSET: the offending field's byte). With `lenient` such
// lines are skipped and counted; a single corrupt Timestamp, back or far ahead, costs only its
// own line (src/timestamp_resync.hpp). Files that cannot be opened or read, and damaged compressed
// data, throw TraceError even when lenient.
//
// Not thread-safe; one reader per thread. The file is opened by the constructor, read lazily.
#pragma once

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError
#include "flashtwin/models/request_stream.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace flashtwin::models {

namespace detail {
class TraceLines;
template <class Record>
class TimestampResync;
}  // namespace detail

struct MsrTraceOptions {
  // Skip and count malformed lines instead of throwing TraceError.
  bool lenient = false;
  // Longer lines are malformed.
  std::size_t max_line_bytes = 4096;
};

struct MsrTraceCounters {
  std::uint64_t lines_read = 0;        // all lines
  std::uint64_t requests_yielded = 0;  // StreamRequests returned by next()
  std::uint64_t blank_lines = 0;
  std::uint64_t corrupt_skipped = 0;  // malformed lines skipped (lenient only)
};

class MsrTraceReader final : public RequestStream {
 public:
  // Throws TraceError if the file cannot be opened.
  explicit MsrTraceReader(const std::filesystem::path& file, MsrTraceOptions options = {});
  ~MsrTraceReader() override;
  MsrTraceReader(const MsrTraceReader&) = delete;
  MsrTraceReader& operator=(const MsrTraceReader&) = delete;

  bool next(StreamRequest& out) override;
  std::string describe() const override;

  const MsrTraceCounters& counters() const { return counters_; }
  // Of the last request next() returned.
  std::int64_t last_response_time_ns() const { return last_response_time_ns_; }
  const std::string& last_hostname() const { return last_hostname_; }

 private:
  // One well-formed line: request.time_ns is the absolute filetime (100 ns units).
  struct Line {
    StreamRequest request;
    std::int64_t response = 0;  // 100 ns units
    std::string hostname;
  };

  // Parses one line into `out` (time_ns: absolute, in 100 ns units), `response` and `host`;
  // returns the reason and its column if malformed, an empty reason otherwise.
  std::string parse(std::string_view line, StreamRequest& out, std::int64_t& response,
                    std::string_view& host, std::size_t& column) const;
  // The next well-formed line; false at the end of the file.
  bool next_line(Line& out);
  // Makes `line` the next request (relative time); false if its time is out of range (lenient).
  bool yield(const Line& line, StreamRequest& out);

  MsrTraceOptions options_;
  std::unique_ptr<detail::TraceLines> lines_;
  std::optional<std::int64_t> previous_;  // filetime of the previous request (strict)
  std::optional<std::int64_t> genesis_;   // filetime of the first request
  // Lenient only: orders times in place of the check of previous_ (timestamp_resync.hpp).
  std::unique_ptr<detail::TimestampResync<Line>> resync_;
  Line line_;  // the line being read
  std::int64_t last_response_time_ns_ = 0;
  std::string last_hostname_;
  MsrTraceCounters counters_;
};

}  // namespace flashtwin::models
