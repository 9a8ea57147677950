// BlkparseTextReader: a RequestStream over blkparse's default text output (shared/
// BLKTRACE_FORMAT.md beside the checkout, "blkparse default text output"), for traces that are
// only kept as text. Event lines read
//
//   maj,min cpu seq sec.nsec pid action rwbs [sector + nsectors [comm]]
//   259,0    1        2     0.000000184 21279  Q  RA 2348060440 + 8 [(null)]
//
// Lines that do not start with these 7 fields (the per-CPU and Total statistics blocks, the
// Throughput / Events / Skips lines at the end, blank lines) are skipped and counted in
// non_event_lines. The reader yields the queue events (Q) by default, or the issue events (D) by
// option, as StreamRequests, exactly as BlktraceReader yields them from the binary trace:
//   time_ns      = printed time - printed time of the first event line (any action except the
//                  'm' message lines): blkparse's times are already relative to the trace's first
//                  event, so this is the printed time of a complete output
//   offset_bytes = sector * 512, length_bytes = nsectors * 512
//   kind         = discard if rwbs has D, else flush if it starts with F and nsectors is 0, else
//                  write if W, else read if nsectors > 0; a request with no data that is not a
//                  flush (rwbs N, or 0 sectors) is skipped (no_data_skipped)
//   device       = dev_t (major << 20 | minor, see blktrace_device)
// FUA (an F after the direction letter) and preflush (a leading F on a request with data) of
// the last yielded request are available from last_fua() and last_preflush(). Event lines of
// other actions, of other devices (option), and SCSI pass-through events ("N (cdb) [comm]"
// instead of "sector + nsectors") are counted in other_skipped. Gzip and zstd input is read
// transparently. Memory is constant.
//
// Strict inputs: a selected event whose rwbs is not [F]{D|W|R|N}[FASMBE]* or whose
// "sector + nsectors" is missing or malformed or beyond 2^64 bytes, an event line whose time goes
// back before the previous event line's, or a line longer than max_line_bytes throws TraceError
// "FILE: byte OFFSET (line N): reason" (OFFSET: the offending field's byte). With `lenient` such
// lines are skipped and counted; a single corrupt time, back or far ahead, then costs only its
// own line (src/timestamp_resync.hpp). Files that cannot be opened or read, and damaged compressed
// data, throw TraceError even when lenient.
//
// Not thread-safe; one reader per thread. The file is opened by the constructor, read lazily.
#pragma once

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError, blktrace_device
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

struct BlkparseTextOptions {
  enum class Event : std::uint8_t { queue, issue };  // Q or D events
  Event event = Event::queue;
  // Only this dev_t's events (see blktrace_device); all devices if empty.
  std::optional<std::uint32_t> device = std::nullopt;
  // Skip and count malformed lines instead of throwing TraceError.
  bool lenient = false;
  // Longer lines are malformed.
  std::size_t max_line_bytes = 4096;
};

struct BlkparseTextCounters {
  std::uint64_t lines_read = 0;        // all lines
  std::uint64_t event_lines = 0;       // well-formed event lines
  std::uint64_t requests_yielded = 0;  // StreamRequests returned by next()
  std::uint64_t non_event_lines = 0;   // statistics blocks, blank lines, other text
  std::uint64_t other_skipped = 0;     // other actions, other devices, pass-through events
  std::uint64_t no_data_skipped = 0;   // selected events with no data that are not a flush
  std::uint64_t corrupt_skipped = 0;   // malformed lines skipped (lenient only)
};

class BlkparseTextReader final : public RequestStream {
 public:
  // Throws TraceError if the file cannot be opened.
  explicit BlkparseTextReader(const std::filesystem::path& file, BlkparseTextOptions options = {});
  ~BlkparseTextReader() override;
  BlkparseTextReader(const BlkparseTextReader&) = delete;
  BlkparseTextReader& operator=(const BlkparseTextReader&) = delete;

  bool next(StreamRequest& out) override;
  std::string describe() const override;

  const BlkparseTextCounters& counters() const { return counters_; }
  bool last_fua() const { return last_fua_; }
  bool last_preflush() const { return last_preflush_; }

 private:
  enum class Outcome : std::uint8_t { event, not_event, malformed };
  // A well-formed event line, not yet counted.
  struct Event {
    enum class Use : std::uint8_t { request, other, no_data };
    Use use = Use::other;
    bool ordered = true;       // false for message lines ('m'): their time is not ordered
    std::int64_t time_ns = 0;  // printed time
    StreamRequest request;     // for a request; time_ns: the printed time
    bool fua = false, preflush = false;
  };

  // Recognises one line; fills `out` for an event, `reason` and `column` if malformed (strict:
  // also a time going back before the previous event line's).
  Outcome parse(std::string_view line, Event& out, std::string& reason, std::size_t& column);
  // The next well-formed event line; false at the end of the file.
  bool next_event(Event& out);
  // Takes an event in order: starts the clock, counts it; true with `out` set (relative time) if
  // it is a request to return.
  bool take(const Event& event, StreamRequest& out);

  BlkparseTextOptions options_;
  std::unique_ptr<detail::TraceLines> lines_;
  std::optional<std::int64_t> genesis_ns_;   // printed time of the first event line
  std::optional<std::int64_t> previous_ns_;  // printed time of the previous event line (strict)
  // Lenient only: orders the event lines' times in place of the check of previous_ns_, so that
  // a single corrupt time costs its own line only (timestamp_resync.hpp).
  std::unique_ptr<detail::TimestampResync<Event>> resync_;
  bool last_fua_ = false, last_preflush_ = false;
  BlkparseTextCounters counters_;
};

}  // namespace flashtwin::models
