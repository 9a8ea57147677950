// The baseline's recording crosses a pipe in chunks cut anywhere: replaying it chunk by chunk must
// give what replaying it whole gives, and a recording cut within a record must be an error.
#include "run_sink.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace flashtwin::sim {
namespace {

// Every kind of record, twice over.
void record_a_run(RunSink& sink) {
  for (int round = 0; round < 2; ++round) {
    const std::int64_t t = round * 1000;
    engine::ServedBlocks served;
    served.local_flash = 2;
    sink.request_completed(0, engine::IoKind::read, 8192, t + 10, t + 50, served, true);
    sink.request_completed(1, engine::IoKind::write, 4096, t + 20, t + 90, {}, false);
    sink.array_io(engine::IoKind::write, 4096, t + 95, true);
    sink.gauges(t + 100, 4096, 4096);
  }
  sink.violation("disk 1 block 2: stale read");
  sink.acknowledged_writes_lost(3);
  sink.reads_failed(2);
}

Metrics metrics() {
  return Metrics({"a", "b"}, 1000);
}

TEST(RecordingReplayer, ChunksCutAnywhereReplayAsTheWhole) {
  RecordingSink recording;
  record_a_run(recording);
  recording.end(5000);
  const std::string bytes = recording.recording();

  Metrics whole = metrics();
  MetricsSink whole_sink(whole);
  RecordingReplayer all(whole_sink);
  all.feed(bytes);
  all.finish();
  ASSERT_TRUE(all.end_ns().has_value());
  EXPECT_EQ(*all.end_ns(), 5000);

  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{64}}) {
    Metrics pieces = metrics();
    MetricsSink sink(pieces);
    RecordingReplayer replayer(sink);
    for (std::size_t at = 0; at < bytes.size(); at += chunk)
      replayer.feed(std::string_view(bytes).substr(at, chunk));
    replayer.finish();
    EXPECT_EQ(replayer.end_ns(), all.end_ns());
    const ClusterTotals& a = whole.cluster();
    const ClusterTotals& b = pieces.cluster();
    EXPECT_EQ(b.io.reads.ios, a.io.reads.ios);
    EXPECT_EQ(b.io.reads.ios, 2u);
    EXPECT_EQ(b.io.failed, a.io.failed);
    EXPECT_EQ(b.array.destage_writes.ios, 2u);
    EXPECT_EQ(b.dirty_bytes.max, 4096u);
    EXPECT_EQ(b.violations, a.violations);
    EXPECT_EQ(b.acknowledged_writes_lost, 3u);
    EXPECT_EQ(b.reads_failed, 2u);
  }
}

TEST(RecordingReplayer, ARecordCutShortIsAnError) {
  RecordingSink recording;
  record_a_run(recording);
  const std::string bytes = recording.recording();
  Metrics m = metrics();
  MetricsSink sink(m);
  RecordingReplayer replayer(sink);
  replayer.feed(std::string_view(bytes).substr(0, bytes.size() - 3));
  EXPECT_THROW(replayer.finish(), std::runtime_error);
  EXPECT_THROW(replay(std::string_view(bytes).substr(0, 5), sink), std::runtime_error);
  EXPECT_THROW(replay(std::string(1, '\x7f'), sink), std::runtime_error);  // unknown record
}

TEST(RecordingSink, SpillsAsItGoesSoItNeverHoldsTheWholeRun) {
  std::string spilled;
  std::size_t spills = 0;
  RecordingSink recording(
      [&](std::string_view bytes) {
        spilled.append(bytes);
        ++spills;
      },
      256);
  for (int i = 0; i < 100; ++i)
    record_a_run(recording);
  EXPECT_LT(recording.recording().size(), 256u + 128u);  // at most one spill's worth, plus a record
  EXPECT_GT(spills, 10u);
  recording.flush();
  EXPECT_TRUE(recording.recording().empty());
  RecordingSink whole;
  for (int i = 0; i < 100; ++i)
    record_a_run(whole);
  EXPECT_EQ(spilled, whole.recording());
}

}  // namespace
}  // namespace flashtwin::sim
