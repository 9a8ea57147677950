// RunSink: what a running simulation reports, as calls. The runtime reports into a sink; the sink
// either feeds Metrics at once (MetricsSink) or records the calls (RecordingSink) so that they can
// be replayed into Metrics in another process: SimGrid allows one engine per process, so the
// baseline run happens in a child process and streams its recording back (RecordingSink spills
// every 64 KiB; RecordingReplayer takes the stream in chunks of any size), so neither process
// holds a whole run's recording. Internal to sim/.
#pragma once

#include "flashtwin/sim/metrics.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace flashtwin::sim {

class RunSink {
 public:
  virtual ~RunSink() = default;
  virtual void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                                 std::int64_t submitted_ns, std::int64_t completed_ns,
                                 const engine::ServedBlocks& served, bool ok) = 0;
  virtual void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                        bool destage) = 0;
  virtual void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes,
                      std::uint64_t bytes_at_risk) = 0;
  virtual void violation(std::string what) = 0;
  virtual void acknowledged_writes_lost(std::uint64_t writes) = 0;
  // Reads that completed with an error (reported to the VM: not violations), once at the end.
  virtual void reads_failed(std::uint64_t reads) = 0;
};

class MetricsSink final : public RunSink {
 public:
  explicit MetricsSink(Metrics& metrics) : metrics_(metrics) {}
  void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                         std::int64_t submitted_ns, std::int64_t completed_ns,
                         const engine::ServedBlocks& served, bool ok) override {
    metrics_.request_completed(vm, kind, bytes, submitted_ns, completed_ns, served, ok);
  }
  void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                bool destage) override {
    metrics_.array_io(kind, bytes, now_ns, destage);
  }
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes,
              std::uint64_t bytes_at_risk) override {
    metrics_.gauges(now_ns, dirty_bytes, bytes_at_risk);
  }
  void violation(std::string what) override { metrics_.violation(std::move(what)); }
  void acknowledged_writes_lost(std::uint64_t writes) override {
    metrics_.acknowledged_writes_lost(writes);
  }
  void reads_failed(std::uint64_t reads) override { metrics_.reads_failed(reads); }

 private:
  Metrics& metrics_;
};

// Records every call as a fixed-layout record in a byte string (host byte order: the recording
// never leaves the machine; it goes from a child process to its parent). With a `spill` function,
// the bytes recorded are handed to it whenever at least `spill_bytes` are buffered, and by flush();
// without one they stay in recording().
class RecordingSink final : public RunSink {
 public:
  using Spill = std::function<void(std::string_view)>;
  explicit RecordingSink(Spill spill = {}, std::size_t spill_bytes = std::size_t{1} << 16)
      : spill_(std::move(spill)), spill_bytes_(spill_bytes) {}
  void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                         std::int64_t submitted_ns, std::int64_t completed_ns,
                         const engine::ServedBlocks& served, bool ok) override;
  void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                bool destage) override;
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk) override;
  void violation(std::string what) override;
  void acknowledged_writes_lost(std::uint64_t writes) override;
  void reads_failed(std::uint64_t reads) override;
  // The run ended at end_ns (the last record of a recording).
  void end(std::int64_t end_ns);
  // Hands what is buffered to `spill` (if any).
  void flush();

  const std::string& recording() const { return bytes_; }

 private:
  template <class T>
  void put(const T& value);
  void record_done();
  Spill spill_;
  std::size_t spill_bytes_;
  std::string bytes_;
};

// Replays a recording into a sink as its bytes arrive, in chunks cut anywhere.
class RecordingReplayer {
 public:
  explicit RecordingReplayer(RunSink& sink) : sink_(sink) {}
  // Replays every whole record of what arrived so far; keeps a record cut short for the next
  // chunk. Throws std::runtime_error for an unknown record.
  void feed(std::string_view chunk);
  // The recording is complete. Throws std::runtime_error if it ends within a record.
  void finish() const;
  // The end time recorded by RecordingSink::end, once replayed.
  std::optional<std::int64_t> end_ns() const { return end_ns_; }

 private:
  RunSink& sink_;
  std::string carry_;  // the start of a record cut short
  std::optional<std::int64_t> end_ns_;
};

// Replays a whole recording into `sink`. Throws std::runtime_error if the recording is cut short
// or holds an unknown record.
void replay(std::string_view recording, RunSink& sink);

}  // namespace flashtwin::sim
