#include "scenario_document.hpp"

#include "flashtwin/sim/default_scenario.hpp"
#include "flashtwin/sim/scenario_overrides.hpp"

#include <filesystem>
#include <fstream>

namespace flashtwin::cli {
namespace {

nlohmann::json read_document(const std::string& path) {
  if (path.empty()) return nlohmann::json::parse(sim::default_scenario_json());
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw sim::ScenarioError("$", "cannot read scenario file '" + path + "': not a regular file");
  }
  std::ifstream in(path);
  if (!in) throw sim::ScenarioError("$", "cannot read scenario file '" + path + "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw sim::ScenarioError("$", "'" + path + "' is not valid JSON: " + e.what());
  }
}

}  // namespace

ScenarioDocument read_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  nlohmann::json document = read_document(path);
  for (const std::string& assignment : overrides)
    sim::apply_override(document, assignment);
  const std::string base = path.empty() ? "." : std::filesystem::path(path).parent_path().string();
  sim::Scenario scenario = sim::parse_scenario(document, base.empty() ? "." : base);
  return ScenarioDocument{std::move(document), std::move(scenario)};
}

}  // namespace flashtwin::cli
