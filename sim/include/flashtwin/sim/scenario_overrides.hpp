// Scenario overrides (`flashtwin run --set PATH=VALUE`, the GUI's edits, sweeps): change one value
// of a scenario document before it is parsed, e.g.
// `duration_s=10`, `vms[0].policy.mode=write-through`, `cache.eviction=lru`. VALUE is read as JSON
// when it is valid JSON (numbers, true/false, quoted strings, objects), else as a plain string.
// Throws ScenarioError naming the path when it does not lead into the document. A missing object
// on the way (a section the scenario left out) is created; a new key is added and left for
// parse_scenario to accept or reject. Pure: only `document` changes, and only on success of the
// path walk (a bad path throws before anything is assigned).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace flashtwin::sim {

void apply_override(nlohmann::json& document, const std::string& assignment);

// The value PATH (the same syntax) leads to in `document`, or nullptr when it leads nowhere
// (nothing is created). Throws ScenarioError for a malformed path.
const nlohmann::json* find_at_path(const nlohmann::json& document, const std::string& path);

}  // namespace flashtwin::sim
