// ScenarioIndex: the scenario's names resolved to indices once, so the runtime's parts work with
// numbers (host h, VM v, datastore d) and never search by name while the simulation runs.
// Requires a validated Scenario (every name it uses refers to something that exists).
#pragma once

#include "flashtwin/sim/scenario.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace flashtwin::sim {

struct ScenarioIndex {
  explicit ScenarioIndex(const Scenario& scenario);

  std::size_t host(std::string_view name) const;
  std::size_t vm(std::string_view name) const;
  std::size_t datastore(std::string_view name) const;

  // By VM index: the host whose engine serves the VM's I/O (its own, or the one whose flash it
  // uses remotely: HostSpec::remote_flash), and the host it runs on.
  std::vector<std::size_t> vm_host;
  std::vector<std::size_t> vm_client;
  std::vector<std::size_t> vm_datastore;  // by VM index
  std::vector<CacheMedium>
      vm_medium;  // by VM index: its policy's, else its datastore's (any: none)
  // By host index: the hosts on its physical host (HostSpec::machine), itself first; two for a
  // host with flash and RAM (they fail, lose power and come back together).
  std::vector<std::vector<std::size_t>> machine_hosts;

 private:
  const Scenario& scenario_;
};

}  // namespace flashtwin::sim
