// BlktraceReader on synthetic files: byte orders, the request mapping, the k-way merge across
// CPUs (ties included), Q vs D selection, the device filter, payload skipping and counters.
#include "flashtwin/models/blktrace_reader.hpp"
#include "blktrace_test_files.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flashtwin::models {
namespace {

using namespace testing;  // NOLINT: the blktrace test vocabulary
using engine::IoKind;

std::vector<StreamRequest> drain(BlktraceReader& reader) {
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (reader.next(request))
    requests.push_back(request);
  EXPECT_FALSE(reader.next(request)) << "the stream stays at its end";
  return requests;
}

// One CPU's events around two requests: notify, Q, G, D, C, a plug, a write.
BlktraceBytes one_cpu(bool big_endian) {
  BlktraceBytes bytes(big_endian);
  TestRecord notify;
  notify.action = kTcNotify | 0;  // __BLK_TN_PROCESS: payload = command name
  notify.sequence = 0;
  notify.time_ns = 1000;
  notify.bytes = 0;
  notify.pdu = {'j', 'a', 'v', 'a', 0};
  bytes.add(notify);
  TestRecord record = queue_record(0, 1, 1000, 2048, 8192);
  bytes.add(record);
  record.sequence = 2, record.time_ns = 1100, record.action = kGetRq | kTcRead;
  bytes.add(record);
  record.sequence = 3, record.time_ns = 1200, record.action = kIssue | kTcIssue | kTcRead;
  bytes.add(record);
  record.sequence = 4, record.time_ns = 1900, record.action = kComplete | kTcComplete | kTcRead;
  bytes.add(record);
  TestRecord plug;
  plug.sequence = 5, plug.time_ns = 2000, plug.bytes = 0, plug.action = kPlug;
  bytes.add(plug);
  bytes.add(queue_record(0, 6, 3000, 100, 512, /*write=*/true));
  return bytes;
}

TEST(BlktraceReader, YieldsQueueEventsRelativeToTheFirstRecord) {
  ScratchFolder folder;
  one_cpu(false).write(folder / "t.blktrace.0");
  BlktraceReader reader({folder / "t.blktrace.0"});
  const auto requests = drain(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].time_ns, 0);
  EXPECT_EQ(requests[0].kind, IoKind::read);
  EXPECT_EQ(requests[0].offset_bytes, 2048U * 512);
  EXPECT_EQ(requests[0].length_bytes, 8192U);
  EXPECT_EQ(requests[0].device, blktrace_device(8, 16));
  EXPECT_EQ(requests[1].time_ns, 2000);
  EXPECT_EQ(requests[1].kind, IoKind::write);
  EXPECT_EQ(requests[1].offset_bytes, 100U * 512);
  EXPECT_EQ(requests[1].length_bytes, 512U);
  const BlktraceCounters counters = reader.counters();
  EXPECT_EQ(counters.records_read, 7U);
  EXPECT_EQ(counters.requests_yielded, 2U);
  EXPECT_EQ(counters.notify_skipped, 1U);
  EXPECT_EQ(counters.other_skipped, 4U);  // G, D, C, P
  EXPECT_EQ(counters.unknown_actions, 0U);
  EXPECT_EQ(counters.corrupt_skipped, 0U);
  ASSERT_EQ(counters.sequence_gaps.size(), 1U);
  EXPECT_EQ(counters.sequence_gaps[0].gaps, 0U);
  EXPECT_EQ(reader.last_record().sequence, 6U);
}

TEST(BlktraceReader, BigEndianFileReadsLikeLittleEndian) {
  ScratchFolder folder;
  one_cpu(false).write(folder / "le.blktrace.0");
  one_cpu(true).write(folder / "be.blktrace.0");
  BlktraceReader little({folder / "le.blktrace.0"});
  BlktraceReader big({folder / "be.blktrace.0"});
  const auto expected = drain(little);
  const auto actual = drain(big);
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].time_ns, expected[i].time_ns);
    EXPECT_EQ(actual[i].kind, expected[i].kind);
    EXPECT_EQ(actual[i].offset_bytes, expected[i].offset_bytes);
    EXPECT_EQ(actual[i].length_bytes, expected[i].length_bytes);
    EXPECT_EQ(actual[i].device, expected[i].device);
  }
  EXPECT_EQ(big.counters().records_read, 7U);
}

TEST(BlktraceReader, MergesCpusByTimeThenDeviceThenSequence) {
  ScratchFolder folder;
  const std::uint32_t sda = blktrace_device(8, 0), sdb = blktrace_device(8, 16);
  auto on = [](TestRecord record, std::uint32_t device) {
    record.device = device;
    return record;
  };
  // Sectors name the expected output position.
  BlktraceBytes cpu0, cpu1, cpu2;
  cpu0.add(on(queue_record(0, 1, 100, 1, 512), sdb));
  cpu0.add(on(queue_record(0, 2, 300, 5, 512), sdb));  // tie on time with cpu2: seq 2 < 7
  cpu0.add(on(queue_record(0, 3, 500, 8, 512), sdb));
  cpu1.add(on(queue_record(1, 1, 100, 0, 512), sda));  // tie on time: device 8,0 first
  cpu1.add(on(queue_record(1, 2, 200, 2, 512), sda));
  cpu1.add(on(queue_record(1, 3, 300, 4, 512), sda));  // tie on time: device 8,0 first
  cpu2.add(on(queue_record(2, 6, 250, 3, 512), sdb));
  cpu2.add(on(queue_record(2, 7, 300, 6, 512), sdb));
  cpu2.add(on(queue_record(2, 8, 400, 7, 512), sdb));
  // The record's cpu field names the CPU, not the suffix; the files come in any order.
  cpu0.write(folder / "t.blktrace.7");
  cpu1.write(folder / "t.blktrace.3");
  cpu2.write(folder / "t.blktrace.0");
  BlktraceReader reader(BlktraceReader::cpu_files(folder / "t"));
  const auto requests = drain(reader);
  ASSERT_EQ(requests.size(), 9U);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].offset_bytes, i * 512) << "position " << i;
    if (i > 0) {
      EXPECT_GE(requests[i].time_ns, requests[i - 1].time_ns);
    }
  }
  const auto gaps = reader.counters().sequence_gaps;
  ASSERT_EQ(gaps.size(), 3U);
  for (const auto& cpu : gaps)
    EXPECT_EQ(cpu.gaps, 0U) << "cpu " << cpu.cpu;
}

TEST(BlktraceReader, CpuFilesListsSuffixesInNumericOrder) {
  ScratchFolder folder;
  for (const char* name : {"t.blktrace.10", "t.blktrace.2", "t.blktrace.0", "t.blktrace.x",
                           "u.blktrace.1", "t.blktrace.3.bak"}) {
    BlktraceBytes().write(folder / name);
  }
  const auto files = BlktraceReader::cpu_files(folder / "t");
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[0].filename(), "t.blktrace.0");
  EXPECT_EQ(files[1].filename(), "t.blktrace.2");
  EXPECT_EQ(files[2].filename(), "t.blktrace.10");
  EXPECT_THROW(BlktraceReader::cpu_files(folder / "none"), TraceError);
  BlktraceReader empty(files);  // empty files are CPUs without events
  StreamRequest request;
  EXPECT_FALSE(empty.next(request));
}

TEST(BlktraceReader, MissingPerCpuFilesAreReadAroundAndReported) {
  ScratchFolder folder;
  BlktraceBytes cpu0, cpu2;
  cpu0.add(queue_record(0, 1, 100, 0, 512));
  cpu2.add(queue_record(2, 1, 200, 8, 512));
  cpu0.write(folder / "t.blktrace.0");
  cpu2.write(folder / "t.blktrace.2");
  BlktraceBytes().write(folder / "t.blktrace.5");
  BlktraceReader reader(BlktraceReader::cpu_files(folder / "t"));
  EXPECT_EQ(drain(reader).size(), 2U);  // the CPUs that are there
  EXPECT_EQ(reader.counters().missing_cpu_files, (std::vector<unsigned>{1, 3, 4}));
  // A complete set, and one file read on its own, have no gap.
  BlktraceReader whole({folder / "t.blktrace.0"});
  EXPECT_TRUE(whole.counters().missing_cpu_files.empty());
  BlktraceReader alone({folder / "t.blktrace.2"});
  EXPECT_TRUE(alone.counters().missing_cpu_files.empty());
}

TEST(BlktraceReader, IssueEventsByOption) {
  ScratchFolder folder;
  one_cpu(false).write(folder / "t.blktrace.0");
  BlktraceOptions options;
  options.event = BlktraceOptions::Event::issue;
  BlktraceReader reader({folder / "t.blktrace.0"}, options);
  const auto requests = drain(reader);
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].time_ns, 200);
  EXPECT_EQ(requests[0].offset_bytes, 2048U * 512);
  EXPECT_EQ(reader.counters().other_skipped, 5U);  // Q, G, C, P, Q
  EXPECT_NE(reader.describe().find("D events"), std::string::npos) << reader.describe();
}

TEST(BlktraceReader, DeviceFilterKeepsOneDevice) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  TestRecord first = queue_record(0, 1, 10, 1, 512);
  first.device = blktrace_device(259, 0);
  bytes.add(first).add(queue_record(0, 2, 20, 2, 512)).add(queue_record(0, 3, 30, 3, 512));
  bytes.write(folder / "t.blktrace.0");
  BlktraceOptions options;
  options.device = blktrace_device(8, 16);
  BlktraceReader reader({folder / "t.blktrace.0"}, options);
  const auto requests = drain(reader);
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_EQ(requests[0].time_ns, 10) << "time counts from the first record of any device";
  EXPECT_EQ(requests[0].device, blktrace_device(8, 16));
  EXPECT_EQ(reader.counters().other_skipped, 1U);
  EXPECT_NE(reader.describe().find("device 8,16"), std::string::npos) << reader.describe();
}

TEST(BlktraceReader, MapsDirectionFlushAndFua) {
  ScratchFolder folder;
  BlktraceBytes bytes;
  TestRecord record = queue_record(0, 1, 0, 8, 4096);
  record.action = kQueue | kTcQueue | kTcWrite | kTcDiscard;  // discard wins over write
  bytes.add(record);
  record = queue_record(0, 2, 1, 0, 0);
  record.action = kQueue | kTcQueue | kTcWrite | kTcFlush | kTcSync;  // empty flush
  bytes.add(record);
  record = queue_record(0, 3, 2, 16, 16896);
  record.action = kQueue | kTcQueue | kTcWrite | kTcFlush | kTcFua | kTcSync;  // FWFS
  bytes.add(record);
  record = queue_record(0, 4, 3, 24, 4096);
  record.action = kQueue | kCgroup | kTcQueue | kTcRead | kTcAhead;  // RA, cgroup id in payload
  record.pdu = {1, 2, 3, 4, 5, 6, 7, 8};
  bytes.add(record);
  record = queue_record(0, 5, 4, 0, 0);
  record.action = kQueue | kTcQueue | kTcRead;  // no data, not a flush: skipped
  bytes.add(record);
  record = queue_record(0, 6, 5, 0, 512);
  record.action = 0x1f | kTcQueue;  // unknown action 31
  bytes.add(record);
  bytes.write(folder / "t.blktrace.0");

  BlktraceReader reader({folder / "t.blktrace.0"});
  StreamRequest request;
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, IoKind::discard);
  EXPECT_FALSE(reader.last_fua());
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, IoKind::flush);
  EXPECT_EQ(request.length_bytes, 0U);
  EXPECT_FALSE(reader.last_preflush());
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, IoKind::write);
  EXPECT_EQ(request.length_bytes, 16896U);
  EXPECT_TRUE(reader.last_fua());
  EXPECT_TRUE(reader.last_preflush());
  ASSERT_TRUE(reader.next(request));
  EXPECT_EQ(request.kind, IoKind::read);
  EXPECT_EQ(request.offset_bytes, 24U * 512);
  EXPECT_FALSE(reader.last_fua());
  EXPECT_EQ(reader.last_record().pdu_len, 8U);
  EXPECT_FALSE(reader.next(request));
  EXPECT_EQ(reader.counters().no_data_skipped, 1U);
  EXPECT_EQ(reader.counters().unknown_actions, 1U);
}

TEST(BlktraceReader, CountsSequenceGapsPerCpu) {
  ScratchFolder folder;
  BlktraceBytes cpu0, cpu1;
  cpu0.add(queue_record(0, 1, 10, 0, 512)).add(queue_record(0, 2, 20, 0, 512));
  cpu0.add(queue_record(0, 5, 30, 0, 512)).add(queue_record(0, 9, 40, 0, 512));
  cpu1.add(queue_record(1, 3, 15, 0, 512)).add(queue_record(1, 4, 25, 0, 512));
  cpu0.write(folder / "t.blktrace.0");
  cpu1.write(folder / "t.blktrace.1");
  BlktraceReader reader(BlktraceReader::cpu_files(folder / "t"));
  EXPECT_EQ(drain(reader).size(), 6U);
  const auto gaps = reader.counters().sequence_gaps;
  ASSERT_EQ(gaps.size(), 2U);
  EXPECT_EQ(gaps[0].cpu, 0U);
  EXPECT_EQ(gaps[0].gaps, 2U);
  EXPECT_EQ(gaps[0].lost_events, 5U);  // 3, 4, 6, 7, 8
  EXPECT_EQ(gaps[1].cpu, 1U);
  EXPECT_EQ(gaps[1].gaps, 0U);
}

TEST(BlktraceReader, ReadsPastTheBufferSize) {
  // 5000 records with 40-byte payloads span several 128 KiB buffer refills.
  ScratchFolder folder;
  BlktraceBytes bytes(true);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    TestRecord record = queue_record(3, i + 1, 1000 + i, i, 4096);
    record.pdu.assign(40, 0xab);
    bytes.add(record);
  }
  bytes.write(folder / "t.blktrace.3");
  BlktraceReader reader({folder / "t.blktrace.3"});
  const auto requests = drain(reader);
  ASSERT_EQ(requests.size(), 5000U);
  EXPECT_EQ(requests.back().time_ns, 4999);
  EXPECT_EQ(requests.back().offset_bytes, 4999U * 512);
}

}  // namespace
}  // namespace flashtwin::models
