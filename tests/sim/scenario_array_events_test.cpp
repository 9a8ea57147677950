// The array's events in a scenario (array_slowdown, array_outage): read with their values and JSON
// path, and every mistake refused with the path of what is wrong — a factor below 1, a duration
// that is not > 0, a time outside the run, an event that overlaps another, two actions in one
// event, an unknown key.
#include "flashtwin/sim/scenario.hpp"
#include "scenario_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace flashtwin::sim {
namespace {

using testing::error_of;
using testing::example;

// The shipped example (120 s, a policy change at 60 s) with a slowdown from 10 s to 40 s and an
// outage from 50 s to 75 s, listed out of time order.
nlohmann::json with_array_events() {
  nlohmann::json doc = example();
  doc["events"].push_back({{"at_s", 50}, {"array_outage", {{"duration_s", 25}}}});
  doc["events"].push_back({{"at_s", 10}, {"array_slowdown", {{"factor", 4}, {"duration_s", 30}}}});
  return doc;
}

void expect_error(const nlohmann::json& doc, const std::string& expected) {
  const std::string error = error_of(doc);
  EXPECT_NE(error.find(expected), std::string::npos) << "error: " << error;
}

TEST(ScenarioArrayEvents, AreReadWithTheirValuesAndPath) {
  const Scenario s = parse_scenario(with_array_events(), ".");
  ASSERT_EQ(s.events.size(), 3u);  // sorted by time: slowdown, outage, policy change
  const auto* slowdown = std::get_if<ArrayDegradation>(&s.events[0].what);
  ASSERT_NE(slowdown, nullptr);
  EXPECT_EQ(s.events[0].at_s, 10);
  EXPECT_FALSE(slowdown->outage);
  EXPECT_EQ(slowdown->factor, 4);
  EXPECT_EQ(slowdown->duration_s, 30);
  EXPECT_EQ(slowdown->path, "$.events[2].array_slowdown");
  const auto* outage = std::get_if<ArrayDegradation>(&s.events[1].what);
  ASSERT_NE(outage, nullptr);
  EXPECT_TRUE(outage->outage);
  EXPECT_EQ(outage->factor, 1);
  EXPECT_EQ(outage->duration_s, 25);
  EXPECT_EQ(outage->path, "$.events[1].array_outage");
}

TEST(ScenarioArrayEvents, BadValuesNameTheirPath) {
  nlohmann::json doc = with_array_events();
  doc["events"][2]["array_slowdown"]["factor"] = 0.5;
  expect_error(doc, "$.events[2].array_slowdown.factor: must be from 1 to");
  doc = with_array_events();
  doc["events"][2]["array_slowdown"].erase("factor");
  expect_error(doc, "$.events[2].array_slowdown.factor");
  doc = with_array_events();
  doc["events"][2]["array_slowdown"]["factor"] = "fast";
  expect_error(doc, "$.events[2].array_slowdown.factor: expected a number");
  doc = with_array_events();
  doc["events"][1]["array_outage"]["duration_s"] = 0;
  expect_error(doc, "$.events[1].array_outage.duration_s: must be a positive number, got 0");
  doc = with_array_events();
  doc["events"][1]["array_outage"]["duration_s"] = -3;
  expect_error(doc, "$.events[1].array_outage.duration_s: must be from 0 to");
  doc = with_array_events();
  doc["events"][1]["array_outage"]["factor"] = 2;  // an outage has no factor
  expect_error(doc, "$.events[1].array_outage.factor: unknown key");
}

TEST(ScenarioArrayEvents, MustLieInsideTheRun) {
  nlohmann::json doc = with_array_events();
  doc["events"][1]["at_s"] = 120;
  expect_error(doc, "$.events[1].at_s: an array event needs a time inside the run");
  doc = with_array_events();
  doc["events"][1]["array_outage"]["duration_s"] = 80;
  expect_error(doc,
               "$.events[1].array_outage.duration_s: the array_outage ends at 130.0 s, after "
               "the end of the run (duration_s 120.0 s)");
  doc = with_array_events();
  doc["events"][2]["at_s"] = 0;  // degraded from the start: fine
  EXPECT_NO_THROW(parse_scenario(doc, "."));
}

TEST(ScenarioArrayEvents, OverlappingEventsAreRefused) {
  nlohmann::json doc = with_array_events();
  doc["events"][1]["at_s"] = 39.5;  // the slowdown lasts until 40 s
  expect_error(doc,
               "$.events[1].array_outage: overlaps the array_slowdown of $.events[2] (from 10.0 s "
               "to 40.0 s); array events must not overlap");
  doc["events"][1]["at_s"] = 40;  // one after the other: fine
  EXPECT_NO_THROW(parse_scenario(doc, "."));
  doc = with_array_events();
  doc["events"].push_back({{"at_s", 60}, {"array_outage", {{"duration_s", 1}}}});
  expect_error(doc, "$.events[3].array_outage: overlaps the array_outage of $.events[1]");
}

TEST(ScenarioArrayEvents, OneActionPerEvent) {
  nlohmann::json doc = with_array_events();
  doc["events"][1]["array_slowdown"] = {{"factor", 2}, {"duration_s", 1}};
  expect_error(doc,
               "$.events[1]: an event needs exactly one of vm_policy, datastore_policy, migrate, "
               "fail_host, fail_flash, power_loss, cut_link, array_slowdown, array_outage");
}

}  // namespace
}  // namespace flashtwin::sim
