// TraceLines: reads a text trace one line at a time through a fixed buffer (memory does not grow
// with the file), for the text trace readers (CSV, blkparse output, MSR Cambridge). Input may be
// plain, gzip or zstd (see byte_source.hpp). Lines end with "\n" (a "\r" before it is dropped);
// the last line needs no terminator. Each line comes with its 1-based number and the byte offset
// of its first byte (in the decompressed data), for TraceError messages. Not thread-safe.
#pragma once

#include "byte_source.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models::detail {

class TraceLines {
 public:
  enum class Result : std::uint8_t { line, too_long, end };

  // Opens `path`; throws TraceError if it cannot. Lines longer than `max_line_bytes` are
  // reported as too_long.
  explicit TraceLines(const std::filesystem::path& path, std::size_t max_line_bytes = 4096);

  // Reads the next line into `line` (valid until the next call) and returns Result::line; or
  // skips a line longer than the maximum and returns too_long (number() and offset() name it);
  // or returns end, and keeps returning it. Throws TraceError on a read error or damaged
  // compressed data.
  Result next(std::string_view& line);

  const std::string& name() const { return name_; }
  std::uint64_t number() const { return number_; }  // of the last line returned
  std::uint64_t offset() const { return offset_; }  // of the last line returned

  // "FILE: byte OFFSET (line N): reason", where OFFSET = offset() + column.
  std::string message(std::size_t column, const std::string& reason) const;

 private:
  // Reads more bytes after end_ (compacting first); false at the end of the input.
  bool read_more();

  std::string name_;
  std::size_t max_line_bytes_;
  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t base_offset_ = 0;  // file offset of buffer_[0]
  bool at_end_ = false;
  std::uint64_t number_ = 0;
  std::uint64_t offset_ = 0;
};

// Splits `line` at `separator` into at most `max_fields` fields with spaces and tabs trimmed;
// returns the number of fields found (possibly more than max_fields, the rest not stored), each
// field's column in `columns`.
std::size_t split_fields(std::string_view line, char separator, std::string_view* fields,
                         std::size_t* columns, std::size_t max_fields);

// Parses a whole field as a decimal unsigned integer; false if it is not one or overflows.
bool parse_unsigned(std::string_view text, std::uint64_t& value);

// Parses a whole field "I" or "I.F" (F at most `fraction_digits` digits) as the integer
// I * 10^fraction_digits + F (F right-padded with zeros): "12.5" with 3 digits is 12500. False if
// malformed or above the int64 range.
bool parse_fixed_point(std::string_view text, unsigned fraction_digits, std::int64_t& value);

}  // namespace flashtwin::models::detail
