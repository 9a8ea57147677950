// Helpers for the scenario parser tests: the shipped example scenario as a document, and the
// message of the ScenarioError that parsing a document throws.
#pragma once

#include "flashtwin/sim/scenario.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace flashtwin::sim::testing {

inline const std::string kExample =
    std::string(FLASHTWIN_SOURCE_DIR) + "/scenarios/four-hosts-mixed.json";

inline nlohmann::json example() {
  std::ifstream in(kExample);
  return nlohmann::json::parse(in);
}

// The message of the ScenarioError that parsing `doc` throws (fails the test if none).
inline std::string error_of(const nlohmann::json& doc) {
  try {
    parse_scenario(doc);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << doc.dump();
  return {};
}

}  // namespace flashtwin::sim::testing
