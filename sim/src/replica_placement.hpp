// Replica placement: which peers keep copies of each VM's write-back writes (docs/CLUSTER.md,
// "Placement"). Decided once, before the run starts, from the scenario's topology graph.
// Internal to sim/.
//
// Rules, per VM in scenario order, for the replicas its policy asks for at the start (its own
// policy, else its datastore's; only write-back asks for any):
//   - candidates: the other hosts with flash, outside the owner's fault domain (its rack, or its
//     `fault_domain` when the scenario gives one); one cache per physical host: of a host with
//     flash and RAM, the one of the owner's medium (the other if that one is not eligible);
//   - order: network-close first (route latency over the host network, integer nanoseconds), then
//     the one with the most room (replica load so far per byte of flash: the VMs' disk bytes it
//     already protects over its flash capacity), then a hash of (seed, VM, host): deterministic for
//     a scenario and its seed, and ties are not always broken towards the same host;
//   - the first k candidates are the peers. Fewer than k candidates: the VM gets no peers and runs
//     write-through, and the placement says so (the run reports it).
#pragma once

#include "flashtwin/models/topology.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "scenario_index.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace flashtwin::sim {

struct VmPlacement {
  std::uint32_t asked = 0;         // replicas the VM's policy asks for at the start
  std::vector<std::size_t> peers;  // hosts (scenario order); fewer than asked: none are used
  bool write_through() const { return peers.size() < asked; }
};

// The replicas VM v asks for at the start (0 unless its policy is write-back).
std::uint32_t replicas_asked(const Scenario& scenario, const ScenarioIndex& index, std::size_t vm);

// One entry per VM of the scenario. `topology` is the scenario's
// (platform_spec(scenario).topology). A VM on a host without flash runs pass-through and asks for
// nothing.
std::vector<VmPlacement> place_replicas(const Scenario& scenario, const ScenarioIndex& index,
                                        const models::Topology& topology);

// Peers for VM vm on host `owner` during the run (after a failure: a restart, or a replacement
// for a failed peer), by the same rules without the load term (the order is network distance,
// then the hash): `keep` (surviving peers, in their order) first, then the closest eligible
// hosts that are not `failed` until `asked` are found. Fewer than `asked`: too few eligible.
std::vector<std::size_t> choose_peers(const Scenario& scenario, const models::Topology& topology,
                                      std::size_t vm, std::size_t owner, std::uint32_t asked,
                                      const std::vector<std::size_t>& keep,
                                      const std::vector<bool>& failed);

}  // namespace flashtwin::sim
