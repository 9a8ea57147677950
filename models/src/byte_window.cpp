#include "byte_window.hpp"

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError

#include <cstring>
#include <stdexcept>

namespace flashtwin::models::detail {

bool ByteWindow::fill(ByteSource& source, std::size_t size, const std::string& name) {
  if (end - pos >= size) return true;
  std::memmove(buffer.data(), buffer.data() + pos, end - pos);
  base_offset += pos;
  end -= pos;
  pos = 0;
  while (end < size && !at_end) {
    std::size_t got = 0;
    try {
      got = source.read(buffer.data() + end, buffer.size() - end);
    } catch (const std::runtime_error& error) {
      throw TraceError(name + ": byte " + std::to_string(base_offset + end) + ": " + error.what());
    }
    if (got == 0) at_end = true;
    end += got;
  }
  return end >= size;
}

}  // namespace flashtwin::models::detail
