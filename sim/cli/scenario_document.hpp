// A scenario as `run` and `validate` take it: a file (or, with no path, the embedded default),
// then the --set overrides applied in order, then parsed relative to the file's folder (trace
// paths). Errors are ScenarioError with their JSON path (main() prints them, exit 2).
#pragma once

#include "flashtwin/sim/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace flashtwin::cli {

struct ScenarioDocument {
  nlohmann::json document;  // with the overrides applied
  sim::Scenario scenario;
};

ScenarioDocument read_scenario(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace flashtwin::cli
