// RunSink: where a running simulation sends its RunEvents (run_event.hpp). The runtime reports
// into a sink; the sink either feeds Metrics at once (MetricsSink) or records the events
// (RecordingSink) so that they can be replayed into Metrics in another process: SimGrid allows one
// engine per process, so the baseline run happens in a child process and streams its recording
// back (RecordingSink spills as it goes; RecordingReplayer takes the stream in chunks cut
// anywhere), so neither process holds a whole run's recording. The shorthands build the event and
// call record(). Internal to sim/.
#pragma once

#include "flashtwin/sim/metrics.hpp"
#include "flashtwin/sim/run_event.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace flashtwin::sim {

class RunSink {
 public:
  virtual ~RunSink() = default;
  virtual void record(const RunEvent& event) = 0;

  // Shorthands.
  void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                         std::int64_t submitted_ns, std::int64_t completed_ns,
                         const engine::ServedBlocks& served, bool ok) {
    record(RequestCompleted{vm, kind, bytes, submitted_ns, completed_ns, served, ok});
  }
  void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns, bool destage) {
    record(ArrayIo{kind, bytes, now_ns, destage});
  }
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk,
              std::uint64_t underprotected_bytes = 0) {
    record(ClusterGauges{now_ns, dirty_bytes, bytes_at_risk, underprotected_bytes});
  }
  void violation(std::string what) { record(ConsistencyViolation{std::move(what)}); }
  void acknowledged_writes_lost(std::uint64_t writes) { record(WritesLost{writes}); }
  void reads_failed(std::uint64_t reads) { record(ReadsFailed{reads}); }
};

class MetricsSink final : public RunSink {
 public:
  explicit MetricsSink(Metrics& metrics) : metrics_(metrics) {}
  void record(const RunEvent& event) override { metrics_.record(event); }

 private:
  Metrics& metrics_;
};

// Records every event as its variant index and its bytes (host byte order and layout: the
// recording never leaves the machine nor the program; it goes from a child process to its
// parent). Strings are a length and their characters. A recording ends with the run's end time
// (end()). With a `spill` function, the bytes recorded are handed to it whenever at least
// `spill_bytes` are buffered, and by end(); without one they stay in recording().
class RecordingSink final : public RunSink {
 public:
  using Spill = std::function<void(std::string_view)>;
  explicit RecordingSink(Spill spill = {}, std::size_t spill_bytes = std::size_t{1} << 16)
      : spill_(std::move(spill)), spill_bytes_(spill_bytes) {}
  void record(const RunEvent& event) override;
  // The run ended at end_ns: the last record of a recording. Spills what is buffered.
  void end(std::int64_t end_ns);
  const std::string& recording() const { return bytes_; }

 private:
  void spill_if_full();
  Spill spill_;
  std::size_t spill_bytes_;
  std::string bytes_;
};

// Replays a recording into a sink as its bytes arrive, in chunks cut anywhere.
class RecordingReplayer {
 public:
  explicit RecordingReplayer(RunSink& sink) : sink_(sink) {}
  // Replays every whole record of what arrived so far; keeps a record cut short for the next
  // chunk. Throws std::runtime_error for an unknown record or bytes after the end record.
  void feed(std::string_view chunk);
  // The recording is complete. Throws std::runtime_error if it stops within a record or before
  // its end record. Returns the run's end time.
  std::int64_t finish() const;

 private:
  RunSink& sink_;
  std::string carry_;  // the start of a record cut short
  std::optional<std::int64_t> end_ns_;
};

// Replays a whole recording into `sink`; returns its end time. Throws std::runtime_error if the
// recording is cut short or holds an unknown record.
std::int64_t replay(std::string_view recording, RunSink& sink);

}  // namespace flashtwin::sim
