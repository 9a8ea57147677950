#include "scenario_index.hpp"

#include <stdexcept>
#include <string>

namespace flashtwin::sim {
namespace {
template <class List, class Name>
std::size_t find(const List& list, Name name_of, std::string_view name, const char* what) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (name_of(list[i]) == name) return i;
  }
  throw std::logic_error(std::string("scenario index: no ") + what + " '" + std::string(name) +
                         "' (the scenario was not validated)");
}
}  // namespace

ScenarioIndex::ScenarioIndex(const Scenario& scenario) : scenario_(scenario) {
  const std::vector<HostSpec>& hosts = scenario.cluster.hosts;
  machine_hosts.resize(hosts.size());
  for (std::size_t h = 0; h < hosts.size(); ++h) {
    machine_hosts[h].push_back(h);
    for (std::size_t g = 0; g < hosts.size(); ++g)
      if (g != h && hosts[g].machine_name() == hosts[h].machine_name())
        machine_hosts[h].push_back(g);
  }
  for (const VmSpec& vm : scenario.vms) {
    vm_client.push_back(host(vm.host));
    const std::string& remote = scenario.cluster.hosts[vm_client.back()].remote_flash;
    vm_host.push_back(remote.empty() ? vm_client.back() : host(remote));
    vm_datastore.push_back(datastore(vm.datastore));
    vm_medium.push_back(vm.policy && vm.policy->medium != CacheMedium::any
                            ? vm.policy->medium
                            : scenario.datastores[vm_datastore.back()].policy.medium);
  }
}

std::size_t ScenarioIndex::host(std::string_view name) const {
  return find(
      scenario_.cluster.hosts, [](const HostSpec& h) { return h.name; }, name, "host");
}

std::size_t ScenarioIndex::vm(std::string_view name) const {
  return find(
      scenario_.vms, [](const VmSpec& v) { return v.name; }, name, "VM");
}

std::size_t ScenarioIndex::datastore(std::string_view name) const {
  return find(
      scenario_.datastores, [](const DatastoreSpec& d) { return d.name; }, name, "datastore");
}

}  // namespace flashtwin::sim
