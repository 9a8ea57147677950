// VscsiReader: buffered, checked reading of VMware vscsi v1 records.
#include "flashtwin/models/vscsi_reader.hpp"

#include "byte_source.hpp"
#include "byte_window.hpp"
#include "timestamp_resync.hpp"

#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace flashtwin::models {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 16;  // a multiple of kRecordBytes
constexpr std::uint64_t kSectorBytes = 512;

std::uint64_t little_endian(const std::byte* at, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = size; i-- > 0;)
    value = (value << 8) | std::to_integer<std::uint64_t>(at[i]);
  return value;
}

std::string hex(std::uint32_t value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%0*x", digits, value);
  return text;
}

// The direction of a SCSI READ / WRITE command, if it is one.
std::optional<engine::IoKind> direction(std::uint16_t opcode) {
  switch (opcode) {
    case 0x08:
    case 0x28:
    case 0xa8:
    case 0x88:
      return engine::IoKind::read;
    case 0x0a:
    case 0x2a:
    case 0xaa:
    case 0x8a:
      return engine::IoKind::write;
    default:
      return std::nullopt;
  }
}

}  // namespace

VscsiReader::VscsiReader(const std::filesystem::path& file, VscsiOptions options)
    : name_(file.string()),
      options_(options),
      window_(std::make_unique<detail::ByteWindow>(kBufferBytes)) {
  try {
    source_ = open_byte_source(file);
  } catch (const std::runtime_error& error) {
    throw TraceError(error.what());
  }
  if (options_.lenient) resync_ = std::make_unique<detail::TimestampResync<Located>>();
}

VscsiReader::~VscsiReader() = default;

bool VscsiReader::fill_record() {
  if (window_->fill(*source_, kRecordBytes, name_)) return true;
  if (window_->end > 0) {
    reject(window_->base_offset,
           "truncated record: " + std::to_string(window_->end) + " of 32 bytes");
    window_->base_offset += window_->end;
    window_->end = 0;
  }
  return false;
}

void VscsiReader::reject(std::uint64_t at, const std::string& reason) {
  if (!options_.lenient) {
    throw TraceError(name_ + ": byte " + std::to_string(at) + ": " + reason);
  }
  ++counters_.corrupt_skipped;
}

bool VscsiReader::next(StreamRequest& out) {
  Located located;
  if (!resync_) {
    while (next_record(located)) {
      if (accept(located, out)) return true;
    }
    return false;
  }
  Located ready;
  while (next_record(located)) {
    const std::uint64_t dropped = resync_->dropped();
    const bool emitted = resync_->push(located.record.time_us, located, ready);
    counters_.corrupt_skipped += resync_->dropped() - dropped;
    if (emitted && accept(ready, out)) return true;
  }
  while (resync_->finish(ready)) {
    if (accept(ready, out)) return true;
  }
  return false;
}

bool VscsiReader::next_record(Located& out) {
  while (fill_record()) {
    const std::uint64_t at = window_->base_offset + window_->pos;
    const std::byte* bytes = window_->buffer.data() + window_->pos;
    window_->pos += kRecordBytes;
    VscsiRecord& record = out.record;
    out.at = at;
    record.serial = static_cast<std::uint32_t>(little_endian(bytes, 4));
    record.length_bytes = static_cast<std::uint32_t>(little_endian(bytes + 4, 4));
    record.scatter_gather = static_cast<std::uint32_t>(little_endian(bytes + 8, 4));
    record.opcode = static_cast<std::uint16_t>(little_endian(bytes + 12, 2));
    record.version = static_cast<std::uint16_t>(little_endian(bytes + 14, 2));
    record.lbn = little_endian(bytes + 16, 8);
    record.time_us = little_endian(bytes + 24, 8);
    if (record.version != kVersion) {
      reject(at, "bad version " + hex(record.version, 4) + " (expected 0x0100)");
      continue;
    }
    const std::uint64_t max_lbn =
        (std::numeric_limits<std::uint64_t>::max() - record.length_bytes) / kSectorBytes;
    if (record.lbn > max_lbn) {
      reject(at, "lbn " + std::to_string(record.lbn) + " out of range");
      continue;
    }
    if (!resync_ && previous_us_ && record.time_us < *previous_us_) {
      reject(at, "time " + std::to_string(record.time_us) + " us goes back before the previous " +
                     std::to_string(*previous_us_) + " us");
      continue;
    }
    return true;
  }
  return false;
}

bool VscsiReader::accept(const Located& located, StreamRequest& out) {
  const VscsiRecord& record = located.record;
  const std::uint64_t since_start = record.time_us - genesis_us_.value_or(record.time_us);
  if (since_start > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 1000) {
    reject(located.at, "time " + std::to_string(record.time_us) + " us out of range");
    return false;
  }
  previous_us_ = record.time_us;
  ++counters_.records_read;
  const std::optional<engine::IoKind> kind = direction(record.opcode);
  if (!kind) {
    ++counters_.other_opcodes;
    return false;
  }
  if (record.length_bytes == 0) {
    ++counters_.no_data_skipped;
    return false;
  }
  if (!genesis_us_) genesis_us_ = record.time_us;
  out.time_ns = static_cast<std::int64_t>((record.time_us - *genesis_us_) * 1000);
  out.kind = *kind;
  out.offset_bytes = record.lbn * kSectorBytes;
  out.length_bytes = record.length_bytes;
  out.device = 0;
  ++(*kind == engine::IoKind::read ? counters_.reads : counters_.writes);
  ++counters_.requests_yielded;
  last_ = record;
  return true;
}

std::string VscsiReader::describe() const {
  return "vscsi v1 trace " + name_;
}

}  // namespace flashtwin::models
