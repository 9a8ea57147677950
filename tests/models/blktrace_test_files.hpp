// Test helpers for the blktrace reader: build blktrace v7 / v8 files byte by byte in either byte
// order (BlktraceBytes), typical records (queue_record ...), and a scratch folder removed at the
// end.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace flashtwin::models::testing {

// Action words: action number | category bits << 16 (BLKTRACE_FORMAT.md).
inline constexpr std::uint32_t kTcRead = 0x0001U << 16;
inline constexpr std::uint32_t kTcWrite = 0x0002U << 16;
inline constexpr std::uint32_t kTcFlush = 0x0004U << 16;
inline constexpr std::uint32_t kTcSync = 0x0008U << 16;
inline constexpr std::uint32_t kTcQueue = 0x0010U << 16;
inline constexpr std::uint32_t kTcIssue = 0x0040U << 16;
inline constexpr std::uint32_t kTcComplete = 0x0080U << 16;
inline constexpr std::uint32_t kTcFs = 0x0100U << 16;
inline constexpr std::uint32_t kTcPc = 0x0200U << 16;
inline constexpr std::uint32_t kTcNotify = 0x0400U << 16;
inline constexpr std::uint32_t kTcAhead = 0x0800U << 16;
inline constexpr std::uint32_t kTcDiscard = 0x2000U << 16;
inline constexpr std::uint32_t kTcFua = 0x8000U << 16;
inline constexpr std::uint32_t kQueue = 1, kGetRq = 4, kIssue = 7, kComplete = 8, kPlug = 9;
inline constexpr std::uint32_t kCgroup = 1U << 8;

struct TestRecord {
  std::uint32_t magic = 0x65617407;
  std::uint32_t sequence = 1;
  std::uint64_t time_ns = 0;
  std::uint64_t sector = 0;
  std::uint32_t bytes = 4096;
  std::uint64_t action = kQueue | kTcQueue | kTcRead;
  std::uint32_t pid = 42;
  std::uint32_t device = (8U << 20) | 16U;  // 8,16
  std::uint32_t cpu = 0;
  std::uint16_t error = 0;
  std::vector<std::uint8_t> pdu;
};

inline TestRecord queue_record(std::uint32_t cpu, std::uint32_t sequence, std::uint64_t time_ns,
                               std::uint64_t sector, std::uint32_t bytes, bool write = false) {
  TestRecord record;
  record.cpu = cpu;
  record.sequence = sequence;
  record.time_ns = time_ns;
  record.sector = sector;
  record.bytes = bytes;
  record.action = kQueue | kTcQueue | (write ? kTcWrite : kTcRead);
  return record;
}

// A blktrace file's bytes, written field by field in the chosen byte order.
class BlktraceBytes {
 public:
  explicit BlktraceBytes(bool big_endian = false) : big_endian_(big_endian) {}

  // Appends a record; pdu_len is record.pdu.size() unless `pdu_len` says otherwise.
  BlktraceBytes& add(const TestRecord& record, int pdu_len = -1) {
    put(record.magic, 4);
    put(record.sequence, 4);
    put(record.time_ns, 8);
    put(record.sector, 8);
    put(record.bytes, 4);
    put(record.action, 4);
    put(record.pid, 4);
    put(record.device, 4);
    put(record.cpu, 4);
    put(record.error, 2);
    put(pdu_len < 0 ? record.pdu.size() : static_cast<std::uint64_t>(pdu_len), 2);
    bytes_.insert(bytes_.end(), record.pdu.begin(), record.pdu.end());
    return *this;
  }
  // Appends a v8 record (struct blk_io_trace2): the magic's version byte becomes 0x08.
  BlktraceBytes& add_v8(const TestRecord& record, int pdu_len = -1) {
    put((record.magic & 0xffffff00U) | 0x08U, 4);
    put(record.sequence, 4);
    put(record.time_ns, 8);
    put(record.sector, 8);
    put(record.bytes, 4);
    put(record.pid, 4);
    put(record.action, 8);
    put(record.device, 4);
    put(record.cpu, 4);
    put(record.error, 2);
    put(pdu_len < 0 ? record.pdu.size() : static_cast<std::uint64_t>(pdu_len), 2);
    bytes_.insert(bytes_.end(), 12, 0);  // pad[12]
    bytes_.insert(bytes_.end(), record.pdu.begin(), record.pdu.end());
    return *this;
  }
  BlktraceBytes& raw(const std::vector<std::uint8_t>& bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  std::size_t size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

  void write(const std::filesystem::path& path) const {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes_.data()),
               static_cast<std::streamsize>(bytes_.size()));
    ASSERT_TRUE(file.good()) << "cannot write " << path;
  }

 private:
  void put(std::uint64_t value, int size) {
    for (int i = 0; i < size; ++i) {
      const int shift = 8 * (big_endian_ ? size - 1 - i : i);
      bytes_.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  }

  bool big_endian_;
  std::vector<std::uint8_t> bytes_;
};

// A fresh folder under the system temp folder, removed with its contents at destruction.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("flashtwin-blktrace-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace flashtwin::models::testing
