// CsvTraceReader: a RequestStream over flashtwin's plain CSV trace format, one request a line:
//
//   time_us,op,offset,length[,device]
//   0,R,4096,8192
//   12.5,write,0,4096,1
//
//   time_us  issue time in microseconds, a decimal number with at most 3 fractional digits
//            (nanosecond resolution); never decreasing along the file
//   op       R or read, W or write, F or flush, D or discard (any letter case)
//   offset   byte offset on the device, length: bytes (> 0; 0 for a flush, whose offset is
//            ignored but must still be a number)
//   device   optional source device number (u32, default 0)
//
// The first line may be the header "time_us,op,offset,length" or "time_us,op,offset,length,device"
// (recognised by its first field, time_us, and then required to be exactly one of these). Blank
// lines and lines starting with '#' are skipped (counted). Spaces and tabs around fields and a
// "\r" before the line end are ignored. Time in StreamRequests is relative to the first request:
// time_ns = (time_us - first time_us) * 1000. Files compressed with gzip or zstd are read
// transparently (byte offsets are then offsets in the decompressed data). Memory is constant.
//
// Strict inputs: a line with fewer than 4 or more than 5 fields, a bad header, an unknown op, a
// field that is not a number in range, a length of 0 for a read, write or discard or not 0 for a
// flush, an offset + length beyond 2^64, a time going backwards, or a line longer than
// max_line_bytes throws TraceError "FILE: byte OFFSET (line N): reason", OFFSET the byte of the
// offending field. With `lenient` such lines are skipped and counted instead. Files that cannot
// be opened or read, and damaged compressed data, throw TraceError even when lenient.
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

struct CsvTraceOptions {
  // Skip and count malformed lines instead of throwing TraceError.
  bool lenient = false;
  // Longer lines are malformed.
  std::size_t max_line_bytes = 4096;
};

struct CsvTraceCounters {
  std::uint64_t lines_read = 0;        // all lines, header, blank and malformed ones included
  std::uint64_t requests_yielded = 0;  // StreamRequests returned by next()
  std::uint64_t comment_lines = 0;     // blank lines and '#' comments
  std::uint64_t corrupt_skipped = 0;   // malformed lines skipped (lenient only)
};

class CsvTraceReader final : public RequestStream {
 public:
  // Throws TraceError if the file cannot be opened.
  explicit CsvTraceReader(const std::filesystem::path& file, CsvTraceOptions options = {});
  ~CsvTraceReader() override;
  CsvTraceReader(const CsvTraceReader&) = delete;
  CsvTraceReader& operator=(const CsvTraceReader&) = delete;

  bool next(StreamRequest& out) override;
  std::string describe() const override;

  const CsvTraceCounters& counters() const { return counters_; }

 private:
  // Parses one data line into `out` (time_ns holds the absolute time); returns the reason and
  // the column it is about if the line is malformed, an empty reason otherwise.
  std::string parse(std::string_view line, StreamRequest& out, std::size_t& column) const;
  void reject(std::size_t column, const std::string& reason);
  // The next well-formed request, its absolute time in time_ns; false at the end of the file.
  bool next_parsed(StreamRequest& out);
  bool yield(StreamRequest request, StreamRequest& out);  // relative time, counted; true

  CsvTraceOptions options_;
  std::unique_ptr<detail::TraceLines> lines_;
  std::optional<std::int64_t> previous_ns_;  // absolute time of the previous request (strict)
  // Lenient only: orders times in place of the check above (timestamp_resync.hpp).
  std::unique_ptr<detail::TimestampResync<StreamRequest>> resync_;
  std::optional<std::int64_t> genesis_ns_;  // absolute time of the first request
  CsvTraceCounters counters_;
};

}  // namespace flashtwin::models
