#include "run_sink.hpp"

#include <cstring>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

enum class Record : std::uint8_t { request, array, gauges, violation, lost };

struct Reader {
  std::string_view bytes;
  std::size_t at = 0;
  template <class T>
  T get() {
    if (bytes.size() - at < sizeof(T)) throw std::runtime_error("run recording is cut short");
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    at += sizeof(T);
    return value;
  }
};

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
}

void RecordingSink::array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                             bool destage) {
  put(Record::array);
  put(kind);
  put(bytes);
  put(now_ns);
  put(destage);
}

void RecordingSink::gauges(std::int64_t now_ns, std::uint64_t dirty_bytes,
                           std::uint64_t bytes_at_risk) {
  put(Record::gauges);
  put(now_ns);
  put(dirty_bytes);
  put(bytes_at_risk);
}

void RecordingSink::violation(std::string what) {
  put(Record::violation);
  put(static_cast<std::uint64_t>(what.size()));
  bytes_ += what;
}

void RecordingSink::acknowledged_writes_lost(std::uint64_t writes) {
  put(Record::lost);
  put(writes);
}

void replay(std::string_view recording, RunSink& sink) {
  Reader in{recording};
  while (in.at < recording.size()) {
    switch (in.get<Record>()) {
      case Record::request: {
        const auto vm = in.get<std::uint64_t>();
        const auto kind = in.get<engine::IoKind>();
        const auto bytes = in.get<std::uint64_t>();
        const auto submitted = in.get<std::int64_t>();
        const auto completed = in.get<std::int64_t>();
        const auto served = in.get<engine::ServedBlocks>();
        const auto ok = in.get<bool>();
        sink.request_completed(vm, kind, bytes, submitted, completed, served, ok);
        break;
      }
      case Record::array: {
        const auto kind = in.get<engine::IoKind>();
        const auto bytes = in.get<std::uint64_t>();
        const auto now = in.get<std::int64_t>();
        sink.array_io(kind, bytes, now, in.get<bool>());
        break;
      }
      case Record::gauges: {
        const auto now = in.get<std::int64_t>();
        const auto dirty = in.get<std::uint64_t>();
        sink.gauges(now, dirty, in.get<std::uint64_t>());
        break;
      }
      case Record::violation: {
        const auto size = in.get<std::uint64_t>();
        if (recording.size() - in.at < size) throw std::runtime_error("run recording is cut short");
        sink.violation(std::string(recording.substr(in.at, size)));
        in.at += size;
        break;
      }
      case Record::lost:
        sink.acknowledged_writes_lost(in.get<std::uint64_t>());
        break;
      default:
        throw std::runtime_error("run recording holds an unknown record");
    }
  }
}

}  // namespace flashtwin::sim
