// RunSink: where a running simulation sends its RunEvents (run_event.hpp). The runtime reports
// into a sink; the sink either feeds Metrics at once (MetricsSink) or records the events
// (RecordingSink) so that they can be replayed into Metrics in another process: SimGrid allows one
// engine per process, so the baseline run happens in a child process and sends its recording
// back. The shorthands build the event and call record(). Internal to sim/.
#pragma once

#include "flashtwin/sim/metrics.hpp"
#include "flashtwin/sim/run_event.hpp"

#include <cstdint>
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
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk) {
    record(ClusterGauges{now_ns, dirty_bytes, bytes_at_risk});
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
// parent). Strings are a length and their characters.
class RecordingSink final : public RunSink {
 public:
  void record(const RunEvent& event) override;
  const std::string& recording() const { return bytes_; }

 private:
  std::string bytes_;
};

// Replays a recording into `sink`. Throws std::runtime_error if the recording is cut short or
// holds an unknown record.
void replay(std::string_view recording, RunSink& sink);

}  // namespace flashtwin::sim
