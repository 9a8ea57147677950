#include "migration_plan.hpp"

#include <optional>
#include <set>
#include <utility>
#include <variant>

namespace flashtwin::sim {

std::vector<PlannedMigration> plan_migrations(const Scenario& scenario, const ScenarioIndex& index,
                                              const models::Topology& topology) {
  std::vector<PlannedMigration> plan;
  std::vector<std::size_t> host = index.vm_host;  // by VM: where it runs after the moves so far
  std::vector<engine::Epoch> epoch(scenario.vms.size(), 1);
  std::vector<std::optional<std::size_t>> left(scenario.vms.size());  // by VM: its host before
  std::set<std::pair<std::size_t, std::size_t>> visited;              // (VM, host)
  for (std::size_t v = 0; v < host.size(); ++v)
    visited.emplace(v, host[v]);
  for (const EventSpec& event : scenario.events) {  // in time order
    const auto* move = std::get_if<VmMigration>(&event.what);
    if (move == nullptr) continue;
    PlannedMigration m;
    m.vm = index.vm(move->vm);
    m.from = host[m.vm];
    m.to = index.host(move->to);
    m.previous = left[m.vm];
    left[m.vm] = m.from;
    host[m.vm] = m.to;
    m.epoch = ++epoch[m.vm];
    m.first_visit = visited.emplace(m.vm, m.to).second;
    m.at_s = event.at_s;
    m.memory_bytes = move->memory_bytes;
    m.copy_rate_mbps = move->copy_rate_mbps;
    Scenario moved = scenario;
    moved.vms[m.vm].host = move->to;
    m.placement = place_replicas(moved, ScenarioIndex(moved), topology)[m.vm];
    plan.push_back(std::move(m));
  }
  return plan;
}

void add_arriving_vms(const Scenario& scenario, const ScenarioIndex& index,
                      const std::vector<PlannedMigration>& plan, CommandExecutor& executor) {
  for (const PlannedMigration& m : plan) {
    if (!m.first_visit) continue;
    SimHost& host = executor.host(m.to);
    std::optional<engine::CacheMode> own;
    if (scenario.vms[m.vm].policy) own = scenario.vms[m.vm].policy->mode;
    if (host.flash == nullptr) own = engine::CacheMode::pass_through;
    if (m.placement.write_through()) own = engine::CacheMode::write_through;
    const auto vm = static_cast<engine::VmId>(m.vm);
    host.engine->add_vm(vm, static_cast<engine::DatastoreId>(index.vm_datastore[m.vm]), own);
    if (m.placement.asked == 0 || m.placement.write_through()) continue;
    std::vector<engine::HostId> peers;
    for (std::size_t peer : m.placement.peers)
      peers.push_back(static_cast<engine::HostId>(peer));
    host.engine->set_replica_peers(vm, peers);
  }
}

}  // namespace flashtwin::sim
