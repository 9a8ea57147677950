// BlktraceFile: reads the records of one blktrace file in order, through a fixed buffer (memory
// does not grow with the file). Detects the file's byte order from its first magic, checks each
// record (framing, version, sizes, time order within the file) and either throws TraceError
// ("FILE: byte OFFSET: reason") or, when lenient, skips the bad record and counts it.
// Not thread-safe.
#pragma once

#include "byte_source.hpp"
#include "byte_window.hpp"
#include "flashtwin/models/blktrace_reader.hpp"
#include "timestamp_resync.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace flashtwin::models::detail {

class BlktraceFile {
 public:
  BlktraceFile(const std::filesystem::path& path, bool lenient, std::uint64_t max_request_bytes);
  // Reads `source` (e.g. a member of a tar bundle); `name` stands for the file in messages.
  BlktraceFile(std::unique_ptr<ByteSource> source, std::string name, bool lenient,
               std::uint64_t max_request_bytes);

  // Reads the next well-formed record into `out`; false at the end of the file. Lenient, a
  // record whose time breaks the file's order is dropped by a TimestampResync (one record, back
  // or far ahead, not the rest of the file).
  bool next(BlktraceRecord& out);

  const std::string& name() const { return name_; }
  std::uint64_t corrupt_skipped() const { return corrupt_skipped_; }

 private:
  enum class Order : std::uint8_t { unknown, little, big };
  // Makes `size` bytes available from window_.pos (size <= capacity); false if the file ends.
  bool fill(std::size_t size) { return window_.fill(*source_, size, name_); }
  // Fields at window_.buffer[at] in the file's byte order (unknown reads as little-endian).
  std::uint64_t load(std::size_t at, std::size_t size) const;
  std::uint32_t u32(std::size_t at) const;
  std::uint64_t u64(std::size_t at) const;
  std::uint16_t u16(std::size_t at) const;
  std::uint64_t offset() const { return window_.base_offset + window_.pos; }
  // Throws TraceError, or (lenient) counts the record as skipped.
  void reject(std::uint64_t at, const std::string& reason);
  // After a bad magic: moves to the next byte offset that holds a valid v7 or v8 magic.
  void resynchronise();
  // Header size of the record at window_.buffer[at]: 64 if it starts with a v8 magic, else 48.
  std::size_t header_bytes_at(std::size_t at) const;
  // Decodes the header at window_.pos (magic already read and checked) by its version's layout.
  void decode(std::uint32_t magic, BlktraceRecord& record) const;
  bool valid_magic_at(std::size_t at) const;
  // The size / time checks; returns the reason a record is malformed, empty if well-formed.
  std::string check(const BlktraceRecord& record) const;
  // next() without the resync.
  bool next_checked(BlktraceRecord& out);

  std::string name_;
  bool lenient_;
  std::uint64_t max_request_bytes_;
  std::unique_ptr<ByteSource> source_;
  ByteWindow window_;
  Order order_ = Order::unknown;
  std::uint64_t last_time_ns_ = 0;  // time of the previous well-formed record (strict)
  std::uint64_t corrupt_skipped_ = 0;
  TimestampResync<BlktraceRecord> resync_;  // lenient only
};

}  // namespace flashtwin::models::detail
