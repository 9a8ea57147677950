// BlktraceReader on malformed files: each defect throws TraceError naming the file, the byte
// offset of the bad record and the reason; with `lenient` the record is skipped and counted.
#include "blktrace_test_files.hpp"
#include "flashtwin/models/blktrace_reader.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace flashtwin::models {
namespace {

using namespace testing;  // NOLINT: the blktrace test vocabulary

// Two good records (96 bytes) and then whatever `defect` appends, then one good record.
struct Case {
  std::string message;           // expected TraceError text after "FILE: "
  std::size_t lenient_requests;  // requests a lenient reader still yields
  std::function<void(BlktraceBytes&)> defect;
  bool big_endian = false;
};

std::string run_strict(const std::filesystem::path& path) {
  try {
    BlktraceReader reader({path});
    StreamRequest request;
    while (reader.next(request)) {
    }
  } catch (const TraceError& error) {
    return error.what();
  }
  return "no error";
}

void check(const Case& c) {
  ScratchFolder folder;
  BlktraceBytes bytes(c.big_endian);
  bytes.add(queue_record(0, 1, 100, 0, 4096)).add(queue_record(0, 2, 200, 8, 4096));
  c.defect(bytes);
  const auto path = folder / "trace.blktrace.0";
  bytes.write(path);
  EXPECT_EQ(run_strict(path), path.string() + ": " + c.message);

  BlktraceOptions options;
  options.lenient = true;
  BlktraceReader reader({path}, options);
  StreamRequest request;
  std::size_t requests = 0;
  while (reader.next(request))
    ++requests;
  EXPECT_EQ(requests, c.lenient_requests) << c.message;
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U) << c.message;
}

TEST(BlktraceCorrupt, TruncatedRecord) {
  check({"byte 96: truncated record: 20 of 48 header bytes", 2,
         [](BlktraceBytes& b) { b.raw(std::vector<std::uint8_t>(20, 0x07)); }});
}

TEST(BlktraceCorrupt, BadMagicResynchronisesWhenLenient) {
  check({"byte 96: bad magic 0x12345678", 3, [](BlktraceBytes& b) {
           TestRecord bad = queue_record(0, 3, 300, 16, 4096);
           bad.magic = 0x12345678;
           b.add(bad).add(queue_record(0, 4, 400, 24, 4096));
         }});
}

TEST(BlktraceCorrupt, BadMagicInBigEndianFileIsShownInItsOrder) {
  check({"byte 96: bad magic 0x12345678", 3,
         [](BlktraceBytes& b) {
           TestRecord bad = queue_record(0, 3, 300, 16, 4096);
           bad.magic = 0x12345678;
           b.add(bad).add(queue_record(0, 4, 400, 24, 4096));
         },
         true});
}

TEST(BlktraceCorrupt, BadMagicAtStartOfFile) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  bytes.raw({'n', 'o', 't', ' '}).add(queue_record(0, 1, 100, 0, 4096));
  const auto path = folder / "trace.blktrace.0";
  bytes.write(path);
  EXPECT_EQ(run_strict(path), path.string() + ": byte 0: bad magic 0x20746f6e");
  BlktraceOptions options;
  options.lenient = true;
  BlktraceReader reader({path}, options);
  StreamRequest request;
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.length_bytes, 4096U);
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U);
}

TEST(BlktraceCorrupt, UnknownVersion) {
  check({"byte 96: unknown version 0x09", 3, [](BlktraceBytes& b) {
           TestRecord v9 = queue_record(0, 3, 300, 16, 4096);
           v9.magic = 0x65617409;
           b.add(v9).add(queue_record(0, 4, 400, 24, 4096));
         }});
}

TEST(BlktraceCorrupt, PayloadPastTheEndOfTheFile) {
  check({"byte 96: payload of 100 bytes runs past the end of the file (10 left)", 2,
         [](BlktraceBytes& b) {
           TestRecord record = queue_record(0, 3, 300, 16, 4096);
           record.pdu.assign(10, 0);
           b.add(record, 100);
         }});
}

TEST(BlktraceCorrupt, BytesNotAMultipleOf512) {
  check({"byte 96: bytes 1000 not a multiple of 512", 3, [](BlktraceBytes& b) {
           b.add(queue_record(0, 3, 300, 16, 1000)).add(queue_record(0, 4, 400, 24, 4096));
         }});
}

TEST(BlktraceCorrupt, BytesAboveTheMaximum) {
  check({"byte 96: bytes 1073741824 above the maximum 268435456", 3, [](BlktraceBytes& b) {
           b.add(queue_record(0, 3, 300, 16, 1U << 30)).add(queue_record(0, 4, 400, 24, 4096));
         }});
}

TEST(BlktraceCorrupt, SectorOutOfRange) {
  check({"byte 96: sector 18446744073709551615 out of range", 3, [](BlktraceBytes& b) {
           b.add(queue_record(0, 3, 300, ~0ULL, 4096)).add(queue_record(0, 4, 400, 24, 4096));
         }});
}

TEST(BlktraceCorrupt, TimeGoingBackwardsWithinAFile) {
  check({"byte 96: time 150 ns goes back before the previous 200 ns", 3, [](BlktraceBytes& b) {
           b.add(queue_record(0, 3, 150, 16, 4096)).add(queue_record(0, 4, 400, 24, 4096));
         }});
}

// Lenient, one time far ahead (a flipped high bit) costs that record, not the rest of its file.
TEST(BlktraceCorrupt, LenientResynchronisesAfterATimeFarAhead) {
  check({"byte 144: time 300 ns goes back before the previous 1152921504606846976 ns", 4,
         [](BlktraceBytes& b) {
           b.add(queue_record(0, 3, 1ULL << 60, 16, 4096))
               .add(queue_record(0, 4, 300, 24, 4096))
               .add(queue_record(0, 5, 400, 32, 4096));
         }});
}

TEST(BlktraceCorrupt, OffsetCountsPayloadsOfEarlierRecords) {
  // 48 + 5 (notify payload) + 48 + 48: the bad record starts at byte 149.
  check({"byte 149: bad magic 0x00000000", 2, [](BlktraceBytes& b) {
           TestRecord notify;
           notify.action = kTcNotify | 2;
           notify.bytes = 0;
           notify.time_ns = 250;
           notify.pdu = {'h', 'e', 'l', 'l', 'o'};
           b.add(notify).raw(std::vector<std::uint8_t>(48, 0));
         }});
}

TEST(BlktraceCorrupt, MissingFileIsATraceError) {
  ScratchFolder folder;
  EXPECT_THROW(BlktraceReader({folder / "absent.blktrace.0"}), TraceError);
}

}  // namespace
}  // namespace flashtwin::models
