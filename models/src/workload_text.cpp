#include "workload_text.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>

namespace flashtwin::models {

std::string format_number(double value) {
  std::array<char, 32> text{};
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(text.data(), text.size(), "%.*g", precision, value);
    if (std::strtod(text.data(), nullptr) == value) break;
  }
  return text.data();
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t unit = 0;
  while (bytes != 0 && bytes % 1024 == 0 && unit + 1 < kUnits.size()) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + kUnits[unit];
}

}  // namespace flashtwin::models
