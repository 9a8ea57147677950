// Strict JSON reading for scenario files: every error names the JSON path and what was expected,
// and every key of an object must be read — an unknown key (a typo) is an error, never ignored.
//
//   ObjectReader vm(json, "$.vms[2]");
//   std::string name = vm.required<std::string>("name");
//   double size = vm.optional<double>("size_gib", 10.0);
//   vm.finish();   // "$.vms[2].sise_gib: unknown key (known here: name, size_gib)"
//
// Every number is range-checked *before* it is converted (json_in_range, ObjectReader::*_in,
// json_size_bytes): 1e30 where a count or a duration is expected is an error naming the path and
// the allowed range, never an undefined double-to-integer conversion nor a run that cannot end.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::sim {

// A scenario the user wrote is wrong. `path` is a JSON path such as "$.vms[2].disks[0].size_gib".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string path, const std::string& message)
      : std::runtime_error(path + ": " + message), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The JSON type name a user understands ("a number", "a string", ...).
std::string json_kind(const nlohmann::json& value);

// Converts `value` (found at `path`) to T, or throws ScenarioError naming what was expected.
// Supported: bool, std::string, double, std::int64_t, std::uint64_t, std::uint32_t, int.
template <class T>
T json_as(const nlohmann::json& value, const std::string& path);

// `value` as T, or ScenarioError unless it is a number within [min, max] ("must be from 1 to
// 65536, got 1e+08"). The range is checked on the JSON number before any conversion.
template <class T>
T json_in_range(const nlohmann::json& value, const std::string& path, T min, T max);

// A size in bytes: a number of GiB (the unit of the `*_gib` keys: 400, 0.5) or a string with a
// unit, "800GB", "1.6TB", "4KiB", "512 MiB" (B, KB, MB, GB, TB, PB are powers of 1000; KiB, MiB,
// GiB, TiB, PiB of 1024), rounded down to whole bytes. Throws ScenarioError unless it is within
// [min_bytes, max_bytes].
std::uint64_t json_size_bytes(const nlohmann::json& value, const std::string& path,
                              std::uint64_t min_bytes, std::uint64_t max_bytes);
// The text form alone ("800GB" -> 800000000000, rounded down to whole bytes);
// std::invalid_argument naming the text otherwise. A bare number is GiB.
std::uint64_t parse_size_text(const std::string& text);

class ObjectReader {
 public:
  // Throws ScenarioError unless `object` is a JSON object.
  ObjectReader(const nlohmann::json& object, std::string path);

  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return path_ + "." + std::string(key); }
  bool has(std::string_view key) const { return object_.contains(key); }

  template <class T>
  T required(std::string_view key) {
    return json_as<T>(child_required(key), path_of(key));
  }
  template <class T>
  T optional(std::string_view key, T fallback) {
    const nlohmann::json* value = child(key);
    return value == nullptr ? fallback : json_as<T>(*value, path_of(key));
  }
  template <class T>
  std::optional<T> maybe(std::string_view key) {
    const nlohmann::json* value = child(key);
    if (value == nullptr) return std::nullopt;
    return json_as<T>(*value, path_of(key));
  }

  // The same, checked against [min, max] before conversion (see json_in_range).
  template <class T>
  T required_in(std::string_view key, T min, T max) {
    return json_in_range<T>(child_required(key), path_of(key), min, max);
  }
  template <class T>
  T optional_in(std::string_view key, T fallback, T min, T max) {
    const nlohmann::json* value = child(key);
    return value == nullptr ? fallback : json_in_range<T>(*value, path_of(key), min, max);
  }
  template <class T>
  std::optional<T> maybe_in(std::string_view key, T min, T max) {
    const nlohmann::json* value = child(key);
    if (value == nullptr) return std::nullopt;
    return json_in_range<T>(*value, path_of(key), min, max);
  }

  // The raw value of `key` (marked as read), or nullptr when absent.
  const nlohmann::json* child(std::string_view key);
  const nlohmann::json& child_required(std::string_view key);

  // Throws ScenarioError for the first key nobody asked for, listing the keys that were asked for.
  // Call it after reading every key the object may have.
  void finish() const;

 private:
  const nlohmann::json& object_;
  std::string path_;
  std::vector<std::string> known_;  // every key asked for, present or not, in asking order
};

// Runs `check`, which reports a bad value with std::invalid_argument (the models' and the
// engine's validation), and re-throws its message as a ScenarioError at `path`. Returns what
// `check` returns.
template <class Check>
auto checked_at(const std::string& path, Check&& check) {
  try {
    return check();
  } catch (const std::invalid_argument& e) {
    throw ScenarioError(path, e.what());
  }
}

// Range checks returning the value, or throwing ScenarioError naming `path`.
double require_positive(double value, const std::string& path);
double require_non_negative(double value, const std::string& path);
double require_fraction(double value, const std::string& path);  // in [0, 1]

}  // namespace flashtwin::sim
