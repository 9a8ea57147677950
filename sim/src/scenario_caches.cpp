// Hosts with flash and RAM (docs/CLUSTER.md, "Flash and RAM on one host"): checked on the
// scenario as written, then split into one HostSpec per cache for the runtime.
#include "scenario_sections.hpp"

#include <algorithm>
#include <utility>

namespace flashtwin::sim {

namespace {

std::string at(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

bool in_ram(const Scenario& s, const FlashSpec& cache) {
  return s.device(cache.device).is_volatile;
}

const char* medium_name(CacheMedium medium) {
  return medium == CacheMedium::ram ? "RAM" : "flash";
}

// The medium VM v's policy asks for: its own policy's, else its datastore's (a VM's policy that
// names no medium keeps its datastore's).
CacheMedium vm_medium(const Scenario& s, const VmSpec& vm) {
  if (vm.policy && vm.policy->medium != CacheMedium::any) return vm.policy->medium;
  for (const DatastoreSpec& ds : s.datastores)
    if (ds.name == vm.datastore) return ds.policy.medium;
  return CacheMedium::any;
}

const HostSpec* host_named(const Scenario& s, const std::string& name) {
  for (const HostSpec& host : s.cluster.hosts)
    if (host.name == name) return &host;
  return nullptr;
}

// Whether a VM asking for `medium` may run on `host`: any medium, a host without a cache that
// runs its VMs pass-through, a host without a cache whose remote flash host's first cache (its
// flash, if it has some: what remote VMs use) is of that medium, or a host with a cache of that
// medium.
bool has_medium(const Scenario& s, const HostSpec& host, CacheMedium medium) {
  if (medium == CacheMedium::any) return true;
  if (host.flash.empty()) {
    const HostSpec* remote = host.remote_flash.empty() ? nullptr : host_named(s, host.remote_flash);
    if (remote == nullptr || remote->flash.empty()) return true;
    bool remote_in_ram = true;  // its first cache: its flash if it has some
    for (const FlashSpec& cache : remote->flash)
      remote_in_ram = remote_in_ram && in_ram(s, cache);
    return remote_in_ram == (medium == CacheMedium::ram);
  }
  for (const FlashSpec& cache : host.flash)
    if (in_ram(s, cache) == (medium == CacheMedium::ram)) return true;
  return false;
}

// Where VM v's medium was asked for, for messages.
std::string medium_source(const Scenario& s, std::size_t v) {
  const VmSpec& vm = s.vms[v];
  if (vm.policy && vm.policy->medium != CacheMedium::any) return at("$.vms", v) + ".policy.medium";
  return "the policy of datastore '" + vm.datastore + "'";
}

}  // namespace

CacheMedium parse_medium(ObjectReader& policy, bool allowed) {
  if (!policy.has("medium")) return CacheMedium::any;
  if (!allowed) {
    throw ScenarioError(policy.path_of("medium"),
                        "a policy event does not move a VM to its host's other cache: give "
                        "the medium in the VM's or datastore's policy");
  }
  const std::string medium = policy.required<std::string>("medium");
  if (medium == "flash") return CacheMedium::flash;
  if (medium == "ram") return CacheMedium::ram;
  throw ScenarioError(policy.path_of("medium"), "'" + medium + "' is not one of flash, ram");
}

void check_caches(const Scenario& s) {
  for (std::size_t i = 0; i < s.cluster.hosts.size(); ++i) {
    const HostSpec& host = s.cluster.hosts[i];
    if (host.flash.size() == 2 && in_ram(s, host.flash[0]) == in_ram(s, host.flash[1])) {
      throw ScenarioError(
          at(at("$.cluster.hosts", i) + ".flash", 1) + ".device",
          std::string("a host has at most one flash device and one RAM cache (I/O is not "
                      "striped across devices yet); both are ") +
              (in_ram(s, host.flash[0]) ? "RAM" : "flash"));
    }
  }
  for (std::size_t v = 0; v < s.vms.size(); ++v) {
    const CacheMedium medium = vm_medium(s, s.vms[v]);
    const HostSpec* host = host_named(s, s.vms[v].host);
    if (host != nullptr && !has_medium(s, *host, medium)) {
      throw ScenarioError(at("$.vms", v) + ".host", "'" + host->name + "' has no " +
                                                        medium_name(medium) +
                                                        " cache, which the VM's medium asks for (" +
                                                        medium_source(s, v) + ")");
    }
  }
  for (std::size_t e = 0; e < s.events.size(); ++e) {
    const auto* move = std::get_if<VmMigration>(&s.events[e].what);
    if (move == nullptr) continue;
    std::size_t v = 0;
    while (v < s.vms.size() && s.vms[v].name != move->vm)
      ++v;
    const HostSpec* to = host_named(s, move->to);
    if (v == s.vms.size() || to == nullptr) continue;  // check_migrations said so
    const CacheMedium medium = vm_medium(s, s.vms[v]);
    if (!has_medium(s, *to, medium)) {
      throw ScenarioError(move->path + ".to",
                          "'" + to->name + "' has no " + medium_name(medium) + " cache, which " +
                              s.vms[v].name + "'s medium asks for (" + medium_source(s, v) + ")");
    }
  }
}

void split_caches(Scenario& s) {
  std::vector<HostSpec> hosts;
  std::vector<std::string> with_ram;  // hosts that got a "/ram" twin
  for (HostSpec& host : s.cluster.hosts) {
    host.machine = host.name;
    if (host.flash.size() < 2) {
      hosts.push_back(std::move(host));
      continue;
    }
    if (in_ram(s, host.flash[0])) std::swap(host.flash[0], host.flash[1]);
    HostSpec ram = host;
    ram.name = host.name + "/ram";
    ram.flash = {host.flash[1]};
    host.flash.resize(1);
    with_ram.push_back(host.name);
    hosts.push_back(std::move(host));
    hosts.push_back(std::move(ram));
  }
  s.cluster.hosts = std::move(hosts);
  if (with_ram.empty()) return;
  auto cache_host = [&](const std::string& machine, CacheMedium medium) {
    const bool twin = std::find(with_ram.begin(), with_ram.end(), machine) != with_ram.end();
    return twin && medium == CacheMedium::ram ? machine + "/ram" : machine;
  };
  for (VmSpec& vm : s.vms)
    vm.host = cache_host(vm.host, vm_medium(s, vm));
  for (EventSpec& event : s.events) {
    auto* move = std::get_if<VmMigration>(&event.what);
    if (move == nullptr) continue;
    for (const VmSpec& vm : s.vms)
      if (vm.name == move->vm) move->to = cache_host(move->to, vm_medium(s, vm));
  }
}

}  // namespace flashtwin::sim
