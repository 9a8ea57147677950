#include "flashtwin/sim/scenario_overrides.hpp"

#include "flashtwin/sim/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace flashtwin::sim {

namespace {

// One step of an override path: a key of an object or an index into an array.
struct PathStep {
  std::string key;  // empty for an index
  std::size_t index = 0;
  std::string where;  // the JSON path up to and including this step ("$.vms[0]")
};

std::vector<PathStep> parse_path(const std::string& path) {
  std::vector<PathStep> steps;
  std::string where = "$";
  for (std::size_t i = 0; i < path.size();) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) throw ScenarioError(where, "unclosed '[' in --set " + path);
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit))
        throw ScenarioError(where, "'[" + digits + "]' is not an array index");
      if (digits.size() > 9) throw ScenarioError(where, "index " + digits + " is too large");
      where += "[" + digits + "]";
      steps.push_back({"", std::stoul(digits), where});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string::npos) end = path.size();
    const std::string key = path.substr(i, end - i);
    where += "." + key;
    if (key.empty()) throw ScenarioError(where, "empty key in --set " + path);
    steps.push_back({key, 0, where});
    i = end < path.size() && path[end] == '.' ? end + 1 : end;
  }
  return steps;
}

}  // namespace

void apply_override(nlohmann::json& document, const std::string& assignment) {
  const std::size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ScenarioError("--set", "'" + assignment + "' is not PATH=VALUE");
  }
  const std::string path = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;

  nlohmann::json changed = document;  // the walk creates keys: only a whole success is kept
  nlohmann::json* at = &changed;
  for (const PathStep& step : parse_path(path)) {
    if (step.key.empty()) {
      if (!at->is_array() || step.index >= at->size())
        throw ScenarioError(step.where, "no such array element to --set");
      at = &(*at)[step.index];
      continue;
    }
    if (at->is_null()) *at = nlohmann::json::object();  // a section the scenario left out
    if (!at->is_object())
      throw ScenarioError(step.where, "--set goes through a value that is not an object");
    at = &(*at)[step.key];  // a new key is created; the parser rejects it if it is unknown
  }
  *at = value;
  document = std::move(changed);
}

const nlohmann::json* find_at_path(const nlohmann::json& document, const std::string& path) {
  const nlohmann::json* at = &document;
  for (const PathStep& step : parse_path(path)) {
    if (step.key.empty()) {
      if (!at->is_array() || step.index >= at->size()) return nullptr;
      at = &(*at)[step.index];
    } else {
      if (!at->is_object() || !at->contains(step.key)) return nullptr;
      at = &(*at)[step.key];
    }
  }
  return at;
}

}  // namespace flashtwin::sim
