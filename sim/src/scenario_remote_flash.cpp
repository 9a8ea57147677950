// A host without flash whose VMs cache on another host's flash (docs/SCENARIOS.md, "cluster";
// docs/CLUSTER.md, "Remote flash").
#include "scenario_sections.hpp"

#include <algorithm>
#include <string>

namespace flashtwin::sim {

void check_remote_flash(const Scenario& s) {
  bool any = false;
  for (std::size_t i = 0; i < s.cluster.hosts.size(); ++i) {
    const HostSpec& host = s.cluster.hosts[i];
    if (host.remote_flash.empty()) continue;
    any = true;
    const std::string path = "$.cluster.hosts[" + std::to_string(i) + "].remote_flash";
    if (!host.flash.empty()) {
      throw ScenarioError(path, "host '" + host.name + "' has flash of its own");
    }
    const auto target =
        std::find_if(s.cluster.hosts.begin(), s.cluster.hosts.end(),
                     [&](const HostSpec& h) { return h.name == host.remote_flash; });
    if (target == s.cluster.hosts.end()) {
      throw ScenarioError(path, "'" + host.remote_flash + "' is not a host of $.cluster.hosts");
    }
    if (target->flash.empty()) {
      throw ScenarioError(path, "host '" + host.remote_flash + "' has no flash to lend");
    }
  }
  if (!any) return;
  for (const EventSpec& event : s.events) {
    // The event's own path: events are sorted by time, not in file order.
    std::string path;
    if (const auto* failure = std::get_if<HostFailure>(&event.what)) path = failure->path;
    if (const auto* loss = std::get_if<PowerLoss>(&event.what)) path = loss->path;
    if (const auto* move = std::get_if<VmMigration>(&event.what)) path = move->path;
    if (path.empty()) continue;
    throw ScenarioError(path.substr(0, path.rfind('.')),
                        "failures, power losses and migrations in a scenario with a "
                        "remote_flash host are not supported yet");
  }
}

}  // namespace flashtwin::sim
