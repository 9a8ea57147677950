// The run recording (the baseline process's way home): every kind of RunEvent replays into the
// same results as feeding Metrics directly, and a damaged recording is an error, not a crash.
#include "run_sink.hpp"

#include "flashtwin/sim/report.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace flashtwin::sim {
namespace {

using engine::IoKind;
using engine::ServedBlocks;

constexpr std::int64_t kSecond = 1'000'000'000;

RunLayout layout() {
  RunLayout l;
  l.vms = {"db", "vdi"};
  l.hosts = {HostLayout{"esx1", 1 << 30, 1 << 30, 8, 3}};
  l.interval_ns = kSecond;
  l.warmup_ns = kSecond / 2;
  l.workload_end_ns = 2 * kSecond;
  return l;
}

// One event of every alternative of RunEvent (the static_assert keeps the list complete).
std::vector<RunEvent> every_kind() {
  std::vector<RunEvent> events = {
      RequestCompleted{1, IoKind::write, 8192, kSecond, kSecond + 900, ServedBlocks{2, 0, 0}, true},
      ArrayIo{IoKind::write, 8192, kSecond + 1000, true},
      NetworkTransfer{NetworkPurpose::destage, 8192, kSecond + 1000},
      FlashIo{0, IoKind::write, 8192, kSecond, kSecond + 10, kSecond + 500},
      ClusterGauges{kSecond + 2000, 8192, 8192, 4096},
      HostGauges{0, kSecond + 2000, 1 << 20, 8192, 17, 0.25, 1.5, 12288},
      ArrayGauges{kSecond + 2000, models::ArrayLoad{.reads = 3, .nvram_used_bytes = 777}},
      ConsistencyViolation{"disk 1 block 2: read returned version 3, expected 4"},
      WritesLost{2},
      ReadsFailed{3},
      WriteBreakdown{kSecond + 900, engine::WriteTiming{900, 100, 300, 250, 200, 1}},
      ReplicaPlacement{1, 2, 1, {0, 0}},
      MigrationDone{1, 0, 1, kSecond + 2000},
      ClusterEvent{kSecond + 3000, ClusterEventKind::replicas_recovered, 0, kNoVm, 4242},
      VmOutage{1, 0, kSecond, kSecond + 5000, 0, 7, 9, 36864},
      UnderProtection{0, kSecond, kSecond + 123456},
  };
  static_assert(std::variant_size_v<RunEvent> == 16, "add the new event here");
  return events;
}

std::string results(const std::vector<RunEvent>& events, bool through_recording) {
  Metrics direct(layout());
  if (through_recording) {
    RecordingSink recording;
    for (const RunEvent& e : events)
      recording.record(e);
    recording.end(3 * kSecond);
    MetricsSink sink(direct);
    EXPECT_EQ(replay(recording.recording(), sink), 3 * kSecond);
  } else {
    for (const RunEvent& e : events)
      direct.record(e);
  }
  direct.finish(3 * kSecond);
  return summary_json(direct) + timeseries_csv(direct);
}

TEST(RunRecording, ReplayGivesTheResultsOfDirectFeeding) {
  const std::vector<RunEvent> events = every_kind();
  const std::string direct = results(events, false);
  EXPECT_EQ(direct, results(events, true));
  // And the events did reach the results (a replay that dropped them would not match this).
  EXPECT_NE(direct.find("\"evictions\": 0"), std::string::npos);
  EXPECT_NE(direct.find("\"unexplained_writes_lost\": 2"), std::string::npos);
  EXPECT_NE(direct.find("\"acknowledged_writes_lost\": 9"), std::string::npos);  // 2 + 7
  EXPECT_NE(direct.find("expected 4"), std::string::npos);
  EXPECT_NE(direct.find("\"destage\": 8192"), std::string::npos);
  EXPECT_NE(direct.find("\"last\": 777"), std::string::npos);     // the array's NVRAM
  EXPECT_NE(direct.find("\"last\": 12288"), std::string::npos);   // replica bytes
  EXPECT_NE(direct.find("\"blocks\": 4242"), std::string::npos);  // the failure timeline
  EXPECT_NE(direct.find("\"bytes_lost\": 36864"), std::string::npos);
  EXPECT_NE(direct.find("\"under_protected_ns\": 123456"), std::string::npos);
  EXPECT_NE(direct.find("\"max\": 4096"), std::string::npos);  // under-protected bytes
  EXPECT_NE(direct.find("\"peer_flash\": 200"), std::string::npos);
  EXPECT_NE(direct.find("\"write_through\": true"), std::string::npos);
}

TEST(RunRecording, ShorthandsRecordTheSameEvents) {
  RecordingSink a;
  RecordingSink b;
  a.request_completed(0, IoKind::read, 4096, 1, 2, ServedBlocks{1, 0, 0}, true);
  b.record(RequestCompleted{0, IoKind::read, 4096, 1, 2, ServedBlocks{1, 0, 0}, true});
  a.array_io(IoKind::read, 4096, 3, false);
  b.record(ArrayIo{IoKind::read, 4096, 3, false});
  a.violation("x");
  b.record(ConsistencyViolation{"x"});
  EXPECT_EQ(a.recording(), b.recording());
}

TEST(RunRecording, DamagedRecordingsAreErrors) {
  RecordingSink recording;
  recording.record(ConsistencyViolation{"a violation"});
  recording.record(ArrayIo{IoKind::read, 1, 1, false});
  recording.end(7);
  Metrics m(layout());
  MetricsSink sink(m);
  const std::string& bytes = recording.recording();
  EXPECT_THROW(replay(std::string_view(bytes).substr(0, bytes.size() - 1), sink),
               std::runtime_error);
  Metrics n(layout());
  MetricsSink other(n);
  EXPECT_THROW(replay(std::string(1, '\x7f'), other), std::runtime_error);
  Metrics o(layout());
  MetricsSink third(o);
  EXPECT_THROW(replay(std::string(bytes.data(), 4), third), std::runtime_error);
  // Whole records but no end record: the run did not finish sending.
  Metrics p(layout());
  MetricsSink fourth(p);
  EXPECT_THROW(replay(std::string_view(bytes).substr(0, bytes.size() - 9), fourth),
               std::runtime_error);
  // Anything after the end record.
  Metrics q(layout());
  MetricsSink fifth(q);
  EXPECT_THROW(replay(bytes + bytes, fifth), std::runtime_error);
}

// The baseline's recording arrives through a pipe in pieces of any size.
TEST(RecordingReplayer, ChunksCutAnywhereReplayAsTheWhole) {
  RecordingSink recording;
  for (int round = 0; round < 3; ++round)
    for (const RunEvent& e : every_kind())
      recording.record(e);
  recording.end(3 * kSecond);
  const std::string& bytes = recording.recording();

  Metrics whole(layout());
  MetricsSink whole_sink(whole);
  replay(bytes, whole_sink);
  whole.finish(3 * kSecond);
  const std::string expected = summary_json(whole) + timeseries_csv(whole);

  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{64}}) {
    Metrics pieces(layout());
    MetricsSink sink(pieces);
    RecordingReplayer replayer(sink);
    for (std::size_t at = 0; at < bytes.size(); at += chunk)
      replayer.feed(std::string_view(bytes).substr(at, chunk));
    pieces.finish(replayer.finish());
    EXPECT_EQ(summary_json(pieces) + timeseries_csv(pieces), expected) << "chunk " << chunk;
  }
}

TEST(RecordingSink, SpillsAsItGoesSoItNeverHoldsTheWholeRun) {
  std::string spilled;
  std::size_t spills = 0;
  RecordingSink streaming(
      [&](std::string_view bytes) {
        spilled.append(bytes);
        ++spills;
      },
      256);
  RecordingSink whole;
  for (int i = 0; i < 1000; ++i) {
    const RunEvent e = ArrayIo{IoKind::read, 4096, i, false};
    streaming.record(e);
    whole.record(e);
    EXPECT_LT(streaming.recording().size(), 256 + sizeof(ArrayIo) + 1);
  }
  streaming.end(5);
  whole.end(5);
  EXPECT_TRUE(streaming.recording().empty());
  EXPECT_GT(spills, 10u);
  EXPECT_EQ(spilled, whole.recording());
}

}  // namespace
}  // namespace flashtwin::sim
