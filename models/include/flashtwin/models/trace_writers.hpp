// TraceWriter: writes a stream of StreamRequests as a trace file that the matching reader reads
// back (within the format's resolution), for converting traces between formats. Formats:
//
//   csv       flashtwin's plain CSV (see csv_trace_reader.hpp) with the header
//             "time_us,op,offset,length,device"; time in microseconds with 3 decimals (exact),
//             op R, W, F or D. Every request is representable.
//   vscsi     VMware vscsi v1 (see vscsi_reader.hpp): 32-byte little-endian records, sn from 0,
//             nSG 1, opcode 0x28 (READ(10)) or 0x2a (WRITE(10)), version 0x0100, lbn in 512-byte
//             sectors, ts_us = time_ns / 1000 (microseconds, rounded down). Flushes and discards
//             cannot be represented: write() skips them and returns false. The device is dropped.
//   blktrace  one blktrace v7 file (see blktrace_reader.hpp) of queue (Q) events only: 48-byte
//             little-endian records, cpu 0, sequence from 1, time = time_ns, pid 0, no payload,
//             device = the request's device as a dev_t (major << 20 | minor); action = QUEUE with
//             the categories QUEUE plus READ, WRITE, WRITE|DISCARD (discard) or WRITE|FLUSH
//             (flush, 0 bytes) as the kernel sets them. Lengths are whole sectors.
//
// Sector-based formats (vscsi, blktrace) address 512-byte sectors: a request whose offset (or,
// for blktrace, length) is not a multiple of 512 is widened to the whole sectors that cover it
// and counted in `widened`. A length above 2^32 - 1 bytes (after widening) does not fit either
// format and throws TraceError.
//
// Output goes to "OUT.tmp", renamed to OUT by finish(): a writer destroyed without finish()
// (after an error) removes the temporary file and leaves OUT as it was. Failures to create, write
// or rename the file throw TraceError naming it.
#pragma once

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError
#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

struct TraceWriterCounters {
  std::uint64_t written = 0;  // requests written
  std::uint64_t skipped = 0;  // requests the format cannot represent (write() returned false)
  std::uint64_t widened = 0;  // requests widened to whole 512-byte sectors
};

class TraceWriter {
 public:
  // Creates OUT.tmp; throws TraceError if it cannot.
  explicit TraceWriter(const std::filesystem::path& out);
  virtual ~TraceWriter();
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  // Writes one request (requests come in stream order); returns false if the format cannot
  // represent it (then nothing is written and `skipped` counts it).
  bool write(const StreamRequest& request);
  // Flushes and renames OUT.tmp to OUT. Call once, after the last write().
  void finish();

  const TraceWriterCounters& counters() const { return counters_; }
  const std::filesystem::path& path() const { return out_; }

 protected:
  // Writes `request` in the format; false if it cannot be represented.
  virtual bool encode(const StreamRequest& request) = 0;
  void put(const void* bytes, std::size_t size);
  void put(std::string_view text) { put(text.data(), text.size()); }
  TraceWriterCounters counters_;

 private:
  std::filesystem::path out_;
  std::filesystem::path temporary_;
  std::ofstream file_;
  bool finished_ = false;
};

// A writer for `format` (one of trace_writer_formats()); throws std::invalid_argument for an
// unknown format and TraceError if OUT.tmp cannot be created.
std::unique_ptr<TraceWriter> make_trace_writer(std::string_view format,
                                               const std::filesystem::path& out);
std::vector<std::string> trace_writer_formats();

}  // namespace flashtwin::models
