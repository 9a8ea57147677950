// VscsiReader: synthetic files written byte by byte (each rule and each error, with the exact
// byte offset in messages, a gzip copy), and the real CloudPhysics trace in ../shared/traces
// (beside the checkout), which skips with a message when absent, or fails when CI is "true".
#include "flashtwin/models/vscsi_reader.hpp"
#include "blktrace_test_files.hpp"  // ScratchFolder

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef FLASHTWIN_TRACES_DIR
#error "FLASHTWIN_TRACES_DIR (the shared/traces folder) must be defined"
#endif

namespace flashtwin::models {
namespace {

namespace fs = std::filesystem;
using engine::IoKind;
using testing::ScratchFolder;

struct Fields {
  std::uint16_t opcode = 0x28;
  std::uint32_t length_bytes = 4096;
  std::uint64_t lbn = 0;
  std::uint64_t time_us = 0;
  std::uint16_t version = 0x0100;
  std::uint32_t serial = 7;
};

void put(std::vector<std::uint8_t>& bytes, std::uint64_t value, int size) {
  for (int i = 0; i < size; ++i)
    bytes.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

class VscsiBytes {
 public:
  VscsiBytes& add(const Fields& f) {
    put(bytes_, f.serial, 4);
    put(bytes_, f.length_bytes, 4);
    put(bytes_, 1, 4);  // nSG
    put(bytes_, f.opcode, 2);
    put(bytes_, f.version, 2);
    put(bytes_, f.lbn, 8);
    put(bytes_, f.time_us, 8);
    return *this;
  }
  VscsiBytes& raw(std::size_t count) {
    bytes_.insert(bytes_.end(), count, 0x55);
    return *this;
  }
  void write(const fs::path& path) const {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes_.data()),
               static_cast<std::streamsize>(bytes_.size()));
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

std::vector<StreamRequest> read_all(VscsiReader& reader) {
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  return requests;
}

std::string strict_error(const fs::path& path) {
  try {
    VscsiReader reader(path);
    read_all(reader);
  } catch (const TraceError& error) {
    return error.what();
  }
  return "no error";
}

TEST(VscsiReader, DecodesRecordsRelativeToFirstRequest) {
  ScratchFolder folder;
  VscsiBytes bytes;
  bytes.add({.opcode = 0x28, .length_bytes = 4096, .lbn = 10, .time_us = 1'000'000})
      .add({.opcode = 0x2a, .length_bytes = 512, .lbn = 3, .time_us = 1'000'250});
  bytes.write(folder / "t.vscsi");
  VscsiReader reader(folder / "t.vscsi");
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].time_ns, 0);
  EXPECT_EQ(requests[0].kind, IoKind::read);
  EXPECT_EQ(requests[0].offset_bytes, 5120U);
  EXPECT_EQ(requests[0].length_bytes, 4096U);
  EXPECT_EQ(requests[0].device, 0U);
  EXPECT_EQ(requests[1].time_ns, 250'000);
  EXPECT_EQ(requests[1].kind, IoKind::write);
  EXPECT_EQ(requests[1].offset_bytes, 1536U);
  EXPECT_EQ(reader.last_record().serial, 7U);
  EXPECT_EQ(reader.last_record().opcode, 0x2a);
  EXPECT_EQ(reader.counters().reads, 1U);
  EXPECT_EQ(reader.counters().writes, 1U);
  StreamRequest again;
  EXPECT_FALSE(reader.next(again));  // keeps returning false
  EXPECT_FALSE(reader.next(again));
}

TEST(VscsiReader, AcceptsEveryReadAndWriteOpcode) {
  ScratchFolder folder;
  VscsiBytes bytes;
  const std::uint16_t opcodes[] = {0x08, 0x0a, 0x28, 0x2a, 0x88, 0x8a, 0xa8, 0xaa};
  for (const std::uint16_t opcode : opcodes)
    bytes.add({.opcode = opcode});
  bytes.write(folder / "t.vscsi");
  VscsiReader reader(folder / "t.vscsi");
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 8U);
  for (std::size_t i = 0; i < requests.size(); ++i)
    EXPECT_EQ(requests[i].kind, i % 2 == 0 ? IoKind::read : IoKind::write) << i;
}

TEST(VscsiReader, CountsAndSkipsOtherOpcodesAndEmptyRequests) {
  ScratchFolder folder;
  VscsiBytes bytes;
  bytes
      .add({.opcode = 0x12, .time_us = 5})  // INQUIRY: skipped, does not start the clock
      .add({.opcode = 0x35, .length_bytes = 0, .time_us = 6})  // SYNCHRONIZE CACHE
      .add({.opcode = 0x28, .length_bytes = 0, .time_us = 7})
      .add({.opcode = 0x2a, .time_us = 9});
  bytes.write(folder / "t.vscsi");
  VscsiReader reader(folder / "t.vscsi");
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].time_ns, 0);
  const VscsiCounters& counters = reader.counters();
  EXPECT_EQ(counters.records_read, 4U);
  EXPECT_EQ(counters.other_opcodes, 2U);
  EXPECT_EQ(counters.no_data_skipped, 1U);
  EXPECT_EQ(counters.requests_yielded, 1U);
  EXPECT_EQ(counters.corrupt_skipped, 0U);
}

TEST(VscsiReader, EmptyFileIsAnEmptyStream) {
  ScratchFolder folder;
  VscsiBytes().write(folder / "t.vscsi");
  VscsiReader reader(folder / "t.vscsi");
  EXPECT_TRUE(read_all(reader).empty());
}

TEST(VscsiReader, MissingFileThrows) {
  EXPECT_THROW(VscsiReader("/nonexistent/t.vscsi"), TraceError);
}

// Two good records (64 bytes), then a defect, then (unless it is a truncation) one good record.
void expect_defect(const std::string& message, std::size_t lenient_requests,
                   void (*defect)(VscsiBytes&)) {
  ScratchFolder folder;
  VscsiBytes bytes;
  bytes.add({.time_us = 100}).add({.time_us = 200});
  defect(bytes);
  const fs::path path = folder / "t.vscsi";
  bytes.write(path);
  EXPECT_EQ(strict_error(path), path.string() + ": " + message);
  VscsiReader reader(path, {.lenient = true});
  EXPECT_EQ(read_all(reader).size(), lenient_requests) << message;
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U) << message;
}

TEST(VscsiCorrupt, TruncatedRecord) {
  expect_defect("byte 64: truncated record: 20 of 32 bytes", 2, [](VscsiBytes& b) { b.raw(20); });
}

TEST(VscsiCorrupt, BadVersion) {
  expect_defect("byte 64: bad version 0x0200 (expected 0x0100)", 3, [](VscsiBytes& b) {
    b.add({.time_us = 300, .version = 0x0200}).add({.time_us = 400});
  });
}

TEST(VscsiCorrupt, TimeGoingBackwards) {
  expect_defect("byte 64: time 150 us goes back before the previous 200 us", 3,
                [](VscsiBytes& b) { b.add({.time_us = 150}).add({.time_us = 400}); });
}

// Lenient, one time far ahead costs that record, not every record after it.
TEST(VscsiCorrupt, LenientResynchronisesAfterATimeFarAhead) {
  expect_defect(
      "byte 96: time 300 us goes back before the previous 1125899906842624 us", 4,
      [](VscsiBytes& b) {
        b.add({.time_us = std::uint64_t{1} << 50}).add({.time_us = 300}).add({.time_us = 400});
      });
}

TEST(VscsiCorrupt, LbnOutOfRange) {
  expect_defect("byte 64: lbn 36028797018963968 out of range", 3, [](VscsiBytes& b) {
    b.add({.lbn = std::uint64_t{1} << 55, .time_us = 300}).add({.time_us = 400});
  });
}

TEST(VscsiCorrupt, TimeOutOfRange) {
  // More than 2^63 ns after the first request; the record after it is in range again.
  expect_defect("byte 64: time 9223372036854876 us out of range", 3, [](VscsiBytes& b) {
    b.add({.time_us = 9'223'372'036'854'876}).add({.time_us = 9'223'372'036'854'000});
  });
}

TEST(VscsiReader, ReadsGzipCopy) {
  ScratchFolder folder;
  VscsiBytes bytes;
  for (std::uint64_t i = 0; i < 3000; ++i)  // several buffers' worth of records
    bytes.add({.opcode = static_cast<std::uint16_t>(i % 3 == 0 ? 0x2a : 0x28),
               .lbn = i,
               .time_us = i * 10});
  bytes.write(folder / "plain.vscsi");
  const std::string command = "gzip -c '" + (folder / "plain.vscsi").string() + "' > '" +
                              (folder / "t.vscsi.gz").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  VscsiReader plain(folder / "plain.vscsi");
  VscsiReader gzip(folder / "t.vscsi.gz");
  const auto expected = read_all(plain);
  const auto actual = read_all(gzip);
  ASSERT_EQ(actual.size(), 3000U);
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].offset_bytes, expected[i].offset_bytes) << i;
    EXPECT_EQ(actual[i].time_ns, expected[i].time_ns) << i;
    EXPECT_EQ(actual[i].kind, expected[i].kind) << i;
  }
  EXPECT_EQ(gzip.counters().writes, 1000U);
}

TEST(VscsiRealTrace, CloudPhysicsVm) {
  const fs::path trace = fs::path(FLASHTWIN_TRACES_DIR) / "cloudphysics-vm.vscsi";
  if (!fs::exists(trace)) {
    const char* ci = std::getenv("CI");
    const std::string message = "no trace " + trace.string() + " (shared/ beside the checkout)";
    if (ci != nullptr && std::string(ci) == "true") FAIL() << message;
    GTEST_SKIP() << message;
  }
  VscsiReader reader(trace);
  StreamRequest request;
  std::int64_t previous_ns = 0;
  std::uint64_t requests = 0, reads = 0, writes = 0;
  while (reader.next(request)) {
    ++requests;
    ++(request.kind == IoKind::read ? reads : writes);
    EXPECT_GE(request.time_ns, previous_ns);
    EXPECT_GT(request.length_bytes, 0U);
    previous_ns = request.time_ns;
  }
  EXPECT_EQ(requests, 113'872U);
  EXPECT_EQ(reads, 46'974U);
  EXPECT_EQ(writes, 66'898U);
  EXPECT_EQ(reader.counters().reads, 46'974U);
  EXPECT_EQ(reader.counters().writes, 66'898U);
  EXPECT_EQ(reader.counters().corrupt_skipped, 0U);
  EXPECT_EQ(reader.counters().other_opcodes, 0U);
}

}  // namespace
}  // namespace flashtwin::models
