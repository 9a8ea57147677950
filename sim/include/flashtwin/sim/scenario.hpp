// Scenario: what a user asks the simulator to run — the cluster, its devices and array, the VMs
// with their cache policies and workloads, timed events, expectations. Parsed from strict JSON
// (docs/SCENARIOS.md): unknown keys, wrong types and dangling references are ScenarioErrors that
// name the JSON path. A parsed Scenario is complete and consistent: every reference resolves,
// every device and array profile is valid, defaults are filled in.
#pragma once

#include "flashtwin/engine/config.hpp"
#include "flashtwin/engine/types.hpp"
#include "flashtwin/models/array_model.hpp"
#include "flashtwin/models/device_model.hpp"
#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/models/trace_window.hpp"
#include "flashtwin/sim/json_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace flashtwin::sim {

// Which of its host's caches a VM uses, on a host with flash and RAM (docs/CLUSTER.md, "Flash
// and RAM on one host"): `any` is the host's first cache (its flash if it has some).
enum class CacheMedium { any, flash, ram };

struct PolicySpec {
  engine::CacheMode mode = engine::CacheMode::write_through;
  std::uint32_t replicas = 0;  // write-back peer copies, 0..2
  CacheMedium medium = CacheMedium::any;
};

struct FlashSpec {
  std::string device;  // a key of Scenario::devices
  double capacity_gib = 0;
};

// A host of the cluster as the runtime sees it: one cache (or none) and its place in the
// network. The parser gives a host with flash and RAM (a persistent and a volatile device in
// `flash`) as two: the host itself with its flash, then "<name>/ram" with its RAM, both with
// `machine` naming the physical host (docs/CLUSTER.md, "Flash and RAM on one host"). They share
// its NIC, rack and fault domain, and fail, lose power and are cut off together.
struct HostSpec {
  std::string name;
  std::string machine;  // the physical host (its name in the network and in events); "": name
  std::string rack;     // placement in the network, and fault domain; "" = the host's own
  // The fault domain replicas avoid, when it is not the rack (a power feed, a blade chassis);
  // "": the rack.
  std::string fault_domain;
  double nic_gbps = 10;
  std::vector<FlashSpec> flash;  // empty: a host without flash; after parsing, at most one
  // A host without flash whose VMs cache on this host's flash (docs/CLUSTER.md, "Remote flash");
  // "": none (they run pass-through).
  std::string remote_flash;

  const std::string& machine_name() const { return machine.empty() ? name : machine; }
};

// The cluster manager, the runtime's stand-in for vSphere HA (docs/CLUSTER.md, "Failures"): a
// host is declared down (and fenced) `detect_s` after it stopped answering heartbeats; its VMs
// boot elsewhere in `boot_s` once their dirty data was recovered.
struct HaSpec {
  double detect_s = 15;
  double boot_s = 30;
};

struct ClusterSpec {
  std::string topology = "single-switch";  // or "leaf-spine"
  std::vector<HostSpec> hosts;
  double link_latency_us = 5;         // every switch hop
  double spine_gbps = 40;             // leaf-spine uplinks
  bool array_on_host_network = true;  // iSCSI/NFS (true) or its own fabric, FC (false)
  double array_fabric_gbps = 32;      // the array's own fabric or its network ports
  HaSpec ha;
};

// A trace replayed as a disk's workload (docs/SCENARIOS.md, "workload (trace)").
struct TraceWorkload {
  std::string path;             // absolute (a scenario's relative paths start at its folder)
  std::string format = "auto";  // see sim/trace_source.hpp
  std::string device;           // "major,minor" to replay one device of the trace; "": all
  models::TraceWindow window;
  bool lenient = false;       // skip and count malformed records instead of failing the run
  bool issue_events = false;  // blktrace / blkparse: D events instead of Q events
};

// A virtual disk's workload: synthetic or a trace. Open loop at the stream's issue times, or
// closed loop with `queue_depth` requests always outstanding (issue times then ignored). Open
// loop, at most `max_outstanding` requests are in flight (the guest's queue depth; 0: no limit):
// later arrivals wait in the guest, their latency counted from their arrival.
// VMware PVSCSI's default queue depth per virtual disk (its adapter takes 254; LSI Logic SAS 32).
inline constexpr std::uint32_t kDefaultMaxOutstanding = 64;

struct WorkloadSpec {
  models::SyntheticWorkload synthetic;  // disk_bytes, duration_s and seed filled in by the parser
  std::optional<TraceWorkload> trace;   // set: the trace replaces the synthetic stream
  std::uint32_t queue_depth = 0;        // 0 = open loop
  std::uint32_t max_outstanding = kDefaultMaxOutstanding;
};

struct DiskSpec {
  double size_gib = 0;
  WorkloadSpec workload;
};

struct VmSpec {
  std::string name;
  std::string host;
  std::string datastore;
  std::optional<PolicySpec> policy;  // none: the datastore's
  std::vector<DiskSpec> disks;
};

struct DatastoreSpec {
  std::string name;
  PolicySpec policy;
};

// Events at a time; the cluster protocol adds migration and failures.
struct VmPolicyChange {
  std::string vm;
  std::optional<PolicySpec> policy;  // none: back to the datastore's
};
struct DatastorePolicyChange {
  std::string datastore;
  PolicySpec policy;
};
// A VM's I/O moves to host `to` (docs/CLUSTER.md, "Migration"). `path` is the event's JSON path,
// for messages about it after the events were sorted by time.
//
// memory_bytes > 0: first the VM's memory is copied from its host to `to` over the host network
// (one pass; the VM keeps running on its host meanwhile), at most copy_rate_mbps MB/s (10^6 B/s)
// when given, else as fast as the network lets it; then the switch-over. 0: no copy is modelled
// (the switch-over starts at the event). copy_rate_mbps is only given with memory_bytes > 0.
struct VmMigration {
  std::string vm;
  std::string to;
  std::string path;
  std::uint64_t memory_bytes = 0;
  std::optional<double> copy_rate_mbps;
};
// A host crashes (docs/CLUSTER.md, "Failures"): it stops at once, with its VMs and its flash.
// With `repair_s` > 0 it is repaired that much later, boots (ha.boot_s) and rejoins the cluster
// empty; 0: it does not come back during the run. With `flash_only` (a `fail_flash` event) only
// its flash device fails: the host runs on, without a cache (repair_s is 0). `path` as for
// VmMigration.
struct HostFailure {
  std::string host;
  std::string path;
  bool flash_only = false;
  double repair_s = 0;
};
// The whole cluster loses power (docs/CLUSTER.md, "Power loss"): every host stops at once with
// its VMs; `duration_s` later the power is back, every host boots (ha.boot_s) and rebuilds its
// cache from what its device kept (flash keeps its data, a RAM cache does not), and the VMs start
// again where they ran. With `host`, only that host loses power: for HA it is a crash (its VMs
// restart elsewhere), and it comes back (duration_s + boot_s, then its index scan) as an empty
// member, a restart target and peer again. `path` as for VmMigration.
struct PowerLoss {
  std::string host;  // empty: the whole cluster
  double duration_s = 0;
  std::string path;
};
// The array slows down (`array_slowdown`: backend operations take `factor` times their service
// time) or stops answering (`array_outage`: outage true, factor 1) for `duration_s` from the
// event, then is restored (models/array_model.hpp; docs/CLUSTER.md, "Failures"). `path` as for
// VmMigration.
struct ArrayDegradation {
  double factor = 1;
  double duration_s = 0;
  bool outage = false;
  std::string path;
};
// A link of the network is cut (`cut_link`; docs/CLUSTER.md, "Link cuts and partitions"): `link`
// names a link of the scenario's topology as "<a>--<b>" (either order: "h1--switch",
// "tor-r1--spine-1", "h1--fabric"); from `at_s` every message over it is lost. Several cuts at
// one date make a partition (a rack's uplinks). `duration_s` > 0: restored that much later; 0:
// it stays cut. `path` as for VmMigration.
struct LinkCut {
  std::string link;
  double duration_s = 0;
  std::string path;
};
struct EventSpec {
  double at_s = 0;
  std::variant<VmPolicyChange, DatastorePolicyChange, VmMigration, HostFailure, PowerLoss,
               ArrayDegradation, LinkCut>
      what;
};

// Checks that turn into the exit status (1 when one fails).
struct Expectations {
  std::optional<double> p99_latency_ms_max;
  std::optional<double>
      array_read_offload_min;  // share of VM read I/Os that never reached the array
  std::optional<std::uint64_t> acknowledged_writes_lost_max;
};

struct OutputSpec {
  double interval_s = 1;      // time-series resolution
  bool baseline = true;       // also run without the flash tier, to measure gain and offload
  double rewarm_share = 0.9;  // a migrated VM has re-warmed at this share of its local hit ratio
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 1;
  double duration_s = 60;
  double warmup_s = 0;   // results exclude (0, warmup_s]; 0 <= warmup_s < duration_s
  bool prewarm = false;  // fill each cache from its workloads' distribution before t = 0
  ClusterSpec cluster;
  std::vector<std::pair<std::string, models::DeviceProfile>> devices;  // by name, in file order
  models::ArrayProfile array;
  engine::EngineConfig cache;  // block size, eviction, admission, destage (capacity per host)
  std::vector<DatastoreSpec> datastores;
  std::vector<VmSpec> vms;
  std::vector<EventSpec> events;  // sorted by time (stable)
  Expectations expectations;
  OutputSpec output;

  const models::DeviceProfile& device(const std::string& name) const;
};

// Parses a scenario document; relative trace paths start at `base_folder`. Throws ScenarioError
// naming the JSON path.
Scenario parse_scenario(const nlohmann::json& document, const std::string& base_folder = ".");
// Reads and parses a file: a file that cannot be read or is not JSON is a ScenarioError too
// ("$" path, with the parser's line and column).
Scenario load_scenario(const std::string& path);

}  // namespace flashtwin::sim
