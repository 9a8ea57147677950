// RunSink: what a running simulation reports, as calls. The runtime reports into a sink; the sink
// either feeds Metrics at once (MetricsSink) or records the calls (RecordingSink) so that they can
// be replayed into Metrics in another process: SimGrid allows one engine per process, so the
// baseline run happens in a child process and sends its recording back. Internal to sim/.
#pragma once

#include "flashtwin/sim/metrics.hpp"

#include <cstdint>
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

 private:
  Metrics& metrics_;
};

// Records every call as a fixed-layout record in a byte string (host byte order: the recording
// never leaves the machine; it goes from a child process to its parent).
class RecordingSink final : public RunSink {
 public:
  void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                         std::int64_t submitted_ns, std::int64_t completed_ns,
                         const engine::ServedBlocks& served, bool ok) override;
  void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                bool destage) override;
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk) override;
  void violation(std::string what) override;
  void acknowledged_writes_lost(std::uint64_t writes) override;

  const std::string& recording() const { return bytes_; }

 private:
  template <class T>
  void put(const T& value);
  std::string bytes_;
};

// Replays a recording into `sink`. Throws std::runtime_error if the recording is cut short or
// holds an unknown record.
void replay(std::string_view recording, RunSink& sink);

}  // namespace flashtwin::sim
