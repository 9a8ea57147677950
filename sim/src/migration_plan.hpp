// Migration plan: the scenario's `migrate` events resolved before the run (docs/CLUSTER.md,
// "Migration"): which VM moves from which host to which, when, and the replica peers it gets on
// the new host. Internal to sim/.
//
// A VM may move several times, on from its new host or back to one it left: each move starts
// from where the one before took it, in the VM's next epoch (its first is 1, each move adds one).
// The new owner's peers are placed as if the VM had started on the new host (replica_placement's
// rules, with every other VM where it starts); fewer than its policy asks for: it runs
// write-through there. The VM is added to each new host's engine before the run (mode, peers,
// disks), once, so that the migration itself is only the switch-over.
#pragma once

#include "command_executor.hpp"
#include "flashtwin/models/topology.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "replica_placement.hpp"
#include "scenario_index.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace flashtwin::sim {

struct PlannedMigration {
  std::size_t vm = 0;
  std::size_t from = 0;
  std::size_t to = 0;
  double at_s = 0;                 // the event: the memory copy starts, or else the switch-over
  std::uint64_t memory_bytes = 0;  // the memory copy's; 0: not modelled
  std::optional<double> copy_rate_mbps;  // its cap, MB/s (10^6 B/s); none: the network decides
  VmPlacement placement;                 // at the new host
  engine::Epoch epoch = 2;               // the VM's epoch from this move on (its first is 1)
  bool first_visit = true;               // the VM never ran on `to` before (it is added there)
  std::optional<std::size_t> previous;   // the host the VM left for `from` (its move before)
};

// In time order. The scenario was checked (scenario_parser: check_migrations).
std::vector<PlannedMigration> plan_migrations(const Scenario& scenario, const ScenarioIndex& index,
                                              const models::Topology& topology);

// Adds each migrating VM to each host it visits for the first time, with its mode and peers
// there.
void add_arriving_vms(const Scenario& scenario, const ScenarioIndex& index,
                      const std::vector<PlannedMigration>& plan, CommandExecutor& executor);

}  // namespace flashtwin::sim
