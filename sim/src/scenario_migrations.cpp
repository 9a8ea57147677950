// The `migrate` events: their keys, and the checks against the rest of the scenario
// (docs/SCENARIOS.md, "events"; docs/CLUSTER.md, "Migration").
#include "scenario_sections.hpp"

#include "flashtwin/sim/json_reader.hpp"

#include <map>
#include <set>
#include <string>
#include <variant>

namespace flashtwin::sim {

VmMigration parse_migration(ObjectReader& migrate) {
  VmMigration what;
  what.vm = migrate.required<std::string>("vm");
  what.to = migrate.required<std::string>("to");
  what.path = migrate.path();
  if (const nlohmann::json* memory = migrate.child("memory_gib"))
    what.memory_bytes =
        json_size_bytes(*memory, migrate.path_of("memory_gib"), 0, limit::kMaxBytes);
  if (auto rate = migrate.maybe_in<double>("copy_rate_mbps", 0, limit::kMaxMbps)) {
    what.copy_rate_mbps = require_positive(*rate, migrate.path_of("copy_rate_mbps"));
    if (what.memory_bytes == 0) {
      throw ScenarioError(migrate.path_of("copy_rate_mbps"),
                          "limits the memory copy's rate: give memory_gib > 0 with it");
    }
  }
  return what;
}

void check_migrations(const Scenario& s) {
  std::map<std::string, std::string> host_of;
  for (const VmSpec& vm : s.vms)
    host_of[vm.name] = vm.host;
  std::set<std::string> hosts;
  for (const HostSpec& host : s.cluster.hosts)
    hosts.insert(host.name);
  for (const EventSpec& event : s.events) {
    const auto* move = std::get_if<VmMigration>(&event.what);
    if (move == nullptr) continue;
    auto vm = host_of.find(move->vm);
    if (vm == host_of.end())
      throw ScenarioError(move->path + ".vm", "'" + move->vm + "' is not one of $.vms");
    if (!hosts.count(move->to))
      throw ScenarioError(move->path + ".to",
                          "'" + move->to + "' is not a host of $.cluster.hosts");
    if (vm->second == move->to) {
      throw ScenarioError(move->path + ".to", "VM '" + move->vm + "' already runs on host '" +
                                                  move->to + "': name another host");
    }
    if (event.at_s <= 0 || event.at_s >= s.duration_s) {
      throw ScenarioError(move->path.substr(0, move->path.rfind('.')) + ".at_s",
                          "a migration needs a time inside the run (0 < at_s < duration_s)");
    }
    vm->second = move->to;
  }
}

}  // namespace flashtwin::sim
