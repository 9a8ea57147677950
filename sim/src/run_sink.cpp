// The recording of RunEvents: generic over the variant, so a new event needs no code here.
#include "run_sink.hpp"

#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace flashtwin::sim {

namespace {

template <class T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// The record index that marks the end of a recording (followed by the end time).
constexpr std::uint8_t kEndRecord = std::numeric_limits<std::uint8_t>::max();
static_assert(std::variant_size_v<RunEvent> < kEndRecord);

// Reads fields; a field that runs past the bytes at hand sets `cut` (the record continues in a
// later chunk) and reads as a default value.
struct Reader {
  std::string_view bytes;
  std::size_t at = 0;
  bool cut = false;
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    if (bytes.size() - at < sizeof(T)) {
      cut = true;
      at = bytes.size();
      return T{};
    }
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    at += sizeof(T);
    return value;
  }
};

// Events are trivially copyable except ConsistencyViolation, the one with a string.
template <class T>
RunEvent read_event(Reader& in) {
  if constexpr (std::is_same_v<T, ConsistencyViolation>) {
    const auto size = in.get<std::uint64_t>();
    if (in.bytes.size() - in.at < size) {
      in.cut = true;
      in.at = in.bytes.size();
      return ConsistencyViolation{};
    }
    ConsistencyViolation v{std::string(in.bytes.substr(in.at, size))};
    in.at += size;
    return v;
  } else {
    return in.get<T>();
  }
}

template <std::size_t... I>
constexpr auto make_readers(std::index_sequence<I...>) {
  return std::array<RunEvent (*)(Reader&), sizeof...(I)>{
      &read_event<std::variant_alternative_t<I, RunEvent>>...};
}

constexpr auto kReaders = make_readers(std::make_index_sequence<std::variant_size_v<RunEvent>>{});

// Replays the whole records at the start of `bytes`; returns how many bytes they took.
std::size_t replay_records(std::string_view bytes, RunSink& sink,
                           std::optional<std::int64_t>& end_ns) {
  Reader in{bytes};
  std::size_t done = 0;
  while (in.at < bytes.size()) {
    if (end_ns) throw std::runtime_error("run recording goes on after its end");
    const auto index = in.get<std::uint8_t>();
    if (index == kEndRecord) {
      const auto end = in.get<std::int64_t>();
      if (in.cut) break;
      end_ns = end;
    } else {
      if (index >= kReaders.size())
        throw std::runtime_error("run recording holds an unknown record");
      const RunEvent event = kReaders[index](in);
      if (in.cut) break;
      sink.record(event);
    }
    done = in.at;
  }
  return done;
}

}  // namespace

void RecordingSink::record(const RunEvent& event) {
  put(bytes_, static_cast<std::uint8_t>(event.index()));
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ConsistencyViolation>) {
          put(bytes_, static_cast<std::uint64_t>(e.what.size()));
          bytes_ += e.what;
        } else {
          put(bytes_, e);
        }
      },
      event);
  spill_if_full();
}

void RecordingSink::end(std::int64_t end_ns) {
  put(bytes_, kEndRecord);
  put(bytes_, end_ns);
  if (spill_) {
    spill_(bytes_);
    bytes_.clear();
  }
}

void RecordingSink::spill_if_full() {
  if (spill_ && bytes_.size() >= spill_bytes_) {
    spill_(bytes_);
    bytes_.clear();
  }
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

std::int64_t RecordingReplayer::finish() const {
  if (!carry_.empty()) throw std::runtime_error("run recording is cut short");
  if (!end_ns_) throw std::runtime_error("run recording stops before its end record");
  return *end_ns_;
}

std::int64_t replay(std::string_view recording, RunSink& sink) {
  RecordingReplayer replayer(sink);
  replayer.feed(recording);
  return replayer.finish();
}

}  // namespace flashtwin::sim
