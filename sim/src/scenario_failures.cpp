// The failure events of a scenario and the cluster manager's timing (docs/SCENARIOS.md,
// "events", "cluster.ha"; rules in docs/CLUSTER.md, "Failures").
#include "scenario_sections.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

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
  if (!flash_only) failure.repair_s = r.optional_in<double>("repair_s", 0, 0, limit::kMaxDurationS);
  failure.path = r.path();
  r.finish();
  return failure;
}

std::optional<PowerLoss> parse_power_loss(ObjectReader& event) {
  const nlohmann::json* json = event.child("power_loss");
  if (json == nullptr) return std::nullopt;
  ObjectReader r(*json, event.path_of("power_loss"));
  PowerLoss loss;
  loss.host = r.optional<std::string>("host", "");
  loss.duration_s = r.required_in<double>("duration_s", 0, limit::kMaxDurationS);
  if (loss.duration_s <= 0) throw ScenarioError(r.path_of("duration_s"), "must be > 0");
  loss.path = r.path();
  r.finish();
  return loss;
}

namespace {
// Power losses come back within the run: one of the whole cluster, or any number of single hosts
// (a rack's is one per host at one time), each host once; in a scenario without host failures and
// with no migration before one ends (their combination is a later part).
void check_power_loss(const Scenario& s) {
  std::vector<std::pair<const PowerLoss*, double>> losses;
  for (const EventSpec& event : s.events)
    if (const auto* p = std::get_if<PowerLoss>(&event.what)) losses.emplace_back(p, event.at_s);
  std::set<std::string> powered_off;
  double last_end_s = 0;
  for (const auto& [loss, at_s] : losses) {
    const std::string event_path = loss->path.substr(0, loss->path.rfind('.'));
    if (loss->host.empty() && losses.size() > 1) {
      throw ScenarioError(event_path, "a power loss of the whole cluster is the run's only one");
    }
    if (!loss->host.empty() &&
        std::none_of(s.cluster.hosts.begin(), s.cluster.hosts.end(),
                     [&](const HostSpec& host) { return host.name == loss->host; })) {
      throw ScenarioError(loss->path + ".host",
                          "'" + loss->host + "' is not a host of $.cluster.hosts");
    }
    if (!loss->host.empty() && !powered_off.insert(loss->host).second) {
      throw ScenarioError(loss->path + ".host",
                          "host '" + loss->host + "' loses power a second time; once per run");
    }
    if (at_s <= 0 || at_s + loss->duration_s >= s.duration_s) {
      throw ScenarioError(event_path + ".at_s",
                          "the power must go and come back inside the run "
                          "(0 < at_s and at_s + duration_s < duration_s)");
    }
    last_end_s = std::max(last_end_s, at_s + loss->duration_s);
  }
  if (losses.empty()) return;
  const std::string first = losses.front().first->path;
  for (const EventSpec& event : s.events) {
    if (std::holds_alternative<HostFailure>(event.what)) {
      throw ScenarioError(first.substr(0, first.rfind('.')),
                          "a power loss in a run with host or flash failures is "
                          "not supported yet");
    }
    if (std::holds_alternative<VmMigration>(event.what) && event.at_s <= last_end_s) {
      throw ScenarioError(first.substr(0, first.rfind('.')),
                          "a power loss during or after a migration is not "
                          "supported yet");
    }
  }
}
}  // namespace

// A failure names a host of the scenario (with flash, for a flash failure), at a time inside the
// run, repaired (repair_s) inside the run too; a host fails once, and a host a VM migrates from or
// to does not fail (a failure during or after a migration is a later part).
void check_failures(const Scenario& s) {
  check_power_loss(s);
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
      throw ScenarioError(failure->path + ".host",
                          "host '" + failure->host + "' fails a second time; once per run");
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
    if (failure->repair_s > 0 && event.at_s + failure->repair_s >= s.duration_s) {
      throw ScenarioError(failure->path + ".repair_s",
                          "the host must be repaired inside the run (at_s + repair_s < "
                          "duration_s); leave it out for a host that does not come back");
    }
  }
}

}  // namespace flashtwin::sim
