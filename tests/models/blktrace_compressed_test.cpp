// BlktraceReader on gzip and zstd files (recognised by their first bytes): the same requests as
// the plain file, concatenated members / frames, and truncated compressed data as a TraceError.
// Compressed copies are made at test time with the gzip and zstd command-line tools.
#include "blktrace_test_files.hpp"
#include "flashtwin/models/blktrace_reader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

using namespace testing;  // NOLINT: the blktrace test vocabulary
namespace fs = std::filesystem;

struct Compressor {
  const char* name;
  const char* command;  // reads stdin, writes stdout
};
const Compressor kCompressors[] = {{"gzip", "gzip -c"}, {"zstd", "zstd -q -c"}};

// Writes `command` < from > to; fails the test if the tool fails.
void pipe_through(const std::string& command, const fs::path& from, const fs::path& to,
                  bool append = false) {
  const std::string line =
      command + " < '" + from.string() + "' " + (append ? ">>" : ">") + " '" + to.string() + "'";
  ASSERT_EQ(std::system(line.c_str()), 0) << line;
}

std::vector<StreamRequest> drain(const std::vector<fs::path>& files) {
  BlktraceReader reader(files);
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  return requests;
}

void expect_same(const std::vector<StreamRequest>& actual,
                 const std::vector<StreamRequest>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].time_ns, expected[i].time_ns) << i;
    EXPECT_EQ(actual[i].kind, expected[i].kind) << i;
    EXPECT_EQ(actual[i].offset_bytes, expected[i].offset_bytes) << i;
    EXPECT_EQ(actual[i].length_bytes, expected[i].length_bytes) << i;
    EXPECT_EQ(actual[i].device, expected[i].device) << i;
  }
}

// 3000 big-endian records with payloads: about 270 KB, more than one read buffer.
BlktraceBytes many_records(std::uint32_t first_sequence) {
  BlktraceBytes bytes(true);
  for (std::uint32_t i = 0; i < 3000; ++i) {
    const std::uint32_t sequence = first_sequence + i;
    TestRecord record = queue_record(0, sequence, 10ULL * sequence, sequence, 4096, i % 3 == 0);
    record.pdu.assign(i % 80, 0x5a);
    bytes.add(record);
  }
  return bytes;
}

TEST(BlktraceCompressed, ReadsLikeThePlainFile) {
  ScratchFolder folder;
  const fs::path plain = folder / "t.blktrace.0";
  many_records(1).write(plain);
  const auto expected = drain({plain});
  ASSERT_EQ(expected.size(), 3000U);
  for (const Compressor& compressor : kCompressors) {
    SCOPED_TRACE(compressor.name);
    const fs::path packed = folder / (std::string("packed-") + compressor.name + ".blktrace.0");
    pipe_through(compressor.command, plain, packed);
    expect_same(drain({packed}), expected);
  }
}

TEST(BlktraceCompressed, ConcatenatedMembersAndFrames) {
  ScratchFolder folder;
  many_records(1).write(folder / "first");
  many_records(3001).write(folder / "second");
  for (const Compressor& compressor : kCompressors) {
    SCOPED_TRACE(compressor.name);
    const fs::path packed = folder / (std::string("joined-") + compressor.name);
    pipe_through(compressor.command, folder / "first", packed);
    pipe_through(compressor.command, folder / "second", packed, /*append=*/true);
    const auto requests = drain({packed});
    ASSERT_EQ(requests.size(), 6000U);
    EXPECT_EQ(requests.back().offset_bytes, 6000U * 512);
  }
}

TEST(BlktraceCompressed, MixesCompressedAndPlainCpuFiles) {
  ScratchFolder folder;
  BlktraceBytes cpu0, cpu1;
  cpu0.add(queue_record(0, 1, 100, 1, 512)).add(queue_record(0, 2, 300, 3, 512));
  cpu1.add(queue_record(1, 1, 200, 2, 512)).add(queue_record(1, 2, 400, 4, 512));
  cpu0.write(folder / "plain0");
  cpu1.write(folder / "t.blktrace.1");
  pipe_through("zstd -q -c", folder / "plain0", folder / "t.blktrace.0");
  const auto requests = drain(BlktraceReader::cpu_files(folder / "t"));
  ASSERT_EQ(requests.size(), 4U);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].offset_bytes, (i + 1) * 512);
  }
}

TEST(BlktraceCompressed, TruncatedCompressedDataIsATraceError) {
  ScratchFolder folder;
  const fs::path plain = folder / "t.blktrace.0";
  many_records(1).write(plain);
  for (const Compressor& compressor : kCompressors) {
    SCOPED_TRACE(compressor.name);
    const fs::path packed = folder / (std::string("cut-") + compressor.name);
    pipe_through(compressor.command, plain, packed);
    fs::resize_file(packed, fs::file_size(packed) / 2);
    BlktraceOptions options;
    options.lenient = true;  // damaged compression is an error even when lenient
    try {
      BlktraceReader reader({packed}, options);
      StreamRequest request;
      while (reader.next(request)) {
      }
      ADD_FAILURE() << "no TraceError";
    } catch (const TraceError& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.rfind(packed.string() + ": byte ", 0), 0U) << message;
      EXPECT_NE(message.find(compressor.name), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace flashtwin::models
