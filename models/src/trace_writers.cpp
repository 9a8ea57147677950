// Trace writers: plain CSV, VMware vscsi v1 and blktrace v7 queue events.
#include "flashtwin/models/trace_writers.hpp"

#include <array>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t kSectorBytes = 512;

// Appends `value` to `bytes` at `at` as `size` little-endian bytes.
template <std::size_t N>
void little_endian(std::array<unsigned char, N>& bytes, std::size_t at, std::uint64_t value,
                   std::size_t size) {
  for (std::size_t i = 0; i < size; ++i)
    bytes[at + i] = static_cast<unsigned char>(value >> (8 * i));
}

// The whole sectors covering a request: first sector and length in bytes. `cover_length` widens
// the length to whole sectors too; `widened` says whether anything changed.
struct SectorRange {
  std::uint64_t sector = 0;
  std::uint64_t length_bytes = 0;
  bool widened = false;
};

SectorRange sectors_of(const StreamRequest& request, bool cover_length, const char* format,
                       const std::filesystem::path& out) {
  SectorRange range;
  range.sector = request.offset_bytes / kSectorBytes;
  const std::uint64_t head = request.offset_bytes % kSectorBytes;
  range.length_bytes = request.length_bytes + head;
  if (cover_length && range.length_bytes % kSectorBytes != 0) {
    range.length_bytes += kSectorBytes - range.length_bytes % kSectorBytes;
  }
  range.widened = range.length_bytes != request.length_bytes;
  if (range.length_bytes > std::numeric_limits<std::uint32_t>::max()) {
    throw TraceError(out.string() + ": a request of " + std::to_string(request.length_bytes) +
                     " bytes does not fit a " + format + " record (at most 4294967295 bytes)");
  }
  return range;
}

class CsvTraceWriter final : public TraceWriter {
 public:
  explicit CsvTraceWriter(const std::filesystem::path& out) : TraceWriter(out) {
    put("time_us,op,offset,length,device\n");
  }

 private:
  bool encode(const StreamRequest& r) override {
    static constexpr std::array<char, 4> kOps{'R', 'W', 'F', 'D'};  // by IoKind
    char line[128];
    const int size = std::snprintf(
        line, sizeof line, "%lld.%03lld,%c,%llu,%llu,%lu\n",
        static_cast<long long>(r.time_ns / 1000), static_cast<long long>(r.time_ns % 1000),
        kOps[static_cast<std::size_t>(r.kind)], static_cast<unsigned long long>(r.offset_bytes),
        static_cast<unsigned long long>(r.length_bytes), static_cast<unsigned long>(r.device));
    put(line, static_cast<std::size_t>(size));
    return true;
  }
};

class VscsiTraceWriter final : public TraceWriter {
 public:
  using TraceWriter::TraceWriter;

 private:
  bool encode(const StreamRequest& r) override {
    if (r.kind != engine::IoKind::read && r.kind != engine::IoKind::write) return false;
    const SectorRange range = sectors_of(r, false, "vscsi", path());
    if (range.widened) ++counters_.widened;
    std::array<unsigned char, 32> record{};
    little_endian(record, 0, serial_++, 4);
    little_endian(record, 4, range.length_bytes, 4);
    little_endian(record, 8, 1, 4);  // nSG
    little_endian(record, 12, r.kind == engine::IoKind::read ? 0x28 : 0x2a, 2);
    little_endian(record, 14, 0x0100, 2);
    little_endian(record, 16, range.sector, 8);
    little_endian(record, 24, static_cast<std::uint64_t>(r.time_ns) / 1000, 8);
    put(record.data(), record.size());
    return true;
  }

  std::uint32_t serial_ = 0;
};

class BlktraceWriter final : public TraceWriter {
 public:
  using TraceWriter::TraceWriter;

 private:
  bool encode(const StreamRequest& r) override {
    // BLK_TC_* categories (high 16 bits of action) and __BLK_TA_QUEUE.
    constexpr std::uint32_t kRead = 0x0001, kWrite = 0x0002, kFlush = 0x0004, kQueue = 0x0010,
                            kDiscard = 0x2000, kActionQueue = 1;
    std::uint32_t categories = kQueue;
    SectorRange range;
    switch (r.kind) {
      case engine::IoKind::read:
        categories |= kRead;
        break;
      case engine::IoKind::write:
        categories |= kWrite;
        break;
      case engine::IoKind::discard:
        categories |= kWrite | kDiscard;
        break;
      case engine::IoKind::flush:
        categories |= kWrite | kFlush;
        break;
    }
    if (r.kind != engine::IoKind::flush) {
      range = sectors_of(r, true, "blktrace", path());
      if (range.widened) ++counters_.widened;
    }
    std::array<unsigned char, 48> record{};
    little_endian(record, 0, 0x65617407, 4);  // magic | version 7
    little_endian(record, 4, ++sequence_, 4);
    little_endian(record, 8, static_cast<std::uint64_t>(r.time_ns), 8);
    little_endian(record, 16, range.sector, 8);
    little_endian(record, 24, range.length_bytes, 4);
    little_endian(record, 28, (categories << 16) | kActionQueue, 4);
    little_endian(record, 36, r.device, 4);  // pid (32), cpu (40), error, pdu_len stay 0
    put(record.data(), record.size());
    return true;
  }

  std::uint32_t sequence_ = 0;
};

}  // namespace

TraceWriter::TraceWriter(const std::filesystem::path& out)
    : out_(out), temporary_(out.string() + ".tmp") {
  file_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!file_) throw TraceError(temporary_.string() + ": cannot create the file");
}

TraceWriter::~TraceWriter() {
  if (finished_) return;
  file_.close();
  std::error_code ignored;
  std::filesystem::remove(temporary_, ignored);
}

bool TraceWriter::write(const StreamRequest& request) {
  const bool written = encode(request);
  ++(written ? counters_.written : counters_.skipped);
  return written;
}

void TraceWriter::put(const void* bytes, std::size_t size) {
  file_.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(size));
  if (!file_) throw TraceError(temporary_.string() + ": cannot write the file");
}

void TraceWriter::finish() {
  file_.close();
  if (!file_) throw TraceError(temporary_.string() + ": cannot write the file");
  std::error_code error;
  std::filesystem::rename(temporary_, out_, error);
  if (error) {
    throw TraceError(out_.string() + ": cannot rename " + temporary_.string() +
                     " to it: " + error.message());
  }
  finished_ = true;
}

std::vector<std::string> trace_writer_formats() {
  return {"csv", "vscsi", "blktrace"};
}

std::unique_ptr<TraceWriter> make_trace_writer(std::string_view format,
                                               const std::filesystem::path& out) {
  if (format == "csv") return std::make_unique<CsvTraceWriter>(out);
  if (format == "vscsi") return std::make_unique<VscsiTraceWriter>(out);
  if (format == "blktrace") return std::make_unique<BlktraceWriter>(out);
  throw std::invalid_argument("trace writer format '" + std::string(format) +
                              "' is unknown (known: csv, vscsi, blktrace)");
}

}  // namespace flashtwin::models
