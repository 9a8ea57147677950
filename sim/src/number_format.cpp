// Locale-independent number formatting; see number_format.hpp.
#include "number_format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <system_error>

namespace flashtwin::sim::format {

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "";
  std::array<char, 400> buf{};  // the largest double in fixed notation has 309 digits
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "";
  std::string text(buf.data(), end);
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string scientific(double value, int decimals) {
  if (!std::isfinite(value)) return "";
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                                       std::chars_format::scientific, decimals);
  if (ec != std::errc{}) return "";
  return std::string(buf.data(), end);
}

double round_significant(double value, int digits) {
  if (!std::isfinite(value)) return value;
  if (value == 0) return 0.0;
  std::array<char, 64> buf{};
  const auto printed = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                                     std::chars_format::scientific, digits - 1);
  double rounded = value;
  std::from_chars(buf.data(), printed.ptr, rounded);
  return rounded == 0 ? 0.0 : rounded;
}

std::string seconds(std::int64_t ns) {
  const bool negative = ns < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  std::string fraction = std::to_string(magnitude % 1'000'000'000);
  fraction.insert(0, 9 - fraction.size(), '0');
  return (negative ? "-" : "") + std::to_string(magnitude / 1'000'000'000) + "." + fraction;
}

std::string csv_quoted(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string bytes_iec(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fixed(value, 1) + " " + kUnits[unit];
}

std::string pad_left(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string& text, std::size_t width) {
  if (text.size() >= width) return text.substr(0, width == 0 ? 0 : width - 1) + " ";
  return text + std::string(width - text.size(), ' ');
}

}  // namespace flashtwin::sim::format
