#include "flashtwin/sim/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

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
  if (value.is_number_float() && d != std::floor(d)) expected(what, value, path);
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
  return value.get<double>();
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
