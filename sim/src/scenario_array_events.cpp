// The array's failure events of a scenario: `array_slowdown` and `array_outage` (docs/SCENARIOS.md,
// "events"; what they do to the array's queues: models/array_model.hpp, docs/MODELS.md).
#include "scenario_sections.hpp"

#include <string>
#include <vector>

namespace flashtwin::sim {

namespace {

// `key` of the event (an object with `duration_s`, and `factor` for a slowdown), or nullopt.
std::optional<ArrayDegradation> parse_array_event(ObjectReader& event, const char* key,
                                                  bool outage) {
  const nlohmann::json* json = event.child(key);
  if (json == nullptr) return std::nullopt;
  ObjectReader r(*json, event.path_of(key));
  ArrayDegradation degradation;
  degradation.outage = outage;
  if (!outage) {
    degradation.factor = r.required_in<double>("factor", 1, limit::kMaxServiceFactor);
  }
  degradation.duration_s = require_positive(
      r.required_in<double>("duration_s", 0, limit::kMaxDurationS), r.path_of("duration_s"));
  degradation.path = r.path();
  r.finish();
  return degradation;
}

const char* key_of(const ArrayDegradation& a) {
  return a.outage ? "array_outage" : "array_slowdown";
}

std::string seconds(double s) {
  return nlohmann::json(s).dump() + " s";
}

}  // namespace

std::optional<ArrayDegradation> parse_array_slowdown(ObjectReader& event) {
  return parse_array_event(event, "array_slowdown", false);
}

std::optional<ArrayDegradation> parse_array_outage(ObjectReader& event) {
  return parse_array_event(event, "array_outage", true);
}

// Each array event starts at a time in [0, duration_s) and ends by the end of the run; one does not
// start before the one before it ended (the array is slowed or out, not both, one cause at a time).
void check_array_events(const Scenario& s) {
  struct Span {
    double from_s, to_s;
    const ArrayDegradation* what;
  };
  std::vector<Span> spans;  // in time order: the events are sorted by at_s
  for (const EventSpec& event : s.events) {
    const auto* array = std::get_if<ArrayDegradation>(&event.what);
    if (array == nullptr) continue;
    const std::string event_path = array->path.substr(0, array->path.rfind('.'));
    if (event.at_s >= s.duration_s) {
      throw ScenarioError(event_path + ".at_s",
                          "an array event needs a time inside the run (0 <= at_s < duration_s)");
    }
    const double end_s = event.at_s + array->duration_s;
    if (end_s > s.duration_s) {
      throw ScenarioError(array->path + ".duration_s",
                          std::string("the ") + key_of(*array) + " ends at " + seconds(end_s) +
                              ", after the end of the run (duration_s " + seconds(s.duration_s) +
                              ")");
    }
    if (!spans.empty() && event.at_s < spans.back().to_s) {
      const Span& before = spans.back();
      throw ScenarioError(
          array->path, std::string("overlaps the ") + key_of(*before.what) + " of " +
                           before.what->path.substr(0, before.what->path.rfind('.')) + " (from " +
                           seconds(before.from_s) + " to " + seconds(before.to_s) +
                           "); array events must not overlap");
    }
    spans.push_back(Span{event.at_s, end_s, array});
  }
}

}  // namespace flashtwin::sim
