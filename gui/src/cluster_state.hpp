// ClusterPlayback: the cluster at any simulated time of a finished run, for the cluster view —
// which host is up, what each cache holds (used, dirty, replicas), where each VM runs, which
// peers hold its replicas, which links are cut and whether the array answers. Read from the
// results alone (summary.json's scenario, replication, migrations, failures; timeseries_hosts.csv),
// so a folder opened from disk plays back like a run just finished. Without results it shows the
// design: every host up, the caches empty, each VM on its scenario host.
//
// Contract: state_at(t) applies every timeline entry, migration and restart with a time <= t
// (seconds), and takes each cache's levels from the interval containing t (the last one after the
// run's end). A host is down from host_failed, host_isolated or a power_lost naming it (or the
// whole cluster) until its host_rejoined. A VM with an outage (any cause) is down from its failure
// until its restart. Replica lines are the placement the run reported at its start: when a VM
// moves to another host (a migration, a restart elsewhere) its new peers are not in the results,
// so its lines stop; vm_underprotected removes the peer it names, vm_reprotected adds one. A
// host's RAM cache is the one its scenario device makes volatile (`ram`, or a `devices` entry),
// named `<host>/ram` as in the results. `happened` lists the entries after the moment before t.
#pragma once

#include "flashtwin/sim/results_folder.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace flashtwin::gui {

struct CacheState {
  std::string name;    // "esx1", "esx1/ram": the results' cache names
  std::string device;  // the scenario's device preset
  bool ram = false;    // volatile (a RAM cache)
  double capacity_bytes = 0;
  double used_bytes = 0, dirty_bytes = 0, replica_bytes = 0;
};

struct HostState {
  std::string name, rack;
  std::vector<CacheState> caches;  // none: a host without flash
  std::string remote_flash;        // a host without flash caching on this peer's flash
  bool down = false;               // crashed, fenced or without power
  bool flash_failed = false;
  std::vector<std::string> cut_links;  // its links that are cut ("esx1--leaf-r1")
  std::vector<std::string> vms;        // the VMs running on it, in scenario order
};

// One or more VMs on `from` whose write-back replicas are on `to`.
struct ReplicaLine {
  std::string from, to;
  int vms = 0;
};

struct ClusterState {
  double at_s = 0;
  bool levels = false;           // the caches' levels come from a run (not a design alone)
  std::vector<HostState> hosts;  // in scenario order
  std::vector<ReplicaLine> replicas;
  std::vector<std::string> down_vms;   // VMs whose host failed, not restarted yet
  std::vector<std::string> cut_links;  // every link cut at at_s
  std::string array_preset;            // the scenario's
  bool array_down = false;             // an outage: the array answers nothing
  double array_slowdown = 1;           // > 1 during a slowdown
  std::vector<std::string> happened;   // the timeline entries of the interval ending at at_s
};

class ClusterPlayback {
 public:
  // The design alone (a scenario document): one moment, t = 0.
  explicit ClusterPlayback(const nlohmann::json& scenario);
  // A run's results (its scenario is the one summary.json records).
  explicit ClusterPlayback(const sim::ResultsFolder& results);

  // The moments to play back: each interval's end (seconds), ascending; {0} for a design.
  const std::vector<double>& moments() const { return moments_; }
  ClusterState state_at(double t_s) const;

 private:
  struct Change {
    double at_s = 0;
    std::string event, host, vm, link;
    double factor = 1;
  };
  void read_layout(const nlohmann::json& scenario);

  ClusterState initial_;
  std::vector<std::string> vm_order_;
  std::map<std::string, std::string> vm_host_;             // at t = 0
  std::map<std::string, std::vector<std::string>> peers_;  // at t = 0: VM -> replica hosts
  std::vector<Change> changes_;                            // by time, stable
  std::map<std::string, sim::TimeSeries> levels_;          // timeseries_hosts.csv, by cache
  std::vector<double> moments_;
};

}  // namespace flashtwin::gui
