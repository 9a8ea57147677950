// ByteWindow: the buffered view of a ByteSource that the binary trace readers parse records from.
// Unread bytes are buffer[pos, end); base_offset is the input offset of buffer[0], so a record at
// buffer[i] sits at input offset base_offset + i (what error messages name). Internal to models/.
#pragma once

#include "byte_source.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace flashtwin::models::detail {

struct ByteWindow {
  explicit ByteWindow(std::size_t capacity) : buffer(capacity) {}
  std::vector<std::byte> buffer;
  std::size_t pos = 0;            // next unread byte
  std::size_t end = 0;            // end of the valid bytes
  std::uint64_t base_offset = 0;  // input offset of buffer[0]
  bool at_end = false;            // the source is exhausted

  // Makes at least `size` unread bytes available, moving the unread tail to the front of the
  // buffer first. Returns false when the input ends before that. A read error (or corrupt
  // compressed data) throws TraceError naming `name` and the offset, whatever the leniency.
  bool fill(ByteSource& source, std::size_t size, const std::string& name);
};

}  // namespace flashtwin::models::detail
