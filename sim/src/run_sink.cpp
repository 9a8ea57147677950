// The recording of RunEvents: generic over the variant, so a new event needs no code here.
#include "run_sink.hpp"

#include <array>
#include <cstring>
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

struct Reader {
  std::string_view bytes;
  std::size_t at = 0;
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    if (bytes.size() - at < sizeof(T)) throw std::runtime_error("run recording is cut short");
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
    if (in.bytes.size() - in.at < size) throw std::runtime_error("run recording is cut short");
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
}

void replay(std::string_view recording, RunSink& sink) {
  Reader in{recording};
  while (in.at < recording.size()) {
    const auto index = in.get<std::uint8_t>();
    if (index >= kReaders.size()) throw std::runtime_error("run recording holds an unknown record");
    sink.record(kReaders[index](in));
  }
}

}  // namespace flashtwin::sim
