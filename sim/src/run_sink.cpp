#include "run_sink.hpp"

#include <cstring>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

enum class Record : std::uint8_t { request, array, gauges, violation, lost, reads_failed, end };

// Reads fields of one record; a field beyond the bytes marks the record cut short (the caller
// then waits for more) instead of reading past them.
struct Reader {
  std::string_view bytes;
  std::size_t at = 0;
  bool cut_short = false;
  template <class T>
  T get() {
    T value{};
    if (cut_short || bytes.size() - at < sizeof(T)) {
      cut_short = true;
      return value;
    }
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    at += sizeof(T);
    return value;
  }
  std::string_view take(std::size_t size) {
    if (cut_short || bytes.size() - at < size) {
      cut_short = true;
      return {};
    }
    std::string_view out = bytes.substr(at, size);
    at += size;
    return out;
  }
};

// Replays the whole records at the front of `bytes` into `sink`; returns the bytes they took.
std::size_t replay_records(std::string_view bytes, RunSink& sink,
                           std::optional<std::int64_t>& end_ns) {
  Reader in{bytes};
  std::size_t done = 0;
  while (done < bytes.size()) {
    in.at = done;
    switch (in.get<Record>()) {
      case Record::request: {
        const auto vm = in.get<std::uint64_t>();
        const auto kind = in.get<engine::IoKind>();
        const auto size = in.get<std::uint64_t>();
        const auto submitted = in.get<std::int64_t>();
        const auto completed = in.get<std::int64_t>();
        const auto served = in.get<engine::ServedBlocks>();
        const auto ok = in.get<bool>();
        if (in.cut_short) return done;
        sink.request_completed(vm, kind, size, submitted, completed, served, ok);
        break;
      }
      case Record::array: {
        const auto kind = in.get<engine::IoKind>();
        const auto size = in.get<std::uint64_t>();
        const auto now = in.get<std::int64_t>();
        const auto destage = in.get<bool>();
        if (in.cut_short) return done;
        sink.array_io(kind, size, now, destage);
        break;
      }
      case Record::gauges: {
        const auto now = in.get<std::int64_t>();
        const auto dirty = in.get<std::uint64_t>();
        const auto at_risk = in.get<std::uint64_t>();
        if (in.cut_short) return done;
        sink.gauges(now, dirty, at_risk);
        break;
      }
      case Record::violation: {
        const auto size = in.get<std::uint64_t>();
        const std::string_view what = in.take(static_cast<std::size_t>(size));
        if (in.cut_short) return done;
        sink.violation(std::string(what));
        break;
      }
      case Record::lost: {
        const auto writes = in.get<std::uint64_t>();
        if (in.cut_short) return done;
        sink.acknowledged_writes_lost(writes);
        break;
      }
      case Record::reads_failed: {
        const auto reads = in.get<std::uint64_t>();
        if (in.cut_short) return done;
        sink.reads_failed(reads);
        break;
      }
      case Record::end: {
        const auto end = in.get<std::int64_t>();
        if (in.cut_short) return done;
        end_ns = end;
        break;
      }
      default:
        throw std::runtime_error("run recording holds an unknown record");
    }
    done = in.at;
  }
  return done;
}

}  // namespace

template <class T>
void RecordingSink::put(const T& value) {
  bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

void RecordingSink::request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                                      std::int64_t submitted_ns, std::int64_t completed_ns,
                                      const engine::ServedBlocks& served, bool ok) {
  put(Record::request);
  put(static_cast<std::uint64_t>(vm));
  put(kind);
  put(bytes);
  put(submitted_ns);
  put(completed_ns);
  put(served);
  put(ok);
  record_done();
}

void RecordingSink::array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                             bool destage) {
  put(Record::array);
  put(kind);
  put(bytes);
  put(now_ns);
  put(destage);
  record_done();
}

void RecordingSink::gauges(std::int64_t now_ns, std::uint64_t dirty_bytes,
                           std::uint64_t bytes_at_risk) {
  put(Record::gauges);
  put(now_ns);
  put(dirty_bytes);
  put(bytes_at_risk);
  record_done();
}

void RecordingSink::violation(std::string what) {
  put(Record::violation);
  put(static_cast<std::uint64_t>(what.size()));
  bytes_ += what;
  record_done();
}

void RecordingSink::acknowledged_writes_lost(std::uint64_t writes) {
  put(Record::lost);
  put(writes);
  record_done();
}

void RecordingSink::reads_failed(std::uint64_t reads) {
  put(Record::reads_failed);
  put(reads);
  record_done();
}

void RecordingSink::end(std::int64_t end_ns) {
  put(Record::end);
  put(end_ns);
  record_done();
}

void RecordingSink::record_done() {
  if (spill_ && bytes_.size() >= spill_bytes_) flush();
}

void RecordingSink::flush() {
  if (!spill_ || bytes_.empty()) return;
  spill_(bytes_);
  bytes_.clear();
}

void RecordingReplayer::feed(std::string_view chunk) {
  if (carry_.empty()) {
    const std::size_t done = replay_records(chunk, sink_, end_ns_);
    carry_.assign(chunk.substr(done));
    return;
  }
  carry_.append(chunk);
  const std::size_t done = replay_records(carry_, sink_, end_ns_);
  carry_.erase(0, done);
}

void RecordingReplayer::finish() const {
  if (!carry_.empty()) throw std::runtime_error("run recording is cut short");
}

void replay(std::string_view recording, RunSink& sink) {
  RecordingReplayer replayer(sink);
  replayer.feed(recording);
  replayer.finish();
}

}  // namespace flashtwin::sim
