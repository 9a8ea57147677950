// BlktraceReader: a RequestStream over Linux blktrace binary traces (format: see
// shared/BLKTRACE_FORMAT.md beside the checkout). A trace is one file per CPU, NAME.blktrace.N;
// the reader merges them with a streaming k-way merge on (time, device, sequence), the order
// blkparse prints, holding one buffered reader per file and a heap of one head record per file:
// memory is constant whatever the trace length. Records equal in (time, device, sequence) come
// in the order of the files given.
//
// Files compressed with gzip or zstd (recognised by their first bytes, whatever their name) are
// decompressed on the fly; byte offsets in messages are then offsets in the decompressed data.
//
// Tar bundles (NAME.blktrace.tar.zst, .tar.gz, .tar; recognised by their content, a ustar header)
// are read in place, never extracted: a path that is one stands for its members named
// *.blktrace.N (in any folder of the archive; other members are ignored), ordered by N as an
// extracted folder's files are. The constructor lists the archive in one pass (src/
// tar_archive.hpp), keeping in memory each member no larger than what the archive's decompressor
// holds (a zstd window, e.g. 8 MiB); every larger member is read through its own handle and
// decompressor on the archive, read up to the member's data. Memory is thus bounded by the number
// of members times that window, never by the trace's length. Messages name
// "BUNDLE: member NAME: byte OFFSET" (OFFSET in the member's data), or "BUNDLE: byte OFFSET" (in
// the decompressed archive) for a bad tar header. A bundle without per-CPU members, a tar header
// whose checksum does not match, or a member cut short by the end of the archive is a TraceError,
// even when lenient.
//
// Each file is a concatenation of records (header + pdu_len bytes of payload, which is skipped):
// v7 (struct blk_io_trace, 48-byte header) or v8 (struct blk_io_trace2, 64-byte header, pid and
// action swapped, 64-bit action), dispatched on the version byte of each record's magic, so one
// file may mix them. A v8 action is mapped like a v7 one: action number in the low byte, category
// word from bit 16 (its low 16 bits are the v7 categories; WRITE_ZEROES, category bit 22, is a
// write). Its byte order is detected from the first record's magic; both orders are supported.
// The reader yields the queue events (Q, "the application request") by default, or the issue
// events (D, post-merge device requests) by option, as StreamRequests:
//   time_ns      = record time - time of the first event (non-notify record) of the whole
//                  trace, of any action and device: blkparse's relative time
//   offset_bytes = sector * 512 (device-relative), length_bytes = bytes
//   kind         = discard if DISCARD, else flush if FLUSH with 0 bytes, else write if WRITE,
//                  else read if bytes > 0; a no-data request that is not a flush is skipped
//                  (counted in no_data_skipped)
//   device       = kernel dev_t (major << 20 | minor)
// The FUA and preflush bits and the raw record of the last yielded request are available from
// last_fua(), last_preflush() and last_record(). Notify records (process names, timestamps,
// messages), SCSI pass-through (PC) events and the other actions are counted and skipped. The
// record's cpu field, never the file suffix, names the CPU.
//
// Completion pairing (option pair_completions): the reader keeps the observed device latency of
// each yielded request whose complete (C) event is in the trace, as last_latency_ns() after next().
// Rule (blkparse / fio practice): a yielded Q (or D) request pairs with the first later C event
// (not pass-through) of the same device, start sector and byte count that no earlier request took;
// latency = C time - request time. But a C that comes while two or more requests of that key are
// outstanding pairs with none of them: it cannot be told which it completes, and when C events
// are missing (a per-CPU file lost, events dropped) the oldest-first choice hands every re-read of
// a block its predecessor's completion: on the hadoop-datanode trace of ../shared/traces, whose
// CPU 2 file is missing, that made p99 7.2 s where the unambiguous pairs give 11 ms. Those
// requests stay unpaired, counted in completions_ambiguous. Requests stay yielded in issue order:
// the reader holds each one back until it is paired, or until a record more than pair_window_ns
// (trace time) after it has been read, or until more than max_pending requests are held (then the
// oldest goes, counted in pending_overflows), or until the trace ends; a request released without a
// pair has no latency (completions_unpaired) and a later C no longer pairs with it. A request
// merged into a larger one (M / F events) is completed under the merged range, so it stays
// unpaired. Memory: about 150 bytes per held request (~150 MB at the default max_pending). Without
// the option nothing is held and last_latency_ns() is always empty.
//
// Strict inputs: a truncated record, a bad magic, an unknown version, a payload running past the
// end of the file, a size out of range (bytes not a multiple of 512 or above max_request_bytes,
// an end sector beyond 2^64 bytes; notify and pass-through records are exempt) or a time going
// backwards within one file throw TraceError naming the file, the byte offset of the record and the
// reason. With `lenient`, such records are skipped and counted instead (after a bad magic or
// version the reader resynchronises on the next valid magic; after a truncation it stops reading
// that file; a single corrupt time, back or far ahead, costs that record only, not the rest of
// its file: src/timestamp_resync.hpp). Files that cannot be opened or read, and damaged compressed
// data, throw TraceError even when lenient.
//
// Not thread-safe; one reader per thread. Files are opened by the constructor and read lazily.
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::models {

// A malformed trace: the message is "FILE: byte OFFSET: reason".
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One blktrace v7 or v8 record header, decoded to host byte order (version = magic & 0xff).
struct BlktraceRecord {
  std::uint32_t magic = 0;
  std::uint32_t sequence = 0;
  std::uint64_t time_ns = 0;  // ktime (monotonic since boot) of the traced machine
  std::uint64_t sector = 0;
  std::uint32_t bytes = 0;
  std::uint64_t action = 0;  // low 16 bits: action (+ cgroup bit 8); from bit 16: categories
  std::uint32_t pid = 0;
  std::uint32_t device = 0;  // dev_t: major = device >> 20, minor = device & 0xFFFFF
  std::uint32_t cpu = 0;
  std::uint16_t error = 0;
  std::uint16_t pdu_len = 0;
};

// dev_t of a (major, minor) pair, as blktrace records it.
constexpr std::uint32_t blktrace_device(std::uint32_t major, std::uint32_t minor) {
  return (major << 20) | (minor & 0xFFFFFU);
}

struct BlktraceOptions {
  enum class Event : std::uint8_t { queue, issue };  // Q or D events
  Event event = Event::queue;
  // Only this dev_t's events (see blktrace_device); all devices if empty.
  std::optional<std::uint32_t> device;
  // Skip and count malformed records instead of throwing TraceError.
  bool lenient = false;
  // Larger requests are malformed (a single bio / request is far smaller in practice).
  std::uint64_t max_request_bytes = 256ULL << 20;
  // Pair requests with their completions (see the header comment) and its two bounds.
  bool pair_completions = false;
  std::uint64_t pair_window_ns = 10'000'000'000ULL;  // 10 s of trace time
  std::size_t max_pending = std::size_t{1} << 20;
};

// Lost events of one CPU of one device, from gaps in its record sequence numbers.
struct BlktraceSequenceGaps {
  std::uint32_t device = 0;
  std::uint32_t cpu = 0;
  std::uint64_t gaps = 0;         // places where sequence != previous + 1
  std::uint64_t lost_events = 0;  // sum of the missing sequence numbers
};

struct BlktraceCounters {
  std::uint64_t records_read = 0;      // well-formed records taken from the merge
  std::uint64_t requests_yielded = 0;  // StreamRequests returned by next()
  std::uint64_t notify_skipped = 0;    // notify records (process, timestamp, message)
  std::uint64_t other_skipped = 0;     // known actions not selected, PC events, other devices
  std::uint64_t unknown_actions = 0;   // action numbers not in the record version's table
  std::uint64_t no_data_skipped = 0;   // selected events with no data that are not a flush
  std::uint64_t corrupt_skipped = 0;   // malformed records skipped (lenient only)
  std::vector<BlktraceSequenceGaps> sequence_gaps;  // one entry per (device, cpu) seen
  // With pair_completions: yielded requests with / without a latency, and of the latter those
  // whose C came while another request of the same key was outstanding (ambiguous), and those
  // released early because more than max_pending requests were held.
  std::uint64_t completions_paired = 0;
  std::uint64_t completions_unpaired = 0;
  std::uint64_t completions_ambiguous = 0;
  std::uint64_t pending_overflows = 0;
  // CPU numbers N missing from a set of per-CPU files or bundle members NAME.blktrace.N (between
  // 0 and the highest one read): events recorded on those CPUs are absent from the trace, which
  // is read anyway.
  std::vector<unsigned> missing_cpu_files;
};

namespace detail {
class BlktraceFile;
class BlktracePairing;
}  // namespace detail

class BlktraceReader final : public RequestStream {
 public:
  // Reads the given files (any order; an empty file is an empty CPU); a tar bundle among them
  // stands for its NAME.blktrace.N members. Throws TraceError if a file cannot be opened, a
  // bundle is malformed or holds no such member, or a first record is malformed (strict mode).
  explicit BlktraceReader(std::vector<std::filesystem::path> files, BlktraceOptions options = {});
  ~BlktraceReader() override;
  BlktraceReader(const BlktraceReader&) = delete;
  BlktraceReader& operator=(const BlktraceReader&) = delete;

  // The per-CPU files PREFIX.blktrace.N that exist, in CPU-number order (gaps allowed and
  // reported in counters().missing_cpu_files). Throws TraceError if there is none.
  static std::vector<std::filesystem::path> cpu_files(const std::filesystem::path& prefix);
  // True if `path` is a tar bundle (plain, gzip or zstd; recognised by its content) that the
  // constructor would expand into its per-CPU members.
  static bool is_bundle(const std::filesystem::path& path);

  bool next(StreamRequest& out) override;
  std::string describe() const override;

  BlktraceCounters counters() const;
  // The record behind the last request next() returned, and its FUA / preflush bits.
  const BlktraceRecord& last_record() const { return last_; }
  bool last_fua() const;
  bool last_preflush() const;
  // The observed device latency (C time - request time) of the last request next() returned, if
  // pair_completions is on and its completion was found; empty otherwise.
  std::optional<std::int64_t> last_latency_ns() const { return last_latency_; }

 private:
  struct Head {  // the next record of one file, ordered as blkparse sorts
    std::uint64_t time_ns;
    std::uint32_t device;
    std::uint32_t sequence;
    std::size_t file;
    bool operator>(const Head& other) const;
  };

  void advance(std::size_t file);
  // Opens the per-CPU members of a tar bundle, appending their names to `names`.
  void open_bundle(const std::filesystem::path& bundle, std::vector<std::string>& names);
  void note_missing_cpu_files(const std::vector<std::string>& names);
  // Takes the next record of the merge into `record`; false at the end of the trace.
  bool pull(BlktraceRecord& record);
  bool next_paired(StreamRequest& out);
  void note_sequence(const BlktraceRecord& record);
  // Classifies a record; true (with `out` filled) if it is a request to yield.
  bool to_request(const BlktraceRecord& record, StreamRequest& out);

  BlktraceOptions options_;
  std::string origin_;  // what was read, for describe(): "N file(s) from F" or a bundle
  std::vector<std::unique_ptr<detail::BlktraceFile>> files_;
  std::vector<BlktraceRecord> heads_;  // heads_[i]: the next record of files_[i]
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heap_;
  std::optional<std::uint64_t> genesis_ns_;
  BlktraceRecord last_;
  std::optional<std::int64_t> last_latency_;
  std::unique_ptr<detail::BlktracePairing> pairing_;  // with pair_completions only
  std::uint64_t latest_ns_ = 0;                       // time of the last record pulled
  BlktraceCounters counters_;
  std::vector<std::uint32_t> last_sequence_;  // parallel to counters_.sequence_gaps
};

}  // namespace flashtwin::models
