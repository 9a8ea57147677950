// MsrTraceReader: synthetic MSR Cambridge lines for every rule (filetime to relative ns, disk as
// device, response time and hostname accessors, blank lines, CRLF, gzip input) and every error,
// with the exact byte offset and line number in messages.
#include "flashtwin/models/msr_trace_reader.hpp"
#include "blktrace_test_files.hpp"  // ScratchFolder

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

namespace fs = std::filesystem;
using engine::IoKind;
using testing::ScratchFolder;

fs::path write_file(const ScratchFolder& folder, const std::string& text) {
  const fs::path path = folder / "hm_1.csv";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(MsrTraceReader, DecodesLines) {
  ScratchFolder folder;
  const fs::path plain = write_file(folder,
                                    "128166372003061629,hm,1,Read,383496192,32768,41286\r\n"
                                    "\n"
                                    "128166372003061639,hm,0,Write,4096,512,7\n"
                                    "128166372013061629, web ,2,write,0,4096,0");
  const std::string command =
      "gzip -c '" + plain.string() + "' > '" + (folder / "hm_1.csv.gz").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (const fs::path& path : {plain, folder / "hm_1.csv.gz"}) {
    MsrTraceReader reader(path);
    StreamRequest r;
    ASSERT_TRUE(reader.next(r)) << path;
    EXPECT_EQ(r.time_ns, 0);
    EXPECT_EQ(r.kind, IoKind::read);
    EXPECT_EQ(r.offset_bytes, 383496192U);
    EXPECT_EQ(r.length_bytes, 32768U);
    EXPECT_EQ(r.device, 1U);
    EXPECT_EQ(reader.last_response_time_ns(), 4'128'600);
    EXPECT_EQ(reader.last_hostname(), "hm");
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.time_ns, 1000);
    EXPECT_EQ(r.kind, IoKind::write);
    EXPECT_EQ(r.device, 0U);
    EXPECT_EQ(reader.last_response_time_ns(), 700);
    ASSERT_TRUE(reader.next(r));
    EXPECT_EQ(r.time_ns, 1'000'000'000);
    EXPECT_EQ(r.kind, IoKind::write);
    EXPECT_EQ(reader.last_hostname(), "web");
    EXPECT_FALSE(reader.next(r));
    EXPECT_FALSE(reader.next(r));
    EXPECT_EQ(reader.counters().lines_read, 4U);
    EXPECT_EQ(reader.counters().blank_lines, 1U);
    EXPECT_EQ(reader.counters().requests_yielded, 3U);
  }
}

TEST(MsrTraceReader, MissingFileThrows) {
  EXPECT_THROW(MsrTraceReader("/nonexistent/hm_0.csv"), TraceError);
}

// Line 1 (23 bytes), then `bad` on line 2, then a good line: strict throws `message` (after
// "FILE: "), lenient yields 2 requests and counts 1 skipped.
void expect_bad_line(const std::string& bad, const std::string& message) {
  ScratchFolder folder;
  const fs::path path =
      write_file(folder, "100,hm,0,Read,0,4096,1\n" + bad + "\n300,hm,0,Write,0,4096,1\n");
  std::string error = "no error";
  try {
    MsrTraceReader reader(path);
    StreamRequest r;
    while (reader.next(r)) {
    }
  } catch (const TraceError& e) {
    error = e.what();
  }
  EXPECT_EQ(error, path.string() + ": " + message);
  MsrTraceReader reader(path, {.lenient = true});
  StreamRequest r;
  std::size_t requests = 0;
  while (reader.next(r))
    ++requests;
  EXPECT_EQ(requests, 2U) << bad;
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U) << bad;
}

TEST(MsrTraceCorrupt, FieldCount) {
  expect_bad_line("200,hm,0,Read,0,4096",
                  "byte 23 (line 2): 6 fields, expected "
                  "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime");
}
TEST(MsrTraceCorrupt, BadFields) {
  expect_bad_line("2e5,hm,0,Read,0,4096,1", "byte 23 (line 2): bad Timestamp '2e5'");
  expect_bad_line("200,,0,Read,0,4096,1", "byte 27 (line 2): bad Hostname ''");
  expect_bad_line("200,hm,-1,Read,0,4096,1", "byte 30 (line 2): bad DiskNumber '-1'");
  expect_bad_line("200,hm,0,Trim,0,4096,1", "byte 32 (line 2): bad Type 'Trim'");
  expect_bad_line("200,hm,0,Read,x,4096,1", "byte 37 (line 2): bad Offset 'x'");
  expect_bad_line("200,hm,0,Read,0,0,1", "byte 39 (line 2): bad Size '0'");
  expect_bad_line("200,hm,0,Read,0,4096,1.5", "byte 44 (line 2): bad ResponseTime '1.5'");
  expect_bad_line("200,hm,0,Read,18446744073709551615,1,1",
                  "byte 37 (line 2): Offset 18446744073709551615 + Size out of range");
}
TEST(MsrTraceCorrupt, TimestampGoingBackwards) {
  expect_bad_line("99,hm,0,Read,0,4096,1",
                  "byte 23 (line 2): Timestamp 99 goes back before the previous one");
}
// Lenient, one corrupt Timestamp (far ahead or back) costs its own line, not every line after.
TEST(MsrTraceCorrupt, LenientResynchronisesAfterOneCorruptTimestamp) {
  ScratchFolder folder;
  auto lenient_times = [&](const std::vector<std::string>& stamps, std::uint64_t& skipped) {
    std::string text;
    for (const std::string& stamp : stamps)
      text += stamp + ",hm,0,Read,0,4096,1\n";
    MsrTraceReader reader(write_file(folder, text), {.lenient = true});
    std::vector<std::int64_t> times;
    StreamRequest r;
    while (reader.next(r))
      times.push_back(r.time_ns);
    skipped = reader.counters().corrupt_skipped;
    return times;
  };
  std::uint64_t skipped = 0;
  // The 4th line about 116 days ahead.
  EXPECT_EQ(lenient_times({"100", "200", "300", "100000000000300", "400", "500"}, skipped),
            (std::vector<std::int64_t>{0, 10'000, 20'000, 30'000, 40'000}));
  EXPECT_EQ(skipped, 1U);
  EXPECT_EQ(lenient_times({"100", "200", "300", "50", "400"}, skipped),
            (std::vector<std::int64_t>{0, 10'000, 20'000, 30'000}));
  EXPECT_EQ(skipped, 1U);
  // The last line beyond the int64 nanosecond range: skipped, not overflowed.
  EXPECT_EQ(lenient_times({"100", "900000000000000000"}, skipped), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(skipped, 1U);
  // Strict, the line after the one far ahead is the error.
  MsrTraceReader strict(write_file(folder,
                                   "100,hm,0,Read,0,4096,1\n100000000000300,hm,0,Read,0,4096,1\n"
                                   "400,hm,0,Read,0,4096,1\n"));
  StreamRequest r;
  EXPECT_TRUE(strict.next(r));
  EXPECT_TRUE(strict.next(r));
  EXPECT_THROW(strict.next(r), TraceError);
}

TEST(MsrTraceCorrupt, LineTooLong) {
  expect_bad_line(std::string(5000, '9'), "byte 23 (line 2): line longer than 4096 bytes");
}

}  // namespace
}  // namespace flashtwin::models
