// --set PATH=VALUE: changes one value of a scenario document before it is parsed, e.g.
// `duration_s=10`, `vms[0].policy.mode=write-through`, `cache.eviction=lru`. VALUE is read as JSON
// when it is valid JSON (numbers, true/false, quoted strings, objects), else as a plain string.
// Throws ScenarioError naming the path when it does not lead into the document.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace flashtwin::cli {

void apply_override(nlohmann::json& document, const std::string& assignment);

}  // namespace flashtwin::cli
