#include "cluster_state.hpp"

#include "json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace flashtwin::gui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

double seconds(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return NAN;
  return object[key].get<double>() / 1e9;
}

// The value of `column` in the interval of `series` that contains t (the last one after it).
double level_at(const sim::TimeSeries& series, const std::string& column, double t_s) {
  if (!series.has(column) || series.rows() == 0) return 0;
  const std::vector<double>& end = series.column("end_s");
  const auto it = std::lower_bound(end.begin(), end.end(), t_s - 1e-9);
  const std::size_t row = it == end.end() ? series.rows() - 1 : it - end.begin();
  const double value = series.column(column)[row];
  return std::isnan(value) ? 0 : value;
}

// The host of a cache name: "esx1/ram" -> "esx1" (results name a host's RAM cache so).
std::string host_of(const std::string& cache) {
  return cache.substr(0, cache.find('/'));
}

// Whether a device of the scenario keeps nothing through a power loss: its `devices` entry says
// `volatile`, else the preset it starts from; of the presets, `ram`.
bool is_volatile(const nlohmann::json& scenario, const std::string& device, int depth = 0) {
  const nlohmann::json& entry = child(child(scenario, "devices"), device.c_str());
  if (child(entry, "volatile").is_boolean()) return entry["volatile"].get<bool>();
  const std::string preset = text(entry, "preset");
  if (!preset.empty() && preset != device && depth < 8)
    return is_volatile(scenario, preset, depth + 1);
  return device == "ram";
}

void erase(std::vector<std::string>& list, const std::string& item) {
  list.erase(std::remove(list.begin(), list.end(), item), list.end());
}

}  // namespace

ClusterPlayback::ClusterPlayback(const nlohmann::json& scenario) {
  read_layout(scenario);
  moments_ = {0.0};
}

ClusterPlayback::ClusterPlayback(const sim::ResultsFolder& results) {
  const nlohmann::json& summary = results.summary;
  read_layout(child(child(summary, "produced_by"), "scenario"));
  // Each cache's capacity as the run reported it; a host's RAM cache is the one it reports as
  // `<host>/ram` (whatever device preset it is).
  for (const nlohmann::json& reported : child(summary, "hosts")) {
    const std::string name = text(reported, "name");
    for (HostState& host : initial_.hosts) {
      if (host.caches.size() != 2 || name != host.name + "/ram") continue;
      const bool first_is_ram = host.caches[0].ram && !host.caches[1].ram;
      host.caches[first_is_ram ? 0 : 1].name = name;
      host.caches[first_is_ram ? 1 : 0].name = host.name;
    }
  }
  for (const nlohmann::json& reported : child(summary, "hosts")) {
    const std::string name = text(reported, "name");
    for (HostState& host : initial_.hosts)
      for (CacheState& cache : host.caches)
        if (cache.name == name && reported.contains("flash_bytes"))
          cache.capacity_bytes = reported["flash_bytes"].get<double>();
  }
  const nlohmann::json& cluster = child(summary, "cluster");
  for (const nlohmann::json& r : child(cluster, "replication")) {
    if (child(r, "write_through").is_boolean() && r["write_through"].get<bool>()) continue;
    std::vector<std::string>& peers = peers_[text(r, "vm")];
    for (const nlohmann::json& peer : child(r, "peers"))
      if (peer.is_string()) peers.push_back(host_of(peer.get<std::string>()));
  }
  for (const nlohmann::json& m : child(cluster, "migrations"))
    changes_.push_back(Change{seconds(m, "at_ns"), "migrated", text(m, "to"), text(m, "vm"), {}});
  const nlohmann::json& failures = child(cluster, "failures");
  for (const nlohmann::json& o : child(failures, "outages")) {  // any cause: down until restarted
    changes_.push_back(Change{seconds(o, "failed_at_ns"), "vm_down", {}, text(o, "vm"), {}});
    if (!std::isnan(seconds(o, "restarted_at_ns")))
      changes_.push_back(Change{
          seconds(o, "restarted_at_ns"), "vm_up", text(o, "restarted_on"), text(o, "vm"), {}});
  }
  for (const nlohmann::json& e : child(failures, "timeline")) {
    Change change{seconds(e, "at_ns"), text(e, "event"), text(e, "host"), text(e, "vm"),
                  text(e, "link")};
    if (child(e, "factor").is_number()) change.factor = e["factor"].get<double>();
    changes_.push_back(change);
  }
  std::erase_if(changes_, [](const Change& c) { return std::isnan(c.at_s); });
  std::stable_sort(changes_.begin(), changes_.end(),
                   [](const Change& a, const Change& b) { return a.at_s < b.at_s; });
  levels_ = results.hosts;
  initial_.levels = !levels_.empty();
  moments_ = results.cluster.has("end_s") ? results.cluster.column("end_s") : std::vector<double>{};
  if (moments_.empty()) moments_ = {0.0};
}

void ClusterPlayback::read_layout(const nlohmann::json& scenario) {
  initial_.array_preset = text(child(scenario, "array"), "preset");
  for (const nlohmann::json& h : child(child(scenario, "cluster"), "hosts")) {
    HostState host;
    host.name = text(h, "name");
    host.rack = text(h, "rack");
    host.remote_flash = text(h, "remote_flash");
    for (const nlohmann::json& device : child(h, "flash")) {
      CacheState cache;
      cache.device = text(device, "device");
      cache.ram = is_volatile(scenario, cache.device);
      cache.name = host.name + (cache.ram ? "/ram" : "");
      const nlohmann::json& capacity = child(device, "capacity_gib");
      if (capacity.is_number()) cache.capacity_bytes = capacity.get<double>() * kGiB;
      host.caches.push_back(cache);
    }
    // One cache is the host itself, whatever its medium.
    if (host.caches.size() == 1) host.caches[0].name = host.name;
    initial_.hosts.push_back(host);
  }
  for (const nlohmann::json& vm : child(scenario, "vms")) {
    vm_order_.push_back(text(vm, "name"));
    vm_host_[vm_order_.back()] = text(vm, "host");
  }
}

ClusterState ClusterPlayback::state_at(double t_s) const {
  ClusterState state = initial_;
  state.at_s = t_s;
  // Where each VM runs (or ran before it went down), and the VMs waiting for a restart.
  std::map<std::string, std::string> vm_host = vm_host_;
  std::set<std::string> down;
  std::map<std::string, std::vector<std::string>> peers = peers_;
  // The interval ending at t_s: what happened after the moment before it.
  const auto moment = std::lower_bound(moments_.begin(), moments_.end(), t_s - 1e-9);
  const double interval_start =
      moment == moments_.begin() ? -std::numeric_limits<double>::infinity() : *(moment - 1);
  auto host_named = [&state](const std::string& name) -> HostState* {
    for (HostState& h : state.hosts)
      if (h.name == host_of(name)) return &h;
    return nullptr;
  };
  for (const Change& c : changes_) {
    if (c.at_s > t_s + 1e-9) break;
    if (c.at_s > interval_start + 1e-9 && c.event != "vm_down" && c.event != "vm_up")
      state.happened.push_back(c.event == "migrated"
                                   ? c.vm + " migrated to " + c.host
                                   : c.event + (c.host.empty() ? "" : " " + c.host) +
                                         (c.vm.empty() ? "" : " " + c.vm) +
                                         (c.link.empty() ? "" : " " + c.link));
    HostState* host = host_named(c.host);
    if (c.event == "migrated" || c.event == "vm_up") {
      // Elsewhere it has new peers, which the results do not record: its lines stop.
      if (host_of(c.host) != host_of(vm_host[c.vm])) peers[c.vm].clear();
      vm_host[c.vm] = c.host;
      down.erase(c.vm);
    } else if (c.event == "vm_down") {
      down.insert(c.vm);
    } else if (c.event == "host_failed" || c.event == "host_isolated") {
      if (host != nullptr) host->down = true;
    } else if (c.event == "host_rejoined") {
      if (host != nullptr) host->down = false;
    } else if (c.event == "power_lost") {  // back at each host's host_rejoined
      for (HostState& h : state.hosts)
        if (c.host.empty() || h.name == host_of(c.host)) h.down = true;
    } else if (c.event == "flash_failed") {
      if (host != nullptr) host->flash_failed = true;
    } else if (c.event == "link_cut") {
      state.cut_links.push_back(c.link);
    } else if (c.event == "link_restored") {
      erase(state.cut_links, c.link);
    } else if (c.event == "array_outage") {
      state.array_down = true;
    } else if (c.event == "array_slowed") {
      state.array_slowdown = c.factor;
    } else if (c.event == "array_restored") {
      state.array_down = false;
      state.array_slowdown = 1;
    } else if (c.event == "vm_underprotected") {
      erase(peers[c.vm], host_of(c.host));
    } else if (c.event == "vm_reprotected") {
      peers[c.vm].push_back(host_of(c.host));
    }
  }
  for (HostState& host : state.hosts) {
    for (CacheState& cache : host.caches) {
      const auto series = levels_.find(cache.name);
      if (series == levels_.end()) continue;
      cache.used_bytes = level_at(series->second, "used_bytes", t_s);
      cache.dirty_bytes = level_at(series->second, "dirty_bytes", t_s);
      cache.replica_bytes = level_at(series->second, "replica_bytes", t_s);
    }
    for (const std::string& link : state.cut_links) {
      const std::size_t dash = link.find("--");
      if (dash != std::string::npos &&
          (link.substr(0, dash) == host.name || link.substr(dash + 2) == host.name))
        host.cut_links.push_back(link);
    }
  }
  for (const std::string& vm : vm_order_) {
    const std::string on = host_of(vm_host[vm]);
    HostState* host = down.count(vm) != 0 ? nullptr : host_named(on);
    if (host != nullptr) {
      host->vms.push_back(vm);
    } else {
      state.down_vms.push_back(vm);
      continue;
    }
    const auto p = peers.find(vm);
    if (p == peers.end()) continue;
    for (const std::string& peer : p->second) {
      auto line = std::find_if(state.replicas.begin(), state.replicas.end(),
                               [&](const ReplicaLine& l) { return l.from == on && l.to == peer; });
      if (line == state.replicas.end())
        state.replicas.push_back(ReplicaLine{on, peer, 1});
      else
        ++line->vms;
    }
  }
  return state;
}

}  // namespace flashtwin::gui
