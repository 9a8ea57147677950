// BlktraceReader on v8 records (struct blk_io_trace2, 64-byte header, 64-bit action): both byte
// orders, v7 and v8 mixed in one file and across CPUs, the v8 categories and actions, and the
// malformed cases that depend on the v8 header size.
#include "blktrace_test_files.hpp"
#include "flashtwin/models/blktrace_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

using namespace testing;  // NOLINT: the blktrace test vocabulary

constexpr std::uint64_t kTcWriteZeroes = (1ULL << 22) << 16;  // v8 category bit 22
constexpr std::uint64_t kTcZoneAppend = (1ULL << 16) << 16;
constexpr std::uint32_t kZonePlug = 18, kZoneUnplug = 19;

std::vector<StreamRequest> read_all(BlktraceReader& reader) {
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  return requests;
}

std::string strict_error(const std::filesystem::path& path) {
  try {
    BlktraceReader reader({path});
    read_all(reader);
  } catch (const TraceError& error) {
    return error.what();
  }
  return "no error";
}

void check_v8_file(bool big_endian) {
  ScratchFolder folder;
  BlktraceBytes bytes(big_endian);
  TestRecord first = queue_record(3, 1, 1000, 2048, 8192, true);
  first.pid = 77, first.error = 5, first.device = blktrace_device(259, 1);
  first.pdu = {1, 2, 3, 4, 5, 6, 7, 8, 9};  // skipped payload
  TestRecord second = queue_record(3, 2, 1500, 4096, 4096);
  second.device = first.device;
  bytes.add_v8(first).add_v8(second);
  ASSERT_EQ(bytes.size(), 64U + 9U + 64U);
  const auto path = folder / "v8.blktrace.3";
  bytes.write(path);

  BlktraceReader reader({path});
  StreamRequest request;
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.time_ns, 0);
  EXPECT_EQ(request.kind, engine::IoKind::write);
  EXPECT_EQ(request.offset_bytes, 2048U * 512U);
  EXPECT_EQ(request.length_bytes, 8192U);
  EXPECT_EQ(request.device, blktrace_device(259, 1));
  EXPECT_EQ(reader.last_record().magic, 0x65617408U);
  EXPECT_EQ(reader.last_record().pid, 77U);
  EXPECT_EQ(reader.last_record().action, kQueue | kTcQueue | kTcWrite);
  EXPECT_EQ(reader.last_record().cpu, 3U);
  EXPECT_EQ(reader.last_record().error, 5U);
  EXPECT_EQ(reader.last_record().pdu_len, 9U);
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.time_ns, 500);
  EXPECT_EQ(request.kind, engine::IoKind::read);
  EXPECT_EQ(request.offset_bytes, 4096U * 512U);
  EXPECT_FALSE(reader.next(request));
  EXPECT_EQ(reader.counters().records_read, 2U);
}

TEST(BlktraceV8, LittleEndianRecords) {
  check_v8_file(false);
}

TEST(BlktraceV8, BigEndianRecords) {
  check_v8_file(true);
}

TEST(BlktraceV8, MixesWithV7InOneFileAndAcrossCpus) {
  for (const bool big_endian : {false, true}) {
    ScratchFolder folder;
    BlktraceBytes cpu0(big_endian), cpu1(big_endian);
    cpu0.add(queue_record(0, 1, 100, 0, 4096))
        .add_v8(queue_record(0, 2, 300, 8, 4096))
        .add(queue_record(0, 3, 500, 16, 4096));
    TestRecord with_pdu = queue_record(1, 1, 200, 24, 4096, true);
    with_pdu.pdu.assign(16, 0xee);
    cpu1.add_v8(with_pdu).add(queue_record(1, 2, 400, 32, 4096, true));
    cpu0.write(folder / "t.blktrace.0");
    cpu1.write(folder / "t.blktrace.1");
    BlktraceReader reader(BlktraceReader::cpu_files(folder / "t"));
    const auto requests = read_all(reader);
    ASSERT_EQ(requests.size(), 5U) << big_endian;
    const std::uint64_t sectors[] = {0, 24, 8, 32, 16};
    for (std::size_t i = 0; i < 5; ++i) {
      EXPECT_EQ(requests[i].time_ns, static_cast<std::int64_t>(100 * i)) << i;
      EXPECT_EQ(requests[i].offset_bytes, sectors[i] * 512U) << i;
      EXPECT_EQ(requests[i].kind, i % 2 == 1 ? engine::IoKind::write : engine::IoKind::read) << i;
    }
    EXPECT_EQ(reader.counters().sequence_gaps.size(), 2U);
    for (const auto& gaps : reader.counters().sequence_gaps)
      EXPECT_EQ(gaps.gaps, 0U);
  }
}

TEST(BlktraceV8, MapsTheSixtyFourBitAction) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  TestRecord record = queue_record(0, 1, 100, 0, 4096);
  record.action = kQueue | kTcQueue | kTcWriteZeroes;  // write zeroes without the WRITE bit
  bytes.add_v8(record);
  record.sequence = 2, record.action = kQueue | kTcQueue | kTcWrite | kTcZoneAppend | kTcFua;
  bytes.add_v8(record);
  record.sequence = 3, record.action = kQueue | kTcQueue | kTcWrite | kTcDiscard;
  bytes.add_v8(record);
  record.sequence = 4, record.bytes = 0, record.action = kQueue | kTcQueue | kTcWrite | kTcFlush;
  bytes.add_v8(record);
  record.sequence = 5, record.action = kZonePlug;  // known in v8, not selected
  bytes.add_v8(record);
  record.sequence = 6, record.action = kZoneUnplug | kCgroup;
  record.pdu.assign(8, 0);
  bytes.add_v8(record);
  record.pdu.clear();
  record.sequence = 7, record.action = 20;  // unknown in v8
  bytes.add_v8(record);
  record.sequence = 8, record.action = kZonePlug;  // unknown in v7
  bytes.add(record);
  const auto path = folder / "a.blktrace.0";
  bytes.write(path);

  BlktraceReader reader({path});
  StreamRequest request;
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, engine::IoKind::write);
  EXPECT_FALSE(reader.last_fua());
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, engine::IoKind::write);
  EXPECT_TRUE(reader.last_fua());
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, engine::IoKind::discard);
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, engine::IoKind::flush);
  EXPECT_FALSE(reader.next(request));
  const auto counters = reader.counters();
  EXPECT_EQ(counters.requests_yielded, 4U);
  EXPECT_EQ(counters.other_skipped, 2U);    // ZONE_PLUG, ZONE_UNPLUG in v8
  EXPECT_EQ(counters.unknown_actions, 2U);  // 20 in v8, 18 in v7
}

TEST(BlktraceV8, TruncatedHeaderCountsSixtyFourBytes) {
  for (const bool big_endian : {false, true}) {
    ScratchFolder folder;
    BlktraceBytes bytes(big_endian);
    BlktraceBytes partial(big_endian);
    partial.add_v8(queue_record(0, 2, 200, 8, 4096));
    bytes.add_v8(queue_record(0, 1, 100, 0, 4096));
    const auto path = folder / "t.blktrace.0";
    bytes.write(path);
    // The first 50 bytes of a second v8 record: more than a v7 header, less than a v8 one.
    std::vector<std::uint8_t> head(50);
    {
      const auto whole = folder / "whole";
      partial.write(whole);
      std::ifstream in(whole, std::ios::binary);
      in.read(reinterpret_cast<char*>(head.data()), 50);
    }
    bytes.raw(head).write(path);
    EXPECT_EQ(strict_error(path),
              path.string() + ": byte 64: truncated record: 50 of 64 header bytes")
        << big_endian;
  }
}

TEST(BlktraceV8, PayloadPastTheEndCountsFromTheV8Header) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  TestRecord record = queue_record(0, 2, 200, 8, 4096);
  record.pdu.assign(10, 0);
  bytes.add(queue_record(0, 1, 100, 0, 4096)).add_v8(record, 100);
  const auto path = folder / "p.blktrace.0";
  bytes.write(path);
  EXPECT_EQ(
      strict_error(path),
      path.string() + ": byte 48: payload of 100 bytes runs past the end of the file (10 left)");
}

TEST(BlktraceV8, UnknownVersionResynchronisesOnAV8Record) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  TestRecord v9 = queue_record(0, 2, 200, 8, 4096);
  v9.magic = 0x65617409;
  bytes.add_v8(queue_record(0, 1, 100, 0, 4096));
  bytes.add(v9);  // 48 bytes, written as v7 with version 9
  bytes.add_v8(queue_record(0, 3, 300, 16, 4096));
  const auto path = folder / "u.blktrace.0";
  bytes.write(path);
  EXPECT_EQ(strict_error(path), path.string() + ": byte 64: unknown version 0x09");

  BlktraceOptions options;
  options.lenient = true;
  BlktraceReader reader({path}, options);
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[1].offset_bytes, 16U * 512U);
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U);
}

TEST(BlktraceV8, BadSizeInAV8RecordIsNamedAtItsOffset) {
  ScratchFolder folder;
  BlktraceBytes bytes(true);
  bytes.add_v8(queue_record(0, 1, 100, 0, 4096)).add_v8(queue_record(0, 2, 200, 8, 1000));
  const auto path = folder / "b.blktrace.0";
  bytes.write(path);
  EXPECT_EQ(strict_error(path), path.string() + ": byte 64: bytes 1000 not a multiple of 512");
}

}  // namespace
}  // namespace flashtwin::models
