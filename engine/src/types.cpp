#include "flashtwin/engine/types.hpp"

#include <array>
#include <cstddef>

namespace flashtwin::engine {
namespace {

// Indexed by the enumerator's value.
constexpr std::array<std::string_view, 4> kIoKindNames{"read", "write", "flush", "discard"};
constexpr std::array<std::string_view, 4> kCacheModeNames{"pass-through", "write-through",
                                                          "write-around", "write-back"};
constexpr std::array<std::string_view, 2> kStatusNames{"ok", "io-error"};

template <std::size_t N>
std::string_view name_at(const std::array<std::string_view, N>& names, std::size_t index) {
  return index < names.size() ? names[index] : std::string_view("unknown");
}

}  // namespace

std::string_view to_string(IoKind kind) {
  return name_at(kIoKindNames, static_cast<std::size_t>(kind));
}

std::string_view to_string(CacheMode mode) {
  return name_at(kCacheModeNames, static_cast<std::size_t>(mode));
}

std::string_view to_string(Status status) {
  return name_at(kStatusNames, static_cast<std::size_t>(status));
}

bool parse_cache_mode(std::string_view text, CacheMode& mode) {
  for (std::size_t index = 0; index < kCacheModeNames.size(); ++index) {
    if (kCacheModeNames[index] == text) {
      mode = static_cast<CacheMode>(index);
      return true;
    }
  }
  return false;
}

}  // namespace flashtwin::engine
