#include "byte_size.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace flashtwin::cli {

namespace {
constexpr std::array<std::pair<const char*, int>, 5> kUnits = {
    {{"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}}};
}

std::uint64_t parse_byte_size(const std::string& text) {
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("'" + text + "' is not a byte size (e.g. 4096, 64KiB, 16GiB)");
  }
  std::string unit = text.substr(used);
  while (!unit.empty() && unit.front() == ' ')
    unit.erase(0, 1);
  int shift = -1;
  if (unit.empty()) shift = 0;
  for (const auto& [name, bits] : kUnits) {
    if (unit == name) shift = bits;
  }
  const double bytes = std::ldexp(number, shift < 0 ? 0 : shift);
  if (shift < 0 || !(number >= 0) || bytes >= 1.8e19 || bytes != std::floor(bytes)) {
    throw std::invalid_argument("'" + text + "' is not a byte size (e.g. 4096, 64KiB, 16GiB)");
  }
  return static_cast<std::uint64_t>(bytes);
}

std::string format_byte_size(std::uint64_t bytes) {
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    const std::uint64_t unit = std::uint64_t{1} << it->second;
    if (bytes >= unit && bytes % unit == 0) {
      return std::to_string(bytes / unit) + " " + it->first;
    }
  }
  return std::to_string(bytes) + " B";
}

}  // namespace flashtwin::cli
