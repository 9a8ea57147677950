// CsvTraceReader: synthetic files for every rule (header, ops, optional device, comments, CRLF,
// fractional times, buffering across long files, compressed input) and every error, whose
// messages must name the file, the byte offset of the offending field and the line number.
#include "flashtwin/models/csv_trace_reader.hpp"
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
  const fs::path path = folder / "trace.csv";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<StreamRequest> read_all(CsvTraceReader& reader) {
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  return requests;
}

TEST(CsvTraceReader, ReadsHeaderOpsDevicesAndComments) {
  ScratchFolder folder;
  const fs::path path = write_file(folder,
                                   "time_us,op,offset,length,device\r\n"
                                   "# a comment\n"
                                   "100,R,4096,8192\n"
                                   "\n"
                                   " 100.5 , write , 0 , 512 , 3 \r\n"
                                   "101,F,0,0\n"
                                   "102,flush,7,0,1\n"
                                   "103,D,1048576,65536\n"
                                   "104,discard,0,4096\n"
                                   "105,w,0,4096\n"
                                   "106,READ,512,512");  // no final newline
  CsvTraceReader reader(path);
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 8U);
  EXPECT_EQ(requests[0].time_ns, 0);
  EXPECT_EQ(requests[0].kind, IoKind::read);
  EXPECT_EQ(requests[0].offset_bytes, 4096U);
  EXPECT_EQ(requests[0].length_bytes, 8192U);
  EXPECT_EQ(requests[0].device, 0U);
  EXPECT_EQ(requests[1].time_ns, 500);
  EXPECT_EQ(requests[1].kind, IoKind::write);
  EXPECT_EQ(requests[1].device, 3U);
  EXPECT_EQ(requests[2].kind, IoKind::flush);
  EXPECT_EQ(requests[2].length_bytes, 0U);
  EXPECT_EQ(requests[3].kind, IoKind::flush);
  EXPECT_EQ(requests[3].device, 1U);
  EXPECT_EQ(requests[4].kind, IoKind::discard);
  EXPECT_EQ(requests[4].offset_bytes, 1048576U);
  EXPECT_EQ(requests[5].kind, IoKind::discard);
  EXPECT_EQ(requests[6].kind, IoKind::write);
  EXPECT_EQ(requests[7].kind, IoKind::read);
  EXPECT_EQ(requests[7].time_ns, 6000);
  EXPECT_EQ(reader.counters().lines_read, 11U);
  EXPECT_EQ(reader.counters().comment_lines, 2U);
  EXPECT_EQ(reader.counters().requests_yielded, 8U);
  StreamRequest again;
  EXPECT_FALSE(reader.next(again));
  EXPECT_FALSE(reader.next(again));
}

TEST(CsvTraceReader, HeaderIsOptional) {
  ScratchFolder folder;
  CsvTraceReader reader(write_file(folder, "5,R,0,4096\n7,W,4096,4096\n"));
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[1].time_ns, 2000);
}

TEST(CsvTraceReader, StreamsLongAndCompressedFiles) {
  ScratchFolder folder;
  std::string text = "time_us,op,offset,length\n";
  for (int i = 0; i < 20000; ++i)  // about 400 KB: many buffer refills
    text += std::to_string(i) + (i % 2 == 0 ? ",R," : ",W,") + std::to_string(i * 4096) + ",4096\n";
  const fs::path path = write_file(folder, text);
  const std::string command =
      "zstd -q -c '" + path.string() + "' > '" + (folder / "trace.csv.zst").string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  for (const fs::path& file : {path, folder / "trace.csv.zst"}) {
    CsvTraceReader reader(file);
    const auto requests = read_all(reader);
    ASSERT_EQ(requests.size(), 20000U) << file;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      ASSERT_EQ(requests[i].time_ns, static_cast<std::int64_t>(i) * 1000) << file << " " << i;
      ASSERT_EQ(requests[i].offset_bytes, i * 4096) << file << " " << i;
      ASSERT_EQ(requests[i].kind, i % 2 == 0 ? IoKind::read : IoKind::write) << file << " " << i;
    }
  }
}

TEST(CsvTraceReader, MissingFileThrows) {
  EXPECT_THROW(CsvTraceReader("/nonexistent/trace.csv"), TraceError);
}

// "0,R,0,4096\n" (11 bytes, line 1), then `bad` (line 2), then "9,W,0,4096\n": the strict reader
// throws `message` (after "FILE: "), the lenient one yields 2 requests and counts 1 skipped.
void expect_bad_line(const std::string& bad, const std::string& message,
                     CsvTraceOptions options = {}) {
  ScratchFolder folder;
  const fs::path path = write_file(folder, "0,R,0,4096\n" + bad + "\n9,W,0,4096\n");
  std::string error = "no error";
  try {
    CsvTraceReader reader(path, options);
    read_all(reader);
  } catch (const TraceError& e) {
    error = e.what();
  }
  EXPECT_EQ(error, path.string() + ": " + message);
  options.lenient = true;
  CsvTraceReader reader(path, options);
  EXPECT_EQ(read_all(reader).size(), 2U) << bad;
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U) << bad;
}

TEST(CsvTraceCorrupt, TooFewFields) {
  expect_bad_line("1,R,0",
                  "byte 11 (line 2): 3 fields, expected time_us,op,offset,length[,device]");
}
TEST(CsvTraceCorrupt, TooManyFields) {
  expect_bad_line("1,R,0,1,2,3",
                  "byte 11 (line 2): 6 fields, expected time_us,op,offset,length[,device]");
}
TEST(CsvTraceCorrupt, BadTime) {
  expect_bad_line("1.2345,R,0,4096", "byte 11 (line 2): bad time_us '1.2345'");
  expect_bad_line("-1,R,0,4096", "byte 11 (line 2): bad time_us '-1'");
}
TEST(CsvTraceCorrupt, UnknownOp) {
  expect_bad_line("1, X,0,4096", "byte 14 (line 2): unknown op 'X'");
}
TEST(CsvTraceCorrupt, BadOffsetAndLength) {
  expect_bad_line("1,R,0x10,4096", "byte 15 (line 2): bad offset '0x10'");
  expect_bad_line("1,R,0,4k", "byte 17 (line 2): bad length '4k'");
  expect_bad_line("1,R,0,99999999999999999999",
                  "byte 17 (line 2): bad length '99999999999999999999'");
}
TEST(CsvTraceCorrupt, LengthRules) {
  expect_bad_line("1,W,0,0", "byte 17 (line 2): length 0");
  expect_bad_line("1,F,0,512", "byte 17 (line 2): flush with length 512, expected 0");
  expect_bad_line("1,R,18446744073709551615,1",
                  "byte 15 (line 2): offset 18446744073709551615 + length out of range");
}
TEST(CsvTraceCorrupt, BadDevice) {
  expect_bad_line("1,R,0,512,4294967296", "byte 21 (line 2): bad device '4294967296'");
}
TEST(CsvTraceCorrupt, TimeGoingBackwards) {
  ScratchFolder folder;
  const fs::path path = write_file(folder, "5,R,0,4096\n4,R,0,4096\n9,W,0,4096\n");
  try {
    CsvTraceReader reader(path);
    read_all(reader);
    ADD_FAILURE() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": byte 11 (line 2): time 4 us goes back before the previous one");
  }
  CsvTraceReader reader(path, {.lenient = true});
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[1].time_ns, 4000);
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U);
}
// --lenient gets past one corrupt timestamp years ahead instead of dropping every line after it.
TEST(CsvTraceCorrupt, LenientResynchronisesAfterAJumpForward) {
  ScratchFolder folder;
  const fs::path path = write_file(
      folder, "0,R,0,4096\n1,R,0,4096\n9000000000000,W,0,4096\n2,W,0,4096\n3,R,0,4096\n");
  CsvTraceReader reader(path, {.lenient = true});
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 4U);
  EXPECT_EQ(requests[2].time_ns, 2000);
  EXPECT_EQ(requests[3].time_ns, 3000);
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U);
  EXPECT_EQ(reader.counters().requests_yielded, 4U);
}
TEST(CsvTraceCorrupt, HeaderNotFirstIsData) {
  expect_bad_line("time_us,op,offset,length", "byte 11 (line 2): bad time_us 'time_us'");
}
TEST(CsvTraceCorrupt, BadHeader) {
  ScratchFolder folder;
  const fs::path path = write_file(folder, "time_us,op,offset,size\n1,R,0,512\n");
  try {
    CsvTraceReader reader(path);
    read_all(reader);
    ADD_FAILURE() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() +
                  ": byte 0 (line 1): bad header, expected time_us,op,offset,length[,device]");
  }
}
TEST(CsvTraceCorrupt, LineTooLong) {
  expect_bad_line(std::string(100, '1'), "byte 11 (line 2): line longer than 64 bytes",
                  {.max_line_bytes = 64});
  // Longer than the whole read buffer.
  expect_bad_line(std::string(200'000, '1'), "byte 11 (line 2): line longer than 64 bytes",
                  {.max_line_bytes = 64});
}

}  // namespace
}  // namespace flashtwin::models
