// Strict JSON reading for scenario files: every error names the JSON path and what was expected,
// and every key of an object must be read — an unknown key (a typo) is an error, never ignored.
//
//   ObjectReader vm(json, "$.vms[2]");
//   std::string name = vm.required<std::string>("name");
//   double size = vm.optional<double>("size_gib", 10.0);
//   vm.finish();   // "$.vms[2].sise_gib: unknown key (known here: name, size_gib)"
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
