// Trace writers: every writer's output read back by the matching reader gives the requests that
// were written (within the format's resolution); skipped and widened requests; the temporary
// file and the rename that keep a failed conversion from leaving partial output.
#include "flashtwin/models/trace_writers.hpp"
#include "blktrace_test_files.hpp"  // ScratchFolder
#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/csv_trace_reader.hpp"
#include "flashtwin/models/vscsi_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

namespace fs = std::filesystem;
using engine::IoKind;
using testing::ScratchFolder;

std::vector<StreamRequest> read_all(RequestStream& reader) {
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  return requests;
}

StreamRequest request(std::int64_t time_ns, IoKind kind, std::uint64_t offset, std::uint64_t length,
                      std::uint32_t device = 0) {
  return {.time_ns = time_ns,
          .kind = kind,
          .offset_bytes = offset,
          .length_bytes = length,
          .device = device};
}

void write_all(TraceWriter& writer, const std::vector<StreamRequest>& requests) {
  for (const StreamRequest& r : requests)
    writer.write(r);
  writer.finish();
}

void expect_same(const std::vector<StreamRequest>& got, const std::vector<StreamRequest>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].time_ns, want[i].time_ns) << i;
    EXPECT_EQ(got[i].kind, want[i].kind) << i;
    EXPECT_EQ(got[i].offset_bytes, want[i].offset_bytes) << i;
    EXPECT_EQ(got[i].length_bytes, want[i].length_bytes) << i;
    EXPECT_EQ(got[i].device, want[i].device) << i;
  }
}

TEST(TraceWriter, CsvRoundTripIsExact) {
  ScratchFolder folder;
  const std::vector<StreamRequest> requests = {
      request(0, IoKind::read, 4096, 8192),
      request(1, IoKind::write, 3, 5, 2),
      request(1'234'567, IoKind::flush, 0, 0, 1),
      request(9'000'000'000'999, IoKind::discard, 1ULL << 40, 1 << 20, 4'000'000'000U),
  };
  const fs::path path = folder / "out.csv";
  auto writer = make_trace_writer("csv", path);
  write_all(*writer, requests);
  EXPECT_EQ(writer->counters().written, 4U);
  std::ifstream in(path);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header, "time_us,op,offset,length,device");
  EXPECT_EQ(first, "0.000,R,4096,8192,0");
  CsvTraceReader reader(path);
  expect_same(read_all(reader), requests);
  EXPECT_FALSE(fs::exists(folder / "out.csv.tmp"));
}

TEST(TraceWriter, VscsiRoundTripKeepsReadsAndWritesToTheMicrosecond) {
  ScratchFolder folder;
  const fs::path path = folder / "out.vscsi";
  auto writer = make_trace_writer("vscsi", path);
  EXPECT_TRUE(writer->write(request(0, IoKind::write, 512, 4096, 3)));
  EXPECT_FALSE(writer->write(request(10, IoKind::flush, 0, 0)));
  EXPECT_FALSE(writer->write(request(20, IoKind::discard, 0, 4096)));
  EXPECT_TRUE(writer->write(request(1'500'999, IoKind::read, 1ULL << 39, 12345)));
  EXPECT_TRUE(writer->write(request(2'000'000, IoKind::read, 1000, 100)));  // widened
  writer->finish();
  EXPECT_EQ(writer->counters().written, 3U);
  EXPECT_EQ(writer->counters().skipped, 2U);
  EXPECT_EQ(writer->counters().widened, 1U);
  EXPECT_EQ(fs::file_size(path), 3U * 32);
  VscsiReader reader(path);
  expect_same(read_all(reader), {request(0, IoKind::write, 512, 4096),
                                 request(1'500'000, IoKind::read, 1ULL << 39, 12345),
                                 request(2'000'000, IoKind::read, 512, 588)});
  std::ifstream in(path, std::ios::binary);
  unsigned char record[32] = {};
  in.read(reinterpret_cast<char*>(record), 32);
  EXPECT_EQ(record[8], 1);      // nSG
  EXPECT_EQ(record[12], 0x2a);  // WRITE(10)
  EXPECT_EQ(record[15], 0x01);  // version 0x0100
  EXPECT_EQ(record[16], 1);     // lbn 1
}

TEST(TraceWriter, BlktraceRoundTripKeepsEveryKindAndDevice) {
  ScratchFolder folder;
  const std::uint32_t sdb = blktrace_device(8, 16), nvme = blktrace_device(259, 0);
  const std::vector<StreamRequest> requests = {
      request(0, IoKind::read, 4096, 8192, sdb),
      request(7, IoKind::write, 0, 512, nvme),
      request(1'000'000'001, IoKind::flush, 0, 0, sdb),
      request(1'000'000'002, IoKind::discard, 1ULL << 40, 1 << 20, sdb),
  };
  const fs::path path = folder / "out.blktrace";
  auto writer = make_trace_writer("blktrace", path);
  write_all(*writer, requests);
  EXPECT_EQ(fs::file_size(path), 4U * 48);
  BlktraceReader reader({path});
  expect_same(read_all(reader), requests);
  std::ifstream in(path, std::ios::binary);
  unsigned char record[48] = {};
  in.read(reinterpret_cast<char*>(record), 48);
  EXPECT_EQ(record[0], 0x07);  // magic 0x65617407, little-endian
  EXPECT_EQ(record[3], 0x65);
  EXPECT_EQ(record[4], 1);   // sequence 1
  EXPECT_EQ(record[28], 1);  // action: QUEUE, categories QUEUE | READ
  EXPECT_EQ(record[30], 0x11);
}

TEST(TraceWriter, BlktraceWidensToWholeSectors) {
  ScratchFolder folder;
  const fs::path path = folder / "out.blktrace";
  auto writer = make_trace_writer("blktrace", path);
  writer->write(request(0, IoKind::write, 1000, 100));
  writer->write(request(1, IoKind::write, 1024, 1024));
  writer->finish();
  EXPECT_EQ(writer->counters().widened, 1U);
  BlktraceReader reader({path});
  expect_same(read_all(reader),
              {request(0, IoKind::write, 512, 1024), request(1, IoKind::write, 1024, 1024)});
}

TEST(TraceWriter, LeavesNoPartialOutputWithoutFinish) {
  ScratchFolder folder;
  const fs::path path = folder / "out.csv";
  std::ofstream(path) << "old";
  {
    auto writer = make_trace_writer("csv", path);
    writer->write(request(0, IoKind::read, 0, 512));
    EXPECT_TRUE(fs::exists(folder / "out.csv.tmp"));
  }
  EXPECT_FALSE(fs::exists(folder / "out.csv.tmp"));
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "old");
}

TEST(TraceWriter, RejectsWhatNoFormatHolds) {
  ScratchFolder folder;
  EXPECT_THROW(make_trace_writer("msr", folder / "x"), std::invalid_argument);
  EXPECT_THROW(make_trace_writer("csv", folder / "no-such-dir" / "x.csv"), TraceError);
  const fs::path path = folder / "big.vscsi";
  auto writer = make_trace_writer("vscsi", path);
  try {
    writer->write(request(0, IoKind::read, 0, 1ULL << 32));
    ADD_FAILURE() << "no error";
  } catch (const TraceError& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() +
                  ": a request of 4294967296 bytes does not fit a vscsi record (at "
                  "most 4294967295 bytes)");
  }
  EXPECT_EQ(trace_writer_formats(), (std::vector<std::string>{"csv", "vscsi", "blktrace"}));
}

}  // namespace
}  // namespace flashtwin::models
