// TraceLines: buffered line reading for the text trace readers.
#include "trace_lines.hpp"

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace flashtwin::models::detail {

TraceLines::TraceLines(const std::filesystem::path& path, std::size_t max_line_bytes)
    : name_(path.string()),
      max_line_bytes_(max_line_bytes),
      buffer_(std::max<std::size_t>(max_line_bytes + 1, 1U << 16)) {
  try {
    source_ = open_byte_source(path);
  } catch (const std::runtime_error& error) {
    throw TraceError(error.what());
  }
}

bool TraceLines::read_more() {
  if (at_end_) return false;
  if (end_ == buffer_.size()) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    base_offset_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  std::size_t got = 0;
  try {
    got = source_->read(reinterpret_cast<std::byte*>(buffer_.data() + end_), buffer_.size() - end_);
  } catch (const std::runtime_error& error) {
    throw TraceError(name_ + ": byte " + std::to_string(base_offset_ + end_) + ": " + error.what());
  }
  if (got == 0) at_end_ = true;
  end_ += got;
  return got > 0;
}

TraceLines::Result TraceLines::next(std::string_view& line) {
  std::size_t scanned = pos_;  // bytes before this are known not to be '\n'
  for (;;) {
    const char* begin = buffer_.data() + pos_;
    const void* found = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    const std::size_t length =
        found != nullptr ? static_cast<std::size_t>(static_cast<const char*>(found) - begin)
                         : end_ - pos_;
    if (length > max_line_bytes_) {
      // Skip to the end of the line, reading on as needed.
      ++number_;
      offset_ = base_offset_ + pos_;
      while (found == nullptr) {
        base_offset_ += end_;  // drop every buffered byte of the line
        pos_ = end_ = 0;
        if (!read_more()) return Result::too_long;
        found = std::memchr(buffer_.data(), '\n', end_);
      }
      pos_ = static_cast<std::size_t>(static_cast<const char*>(found) - buffer_.data()) + 1;
      return Result::too_long;
    }
    if (found != nullptr || (at_end_ && length > 0)) {
      ++number_;
      offset_ = base_offset_ + pos_;
      std::size_t size = length;
      if (size > 0 && begin[size - 1] == '\r') --size;
      line = std::string_view(begin, size);
      pos_ += length + (found != nullptr ? 1 : 0);
      return Result::line;
    }
    if (at_end_) return Result::end;
    const std::size_t before = pos_;
    scanned = end_;
    read_more();
    scanned -= before - pos_;  // the buffer may have moved down by `before - pos_`
  }
}

std::string TraceLines::message(std::size_t column, const std::string& reason) const {
  return name_ + ": byte " + std::to_string(offset_ + column) + " (line " +
         std::to_string(number_) + "): " + reason;
}

std::size_t split_fields(std::string_view line, char separator, std::string_view* fields,
                         std::size_t* columns, std::size_t max_fields) {
  std::size_t count = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t stop = std::min(line.find(separator, start), line.size());
    std::size_t first = start, last = stop;
    while (first < last && (line[first] == ' ' || line[first] == '\t'))
      ++first;
    while (last > first && (line[last - 1] == ' ' || line[last - 1] == '\t'))
      --last;
    if (count < max_fields) {
      fields[count] = line.substr(first, last - first);
      columns[count] = first;
    }
    ++count;
    if (stop == line.size()) return count;
    start = stop + 1;
  }
}

bool parse_unsigned(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.front() < '0' || text.front() > '9') return false;  // no sign
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parse_fixed_point(std::string_view text, unsigned fraction_digits, std::int64_t& value) {
  const std::size_t dot = text.find('.');
  std::uint64_t whole = 0, fraction = 0;
  if (!parse_unsigned(text.substr(0, dot), whole)) return false;
  std::uint64_t scale = 1;
  for (unsigned i = 0; i < fraction_digits; ++i)
    scale *= 10;
  if (dot != std::string_view::npos) {
    const std::string_view digits = text.substr(dot + 1);
    if (digits.size() > fraction_digits || !parse_unsigned(digits, fraction)) return false;
    for (std::size_t i = digits.size(); i < fraction_digits; ++i)
      fraction *= 10;
  }
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (whole > (max - fraction) / scale) return false;
  value = static_cast<std::int64_t>(whole * scale + fraction);
  return true;
}

}  // namespace flashtwin::models::detail
