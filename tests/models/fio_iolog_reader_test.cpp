// FioIologReader: synthetic fio version 2 and 3 logs (actions, several files, timing, blank lines,
// CRLF) and every error, whose messages must name the file, the byte offset of the offending field
// and the line number.
#include "flashtwin/models/fio_iolog_reader.hpp"
#include "blktrace_test_files.hpp"  // ScratchFolder

#include <gtest/gtest.h>

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
  const fs::path path = folder / "job.iolog";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<StreamRequest> read_all(FioIologReader& reader) {
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  return requests;
}

// The message of the TraceError that reading the whole of `text` throws ("" if none).
std::string error_of(const ScratchFolder& folder, const std::string& text) {
  const fs::path path = write_file(folder, text);
  try {
    FioIologReader reader(path);
    read_all(reader);
  } catch (const TraceError& e) {
    return e.what();
  }
  return {};
}

TEST(FioIologReader, ReadsVersion2ActionsWithoutTimes) {
  ScratchFolder folder;
  const fs::path path = write_file(folder,
                                   "fio version 2 iolog\n"
                                   "/dev/sdb add\n"
                                   "/dev/sdb open\n"
                                   "/dev/sdb read 4096 8192\n"
                                   "\n"
                                   "/dev/sdb write 0 512\r\n"
                                   "/dev/sdb\ttrim  1048576 65536\n"
                                   "/dev/sdb sync 0 0\n"
                                   "/dev/sdb datasync 77 12\n"
                                   "/dev/sdb close");  // no final newline
  FioIologReader reader(path);
  EXPECT_EQ(reader.version(), 2);
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 5U);
  EXPECT_EQ(requests[0].kind, IoKind::read);
  EXPECT_EQ(requests[0].offset_bytes, 4096U);
  EXPECT_EQ(requests[0].length_bytes, 8192U);
  EXPECT_EQ(requests[1].kind, IoKind::write);
  EXPECT_EQ(requests[1].length_bytes, 512U);
  EXPECT_EQ(requests[2].kind, IoKind::discard);
  EXPECT_EQ(requests[2].offset_bytes, 1048576U);
  EXPECT_EQ(requests[2].length_bytes, 65536U);
  EXPECT_EQ(requests[3].kind, IoKind::flush);
  EXPECT_EQ(requests[4].kind, IoKind::flush);
  EXPECT_EQ(requests[4].offset_bytes, 0U);
  EXPECT_EQ(requests[4].length_bytes, 0U);
  for (const StreamRequest& r : requests) {
    EXPECT_EQ(r.time_ns, 0);
    EXPECT_EQ(r.device, 0U);
  }
  EXPECT_EQ(reader.counters().lines_read, 10U);
  EXPECT_EQ(reader.counters().requests_yielded, 5U);
  EXPECT_EQ(reader.counters().file_actions, 3U);
  EXPECT_EQ(reader.counters().blank_lines, 1U);
  EXPECT_EQ(reader.files(), std::vector<std::string>{"/dev/sdb"});
  EXPECT_NE(reader.describe().find("closed-loop"), std::string::npos);
  StreamRequest more;
  EXPECT_FALSE(reader.next(more));
}

TEST(FioIologReader, ReadsVersion3TimesRelativeToTheFirstRequest) {
  ScratchFolder folder;
  const fs::path path = write_file(folder,
                                   "fio version 3 iolog\n"
                                   "0 /data/f add\n"
                                   "3 /data/f open\n"
                                   "5 /data/f write 0 4096\n"
                                   "5 /data/f read 4096 4096\n"
                                   "1250 /data/f trim 8192 4096\n"
                                   "1300 /data/f close\n");
  FioIologReader reader(path);
  EXPECT_EQ(reader.version(), 3);
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(requests[0].time_ns, 0);
  EXPECT_EQ(requests[1].time_ns, 0);
  EXPECT_EQ(requests[2].time_ns, 1'245'000'000);
  EXPECT_EQ(requests[2].kind, IoKind::discard);
  EXPECT_EQ(reader.describe().find("closed-loop"), std::string::npos);
}

TEST(FioIologReader, NumbersFilesInTheOrderOfTheirFirstAdd) {
  ScratchFolder folder;
  const fs::path path = write_file(folder,
                                   "fio version 3 iolog\n"
                                   "0 b add\n"
                                   "0 a add\n"
                                   "1 a read 0 512\n"
                                   "2 b read 0 512\n"
                                   "2 c add\n"
                                   "2 b add\n"  // a second add keeps the number
                                   "3 c write 512 512\n"
                                   "4 b write 0 512\n");
  FioIologReader reader(path);
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 4U);
  EXPECT_EQ(requests[0].device, 1U);
  EXPECT_EQ(requests[1].device, 0U);
  EXPECT_EQ(requests[2].device, 2U);
  EXPECT_EQ(requests[3].device, 0U);
  EXPECT_EQ(reader.files(), (std::vector<std::string>{"b", "a", "c"}));
}

TEST(FioIologReader, RejectsAFileWithoutAHeader) {
  ScratchFolder folder;
  const std::string expected =
      ": byte 0 (line 1): not a fio version 2 or 3 iolog (the first line "
      "must be 'fio version 2 iolog' or 'fio version 3 iolog')";
  for (const std::string text : {"", "fio version 1 iolog\n", "/dev/sdb add\n"}) {
    const fs::path path = write_file(folder, text);
    try {
      FioIologReader reader(path, {.lenient = true});
      ADD_FAILURE() << "no error for '" << text << "'";
    } catch (const TraceError& e) {
      EXPECT_EQ(std::string(e.what()), path.string() + expected);
    }
  }
  EXPECT_THROW(FioIologReader("/nonexistent/job.iolog"), TraceError);
}

TEST(FioIologReader, NamesFileLineAndByteOfEveryError) {
  ScratchFolder folder;
  const std::string name = (folder / "job.iolog").string();
  const std::string v2 = "fio version 2 iolog\nf add\n";    // 26 bytes: line 3 starts at byte 26
  const std::string v3 = "fio version 3 iolog\n0 f add\n";  // 28 bytes
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {v2 + "f\n", "byte 26 (line 3): 1 fields, expected FILENAME ACTION [OFFSET LENGTH]"},
      {v2 + "f fetch 0 1\n", "byte 28 (line 3): unknown action 'fetch'"},
      {v2 + "f read 0\n", "byte 26 (line 3): 3 fields, 'read' needs OFFSET LENGTH"},
      {v2 + "f read 0 1 2\n", "byte 37 (line 3): 5 fields, 'read' needs OFFSET LENGTH"},
      {v2 + "f sync\n", "byte 26 (line 3): 2 fields, 'sync' needs OFFSET LENGTH"},
      {v2 + "f open 0 1\n", "byte 33 (line 3): 4 fields, 'open' takes no OFFSET LENGTH"},
      {v2 + "f read x 1\n", "byte 33 (line 3): bad offset 'x'"},
      {v2 + "f read -1 1\n", "byte 33 (line 3): bad offset '-1'"},
      {v2 + "f write 0 1y\n", "byte 36 (line 3): bad length '1y'"},
      {v2 + "f sync 0 z\n", "byte 35 (line 3): bad length 'z'"},
      {v2 + "f trim 4096 0\n", "byte 38 (line 3): length 0"},
      {v2 + "f read 18446744073709551615 1\n",
       "byte 33 (line 3): offset 18446744073709551615 + length out of range"},
      {v2 + "g read 0 1\n", "byte 26 (line 3): file 'g' was not added"},
      {v2 + "g close\n", "byte 26 (line 3): file 'g' was not added"},
      {v3 + "f add\n", "byte 28 (line 3): 2 fields, expected TIME FILENAME ACTION [OFFSET LENGTH]"},
      {v3 + "x f read 0 1\n", "byte 28 (line 3): bad time 'x'"},
      {v3 + "1.5 f read 0 1\n", "byte 28 (line 3): bad time '1.5'"},
      {v3 + "99999999999999 f read 0 1\n", "byte 28 (line 3): bad time '99999999999999'"},
      {v3 + "5 f read 0 1\n4 f close\n",
       "byte 41 (line 4): time 4 ms goes back before the "
       "previous one"},
      {v3 + "5 f read 0 1 2\n", "byte 41 (line 3): 6 fields, 'read' needs OFFSET LENGTH"},
      {v2 + "f read 0 " + std::string(5000, '1') + "\n",
       "byte 26 (line 3): line longer than "
       "4096 bytes"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(error_of(folder, c.text), name + ": " + c.message) << c.text.substr(0, 80);
  }
}

TEST(FioIologReader, LenientSkipsAndCountsMalformedLines) {
  ScratchFolder folder;
  const fs::path path = write_file(folder,
                                   "fio version 3 iolog\n"
                                   "0 f add\n"
                                   "1 f read 0 4096\n"
                                   "2 f fetch 0 1\n"
                                   "3 g read 0 1\n"
                                   "0 f read 0 1\n"  // back in time
                                   "4 f write 4096 4096\n");
  FioIologReader reader(path, {.lenient = true});
  const auto requests = read_all(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[1].kind, IoKind::write);
  EXPECT_EQ(requests[1].time_ns, 3'000'000);
  EXPECT_EQ(reader.counters().corrupt_skipped, 3U);
  EXPECT_EQ(reader.counters().lines_read, 7U);
}

// Lenient, one corrupt time (far ahead or back) costs its own line, not every line after it;
// file actions' times are not checked.
TEST(FioIologReader, LenientResynchronisesAfterOneCorruptTime) {
  ScratchFolder folder;
  const std::string head = "fio version 3 iolog\n5 f add\n";
  const fs::path ahead = write_file(folder, head +
                                                "10 f read 0 4096\n"
                                                "20 f read 4096 4096\n"
                                                "99999999999 f write 0 4096\n"
                                                "30 f write 8192 4096\n"
                                                "0 f open\n"
                                                "40 f read 0 4096\n");
  FioIologReader reader(ahead, {.lenient = true});
  std::vector<std::int64_t> times;
  for (const StreamRequest& r : read_all(reader))
    times.push_back(r.time_ns);
  EXPECT_EQ(times, (std::vector<std::int64_t>{0, 10'000'000, 20'000'000, 30'000'000}));
  EXPECT_EQ(reader.counters().corrupt_skipped, 1U);
  EXPECT_EQ(error_of(folder, head + "10 f read 0 1\n99999999999 f read 0 1\n30 f read 0 1\n"),
            (folder / "job.iolog").string() +
                ": byte 65 (line 5): time 30 ms goes back before the previous one");
}

}  // namespace
}  // namespace flashtwin::models
