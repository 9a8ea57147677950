// Scenario overrides (sim::apply_override): the library form of `flashtwin run --set`, used by the
// CLI, the GUI and sweeps.
#include "flashtwin/sim/scenario_overrides.hpp"

#include "flashtwin/sim/json_reader.hpp"
#include "flashtwin/sim/scenario.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

nlohmann::json document() {
  return nlohmann::json::parse(R"({"duration_s": 60, "vms": [{"name": "a", "policy": {"mode":
      "write-back"}}, {"name": "b"}], "cache": {"eviction": "arc"}})");
}

std::string error_of(nlohmann::json& doc, const std::string& assignment) {
  try {
    apply_override(doc, assignment);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScenarioOverrides, SetNumbersStringsAndJsonValuesAtPaths) {
  nlohmann::json doc = document();
  apply_override(doc, "duration_s=10");
  apply_override(doc, "vms[0].policy.mode=write-through");
  apply_override(doc, "vms[1].policy={\"mode\": \"pass-through\"}");
  apply_override(doc, "cache.eviction=\"lru\"");
  EXPECT_EQ(doc["duration_s"], 10);
  EXPECT_EQ(doc["vms"][0]["policy"]["mode"], "write-through");
  EXPECT_EQ(doc["vms"][1]["policy"]["mode"], "pass-through");
  EXPECT_EQ(doc["cache"]["eviction"], "lru");
}

TEST(ScenarioOverrides, CreateAMissingSection) {
  nlohmann::json doc = document();
  apply_override(doc, "output.baseline=false");
  EXPECT_EQ(doc["output"]["baseline"], false);
}

TEST(ScenarioOverrides, BadPathsNameWhereTheyFailAndChangeNothing) {
  nlohmann::json doc = document();
  const nlohmann::json before = doc;
  EXPECT_EQ(error_of(doc, "duration_s"), "--set: 'duration_s' is not PATH=VALUE");
  EXPECT_EQ(error_of(doc, "vms[5].name=x"), "$.vms[5]: no such array element to --set");
  EXPECT_EQ(error_of(doc, "vms[x].name=x"), "$.vms: '[x]' is not an array index");
  EXPECT_EQ(error_of(doc, "duration_s.x=1"),
            "$.duration_s.x: --set goes through a value that is not an object");
  // The walk had created "output" before failing on its index: the document is unchanged.
  EXPECT_NE(error_of(doc, "output.x[0]=1"), "no error");
  EXPECT_EQ(doc, before);
}

TEST(ScenarioOverrides, AnUnknownKeyIsLeftForTheParserToReject) {
  nlohmann::json doc = nlohmann::json::parse(R"({"cluster": {"hosts": [{"name": "h"}]}})");
  apply_override(doc, "cluster.hosts[0].nics=2");
  try {
    parse_scenario(doc);
    ADD_FAILURE() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("$.cluster.hosts[0].nics: unknown key"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace flashtwin::sim
