// VscsiReader: a RequestStream over VMware vscsi v1 traces (the CloudPhysics format). A trace is a
// concatenation of 32-byte little-endian records:
//   u32 sn, u32 len_bytes, u32 nSG, u16 scsi_opcode, u16 version (0x0100), u64 lbn, u64 ts_us
// where lbn counts 512-byte sectors and ts_us is microseconds. The reader streams the file
// through a fixed buffer: memory is constant whatever the trace length. Files compressed with
// gzip or zstd (recognised by their first bytes) are decompressed on the fly; byte offsets in
// messages are then offsets in the decompressed data.
//
// Records become StreamRequests:
//   time_ns      = (ts_us - ts_us of the first yielded request) * 1000
//   offset_bytes = lbn * 512, length_bytes = len_bytes, device = 0
//   kind         = read for READ(6/10/12/16) (0x08, 0x28, 0xa8, 0x88), write for
//                  WRITE(6/10/12/16) (0x0a, 0x2a, 0xaa, 0x8a)
// Other opcodes are counted (other_opcodes) and skipped, as are reads and writes of 0 bytes
// (no_data_skipped).
//
// Strict inputs: a truncated record (the file ends inside one), a version other than 0x0100, an
// lbn whose byte offset plus length exceeds 2^64, or a time going backwards (before the previous
// well-formed record's) throw TraceError "FILE: byte OFFSET: reason" naming the record's first
// byte. With `lenient`, such records are skipped and counted in corrupt_skipped (a truncation
// ends the stream); a single corrupt time, back or far ahead, costs only its own record
// (src/timestamp_resync.hpp). Files that cannot be opened or read, and damaged compressed data,
// throw TraceError even when lenient.
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
#include <vector>

namespace flashtwin::models {

class ByteSource;
namespace detail {
struct ByteWindow;
template <class Record>
class TimestampResync;
}  // namespace detail

// One vscsi v1 record, decoded.
struct VscsiRecord {
  std::uint32_t serial = 0;  // sn
  std::uint32_t length_bytes = 0;
  std::uint32_t scatter_gather = 0;  // nSG
  std::uint16_t opcode = 0;          // SCSI command
  std::uint16_t version = 0;
  std::uint64_t lbn = 0;  // 512-byte sectors
  std::uint64_t time_us = 0;
};

struct VscsiOptions {
  // Skip and count malformed records instead of throwing TraceError.
  bool lenient = false;
};

struct VscsiCounters {
  std::uint64_t records_read = 0;      // well-formed records
  std::uint64_t requests_yielded = 0;  // StreamRequests returned by next()
  std::uint64_t reads = 0;             // of which reads
  std::uint64_t writes = 0;            // of which writes
  std::uint64_t other_opcodes = 0;     // well-formed records that are neither read nor write
  std::uint64_t no_data_skipped = 0;   // reads / writes of 0 bytes
  std::uint64_t corrupt_skipped = 0;   // malformed records skipped (lenient only)
};

class VscsiReader final : public RequestStream {
 public:
  static constexpr std::size_t kRecordBytes = 32;
  static constexpr std::uint16_t kVersion = 0x0100;

  // Throws TraceError if the file cannot be opened.
  explicit VscsiReader(const std::filesystem::path& file, VscsiOptions options = {});
  ~VscsiReader() override;
  VscsiReader(const VscsiReader&) = delete;
  VscsiReader& operator=(const VscsiReader&) = delete;

  bool next(StreamRequest& out) override;
  std::string describe() const override;

  const VscsiCounters& counters() const { return counters_; }
  // The record behind the last request next() returned.
  const VscsiRecord& last_record() const { return last_; }

 private:
  // Makes one whole record available at window_->pos; false at the end (or after a truncation).
  bool fill_record();
  // Throws TraceError, or (lenient) counts the record as skipped.
  void reject(std::uint64_t at, const std::string& reason);
  // A record and its byte offset.
  struct Located {
    VscsiRecord record;
    std::uint64_t at = 0;
  };
  // The next record with a good version and lbn (and, strict, in time order); false at the end.
  bool next_record(Located& out);
  // Checks the record's time range, counts it and classifies it; true with `out` set if it is a
  // request to yield.
  bool accept(const Located& located, StreamRequest& out);

  std::string name_;
  VscsiOptions options_;
  std::unique_ptr<ByteSource> source_;
  std::unique_ptr<detail::ByteWindow> window_;  // the file's bytes, buffered
  std::optional<std::uint64_t> previous_us_;    // time of the previous record (strict)
  std::optional<std::uint64_t> genesis_us_;     // time of the first yielded request
  // Lenient only: orders the records' times in place of the check of previous_us_
  // (timestamp_resync.hpp).
  std::unique_ptr<detail::TimestampResync<Located>> resync_;
  VscsiRecord last_;
  VscsiCounters counters_;
};

}  // namespace flashtwin::models
