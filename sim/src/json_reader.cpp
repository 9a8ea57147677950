#include "flashtwin/sim/json_reader.hpp"

#include "number_format.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <utility>

namespace flashtwin::sim {

std::string json_kind(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "a number";
    default:
      return "an unsupported value";
  }
}

namespace {

[[noreturn]] void expected(const std::string& what, const nlohmann::json& value,
                           const std::string& path) {
  throw ScenarioError(path, "expected " + what + ", got " + json_kind(value) +
                                (value.is_primitive() ? " (" + value.dump() + ")" : ""));
}

template <class Int>
Int whole_number(const nlohmann::json& value, const std::string& path, const std::string& what) {
  if (!value.is_number()) expected(what, value, path);
  const double d = value.get<double>();
  if (value.is_number_float()) {
    // In range as a double before any conversion: casting 1e30 to an integer is undefined.
    // -2^63 and 2^64 are exact doubles; the upper bound is exclusive.
    const double low = std::is_signed_v<Int> ? -0x1p63 : 0.0;
    const double high = std::is_signed_v<Int> ? 0x1p63 : 0x1p64;
    if (d != std::floor(d) || !(d >= low && d < high)) expected(what, value, path);
    if (d < 0) {
      const auto i = static_cast<std::int64_t>(d);
      if (i < static_cast<std::int64_t>(std::numeric_limits<Int>::min()))
        expected(what, value, path);
      return static_cast<Int>(i);
    }
    const auto u = static_cast<std::uint64_t>(d);
    if (u > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
      expected(what, value, path);
    return static_cast<Int>(u);
  }
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
      expected(what, value, path);
    return static_cast<Int>(u);
  }
  const auto i = value.get<std::int64_t>();
  if (i < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
      (i > 0 &&
       static_cast<std::uint64_t>(i) > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())))
    expected(what, value, path);
  return static_cast<Int>(i);
}

}  // namespace

template <>
bool json_as<bool>(const nlohmann::json& value, const std::string& path) {
  if (!value.is_boolean()) expected("true or false", value, path);
  return value.get<bool>();
}

template <>
std::string json_as<std::string>(const nlohmann::json& value, const std::string& path) {
  if (!value.is_string()) expected("a string", value, path);
  return value.get<std::string>();
}

template <>
double json_as<double>(const nlohmann::json& value, const std::string& path) {
  if (!value.is_number()) expected("a number", value, path);
  const double d = value.get<double>();
  if (!std::isfinite(d)) expected("a finite number", value, path);
  return d;
}

namespace {

// A limit as a user writes it: 65536, 0.000001, 1e+18.
std::string limit_text(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

template <class T>
T json_in_range(const nlohmann::json& value, const std::string& path, T min, T max) {
  if (value.is_number()) {
    const double d = value.get<double>();
    if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max))) {
      throw ScenarioError(path, "must be from " + limit_text(static_cast<double>(min)) + " to " +
                                    limit_text(static_cast<double>(max)) + ", got " + value.dump());
    }
  }
  return json_as<T>(value, path);
}

template double json_in_range<double>(const nlohmann::json&, const std::string&, double, double);
template std::int64_t json_in_range<std::int64_t>(const nlohmann::json&, const std::string&,
                                                  std::int64_t, std::int64_t);
template std::uint64_t json_in_range<std::uint64_t>(const nlohmann::json&, const std::string&,
                                                    std::uint64_t, std::uint64_t);
template std::uint32_t json_in_range<std::uint32_t>(const nlohmann::json&, const std::string&,
                                                    std::uint32_t, std::uint32_t);
template int json_in_range<int>(const nlohmann::json&, const std::string&, int, int);

namespace {

constexpr std::array<std::pair<const char*, double>, 11> kSizeUnits = {{
    {"B", 1.0},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
    {"PB", 1e15},
    {"KiB", 0x1p10},
    {"MiB", 0x1p20},
    {"GiB", 0x1p30},
    {"TiB", 0x1p40},
    {"PiB", 0x1p50},
}};

// "1.6TB" -> 1.6e12 (a double: checked for range and wholeness by the caller). Throws
// std::invalid_argument naming the text.
double size_text_bytes(const std::string& text) {
  const auto bad = [&] {
    return std::invalid_argument("'" + text +
                                 "' is not a size: expected a number of GiB or a number with a "
                                 "unit, e.g. \"800GB\", \"1.6TB\", \"4KiB\"");
  };
  const char* begin = text.c_str();
  char* end = nullptr;
  // strtod reads "inf", "nan" and hex floats too: accept only digits and one point.
  std::size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) != 0 || text[digits] == '.'))
    ++digits;
  if (digits == 0) throw bad();
  const double number = std::strtod(begin, &end);
  if (end != begin + digits) throw bad();
  std::string unit = text.substr(digits);
  if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (unit.empty()) return number * 0x1p30;
  for (const auto& [name, factor] : kSizeUnits) {
    if (unit == name) return number * factor;
  }
  throw bad();
}

// Bytes from a size in [0, 2^64): "0.3GB" is 299999999.99999994 as a double, so a value within
// a relative 1e-12 of a whole number is that number; what remains below a byte is dropped
// (0.1 GiB = 107374182.4 bytes -> 107374182).
std::uint64_t whole_bytes(double bytes) {
  const double nearest = std::round(bytes);
  if (std::fabs(bytes - nearest) <= bytes * 1e-12) bytes = nearest;
  return static_cast<std::uint64_t>(std::floor(bytes));
}

}  // namespace

std::uint64_t parse_size_text(const std::string& text) {
  const double bytes = size_text_bytes(text);
  if (!(bytes < 0x1p64)) throw std::invalid_argument("'" + text + "' is not below 2^64 bytes");
  return whole_bytes(bytes);
}

std::uint64_t json_size_bytes(const nlohmann::json& value, const std::string& path,
                              std::uint64_t min_bytes, std::uint64_t max_bytes) {
  double bytes = 0;
  if (value.is_number()) {
    bytes = value.get<double>() * 0x1p30;
  } else if (value.is_string()) {
    bytes = checked_at(path, [&] { return size_text_bytes(value.get<std::string>()); });
  } else {
    expected("a size (a number of GiB, or a string such as \"800GB\")", value, path);
  }
  if (!(bytes >= static_cast<double>(min_bytes) && bytes <= static_cast<double>(max_bytes))) {
    throw ScenarioError(path, "must be from " + format::bytes_iec(min_bytes) + " to " +
                                  format::bytes_iec(max_bytes) + ", got " + value.dump());
  }
  return whole_bytes(bytes);
}

template <>
std::int64_t json_as<std::int64_t>(const nlohmann::json& value, const std::string& path) {
  return whole_number<std::int64_t>(value, path, "a whole number");
}

template <>
std::uint64_t json_as<std::uint64_t>(const nlohmann::json& value, const std::string& path) {
  return whole_number<std::uint64_t>(value, path, "a whole number >= 0");
}

template <>
std::uint32_t json_as<std::uint32_t>(const nlohmann::json& value, const std::string& path) {
  return whole_number<std::uint32_t>(value, path, "a whole number from 0 to 4294967295");
}

template <>
int json_as<int>(const nlohmann::json& value, const std::string& path) {
  return whole_number<int>(value, path, "a whole number");
}

ObjectReader::ObjectReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) expected("an object", object_, path_);
}

const nlohmann::json* ObjectReader::child(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

const nlohmann::json& ObjectReader::child_required(std::string_view key) {
  const nlohmann::json* value = child(key);
  if (value == nullptr) throw ScenarioError(path_of(key), "required key is missing");
  return *value;
}

void ObjectReader::finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string known;
    for (const std::string& k : known_)
      known += (known.empty() ? "" : ", ") + k;
    throw ScenarioError(path_of(key), "unknown key (known here: " + known + ")");
  }
}

double require_positive(double value, const std::string& path) {
  if (!(value > 0) || !std::isfinite(value))
    throw ScenarioError(path, "must be a positive number, got " + nlohmann::json(value).dump());
  return value;
}

double require_non_negative(double value, const std::string& path) {
  if (!(value >= 0) || !std::isfinite(value))
    throw ScenarioError(path, "must be a number >= 0, got " + nlohmann::json(value).dump());
  return value;
}

double require_fraction(double value, const std::string& path) {
  if (!(value >= 0 && value <= 1))
    throw ScenarioError(path, "must be in [0, 1], got " + nlohmann::json(value).dump());
  return value;
}

}  // namespace flashtwin::sim
