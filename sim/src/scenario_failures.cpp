// The failure events of a scenario and the cluster manager's timing (docs/SCENARIOS.md,
// "events", "cluster.ha"; rules in docs/CLUSTER.md, "Failures").
#include "scenario_sections.hpp"

#include <map>
#include <set>

namespace flashtwin::sim {

HaSpec parse_ha(const nlohmann::json* json, const std::string& path) {
  HaSpec ha;
  if (json == nullptr) return ha;
  ObjectReader r(*json, path);
  ha.detect_s = r.optional_in<double>("detect_s", ha.detect_s, 0, limit::kMaxDurationS);
  ha.boot_s = r.optional_in<double>("boot_s", ha.boot_s, 0, limit::kMaxDurationS);
  r.finish();
  return ha;
}

std::optional<HostFailure> parse_host_failure(ObjectReader& event) {
  const bool flash_only = event.has("fail_flash") && !event.has("fail_host");
  const char* key = flash_only ? "fail_flash" : "fail_host";
  const nlohmann::json* json = event.child(key);
  if (json == nullptr) return std::nullopt;
  ObjectReader r(*json, event.path_of(key));
  HostFailure failure;
  failure.flash_only = flash_only;
  failure.host = r.required<std::string>("host");
  failure.path = r.path();
  r.finish();
  return failure;
}

// A failure names a host of the scenario (with flash, for a flash failure), at a time inside the
// run; a host fails once (it does not come back), and a host a VM migrates from or to does not
// fail (a failure during or after a migration is a later part).
void check_failures(const Scenario& s) {
  std::set<std::string> hosts, migrating, failed, with_flash;
  for (const HostSpec& host : s.cluster.hosts) {
    hosts.insert(host.name);
    if (!host.flash.empty()) with_flash.insert(host.name);
  }
  std::map<std::string, std::string> host_of;
  for (const VmSpec& vm : s.vms)
    host_of[vm.name] = vm.host;
  for (const EventSpec& event : s.events) {
    if (const auto* move = std::get_if<VmMigration>(&event.what)) {
      migrating.insert(host_of[move->vm]);
      migrating.insert(move->to);
    }
  }
  for (const EventSpec& event : s.events) {
    const auto* failure = std::get_if<HostFailure>(&event.what);
    if (failure == nullptr) continue;
    if (!hosts.count(failure->host)) {
      throw ScenarioError(failure->path + ".host",
                          "'" + failure->host + "' is not a host of $.cluster.hosts");
    }
    if (failure->flash_only && !with_flash.count(failure->host)) {
      throw ScenarioError(failure->path + ".host",
                          "host '" + failure->host + "' has no flash to fail");
    }
    if (!failed.insert(failure->host).second) {
      throw ScenarioError(failure->path + ".host", "host '" + failure->host +
                                                       "' fails a second time; a failed host "
                                                       "does not come back during a run");
    }
    if (migrating.count(failure->host)) {
      throw ScenarioError(failure->path + ".host",
                          "host '" + failure->host +
                              "' takes part in a migration; failures of migrating hosts are "
                              "not supported yet");
    }
    if (event.at_s <= 0 || event.at_s >= s.duration_s) {
      throw ScenarioError(failure->path.substr(0, failure->path.rfind('.')) + ".at_s",
                          "a failure needs a time inside the run (0 < at_s < duration_s)");
    }
  }
}

}  // namespace flashtwin::sim
