// BlktraceFile: buffered, checked reading of one blktrace file's records.
#include "blktrace_file.hpp"

#include "blktrace_format.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

namespace flashtwin::models::detail {
namespace {

// Holds the largest record (64-byte header + 65535-byte payload) with room to spare.
constexpr std::size_t kBufferBytes = std::size_t{1} << 17;

std::string hex(std::uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*x", digits, value);
  return text;
}

bool is_magic(std::uint32_t value) {
  return (value & blktrace::kMagicMask) == blktrace::kMagic;
}

bool known_version(std::uint32_t magic) {
  const std::uint32_t version = magic & 0xff;
  return version == blktrace::kVersion || version == blktrace::kVersion2;
}

}  // namespace

BlktraceFile::BlktraceFile(const std::filesystem::path& path, bool lenient,
                           std::uint64_t max_request_bytes)
    : name_(path.string()),
      lenient_(lenient),
      max_request_bytes_(max_request_bytes),
      window_(kBufferBytes) {
  try {
    source_ = open_byte_source(path);
  } catch (const std::runtime_error& error) {
    throw TraceError(error.what());
  }
}

BlktraceFile::BlktraceFile(std::unique_ptr<ByteSource> source, std::string name, bool lenient,
                           std::uint64_t max_request_bytes)
    : name_(std::move(name)),
      lenient_(lenient),
      max_request_bytes_(max_request_bytes),
      source_(std::move(source)),
      window_(kBufferBytes) {}

std::uint64_t BlktraceFile::load(std::size_t at, std::size_t size) const {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t byte = order_ == Order::big ? i : size - 1 - i;
    value = (value << 8) | std::to_integer<std::uint64_t>(window_.buffer[at + byte]);
  }
  return value;
}

std::uint32_t BlktraceFile::u32(std::size_t at) const {
  return static_cast<std::uint32_t>(load(at, 4));
}

std::uint64_t BlktraceFile::u64(std::size_t at) const {
  return load(at, 8);
}

std::uint16_t BlktraceFile::u16(std::size_t at) const {
  return static_cast<std::uint16_t>(load(at, 2));
}

void BlktraceFile::reject(std::uint64_t at, const std::string& reason) {
  if (!lenient_) {
    throw TraceError(name_ + ": byte " + std::to_string(at) + ": " + reason);
  }
  ++corrupt_skipped_;
}

bool BlktraceFile::valid_magic_at(std::size_t at) const {
  const std::uint32_t value = u32(at);
  return is_magic(value) && known_version(value);
}

std::size_t BlktraceFile::header_bytes_at(std::size_t at) const {
  if (window_.end - at < 4) return blktrace::kHeaderBytes;
  std::uint32_t value = u32(at);
  if (order_ == Order::unknown && !is_magic(value)) value = __builtin_bswap32(value);
  return is_magic(value) && (value & 0xff) == blktrace::kVersion2 ? blktrace::kHeader2Bytes
                                                                  : blktrace::kHeaderBytes;
}

void BlktraceFile::resynchronise() {
  ++window_.pos;
  while (fill(4)) {
    if (order_ == Order::unknown) {
      // Still looking for the first valid record: either byte order will do.
      for (const Order order : {Order::little, Order::big}) {
        order_ = order;
        if (valid_magic_at(window_.pos)) return;
      }
      order_ = Order::unknown;
    } else if (valid_magic_at(window_.pos)) {
      return;
    }
    ++window_.pos;
  }
  window_.pos = window_.end;  // fewer than 4 bytes left: nothing more to find
}

std::string BlktraceFile::check(const BlktraceRecord& record) const {
  const bool notify = (record.action & blktrace::kNotify) != 0;
  const bool pass_through = (record.action & blktrace::kPassThrough) != 0;
  if (!notify && !pass_through) {
    if (record.bytes % blktrace::kSectorBytes != 0) {
      return "bytes " + std::to_string(record.bytes) + " not a multiple of 512";
    }
    if (record.bytes > max_request_bytes_) {
      return "bytes " + std::to_string(record.bytes) + " above the maximum " +
             std::to_string(max_request_bytes_);
    }
    const std::uint64_t max_sector =
        (std::numeric_limits<std::uint64_t>::max() - record.bytes) / blktrace::kSectorBytes;
    if (record.sector > max_sector) {
      return "sector " + std::to_string(record.sector) + " out of range";
    }
  }
  if (!lenient_ && record.time_ns < last_time_ns_) {  // lenient: next() resynchronises
    return "time " + std::to_string(record.time_ns) + " ns goes back before the previous " +
           std::to_string(last_time_ns_) + " ns";
  }
  return {};
}

void BlktraceFile::decode(std::uint32_t magic, BlktraceRecord& record) const {
  record.magic = magic;
  record.sequence = u32(window_.pos + 4);
  record.time_ns = u64(window_.pos + 8);
  record.sector = u64(window_.pos + 16);
  record.bytes = u32(window_.pos + 24);
  if ((magic & 0xff) == blktrace::kVersion2) {  // struct blk_io_trace2
    record.pid = u32(window_.pos + 28);
    record.action = u64(window_.pos + 32);
    record.device = u32(window_.pos + 40);
    record.cpu = u32(window_.pos + 44);
    record.error = u16(window_.pos + 48);
    record.pdu_len = u16(window_.pos + 50);
  } else {  // struct blk_io_trace
    record.action = u32(window_.pos + 28);
    record.pid = u32(window_.pos + 32);
    record.device = u32(window_.pos + 36);
    record.cpu = u32(window_.pos + 40);
    record.error = u16(window_.pos + 44);
    record.pdu_len = u16(window_.pos + 46);
  }
}

bool BlktraceFile::next(BlktraceRecord& out) {
  if (!lenient_) return next_checked(out);
  BlktraceRecord record;
  while (next_checked(record)) {
    const std::uint64_t dropped = resync_.dropped();
    const bool ready = resync_.push(record.time_ns, record, out);
    corrupt_skipped_ += resync_.dropped() - dropped;
    if (ready) return true;
  }
  return resync_.finish(out);
}

bool BlktraceFile::next_checked(BlktraceRecord& out) {
  for (;;) {
    const std::uint64_t at = offset();
    fill(blktrace::kHeader2Bytes);  // may stop short at the end of the file
    const std::size_t header = header_bytes_at(window_.pos);
    if (window_.end - window_.pos < header) {
      const std::size_t left = window_.end - window_.pos;
      if (left == 0) return false;
      reject(at, "truncated record: " + std::to_string(left) + " of " + std::to_string(header) +
                     " header bytes");
      window_.pos = window_.end;
      return false;
    }
    if (order_ == Order::unknown) {
      order_ = Order::little;
      if (!is_magic(u32(window_.pos))) {
        order_ = Order::big;
        if (!is_magic(u32(window_.pos))) {
          order_ = Order::little;
          const std::uint32_t shown = u32(window_.pos);
          order_ = Order::unknown;
          reject(at, "bad magic " + hex(shown, 8));
          resynchronise();
          continue;
        }
      }
    }
    const std::uint32_t magic = u32(window_.pos);
    if (!is_magic(magic)) {
      reject(at, "bad magic " + hex(magic, 8));
      resynchronise();
      continue;
    }
    if (!known_version(magic)) {
      reject(at, "unknown version " + hex(magic & 0xff, 2));
      resynchronise();
      continue;
    }
    BlktraceRecord record;
    decode(magic, record);
    if (!fill(header + record.pdu_len)) {
      reject(at, "payload of " + std::to_string(record.pdu_len) +
                     " bytes runs past the end of the file (" +
                     std::to_string(window_.end - window_.pos - header) + " left)");
      window_.pos = window_.end;
      return false;
    }
    window_.pos += header + record.pdu_len;
    const std::string reason = check(record);
    if (!reason.empty()) {
      reject(at, reason);
      continue;
    }
    last_time_ns_ = record.time_ns;
    out = record;
    return true;
  }
}

}  // namespace flashtwin::models::detail
