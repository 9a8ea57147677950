// Sizing the flash tier from miss-ratio curves (docs/SIZING.md): what each host's cached VMs
// demand (HostDemand: their LRU curve and working set, from one pass over their streams), the
// read hits a goal needs over the cluster, and the capacities that give them with the least
// flash. `flashtwin size` adds the timed
// runs that confirm it.
//
// A host's demand is the merged streams (by issue time) of the VMs its engine serves at t = 0
// (ScenarioIndex::vm_host: their own host, or the one whose flash they use remotely), except
// pass-through ones; a migration later in the scenario is not followed. References before
// warmup_s only warm the curve's stack, as the run's results leave them out; with prewarm, each
// synthetic disk's prewarm stream (the same distribution, prewarm_seed) is read first, uncounted,
// with the run's prewarm's rules for a cache that does not fill: as many blocks as the disks hold,
// or until the hit ratio levels off (prewarm.hpp). A cache smaller than that fill is full after
// prewarm: the curve's stack then holds the most recent blocks where the run's cache holds the
// first ones, which for a stationary workload is alike. Streams are read to duration_s
// at their issue times (closed-loop disks too: their pace in the run may differ).
//
// The scenario's admission policies are applied as the engine applies them to requests
// (engine::RequestAdmission: sequential-cutoff's runs); a refused request's blocks are misses
// that do not enter the curve's stack. The curve is LRU's, whatever the scenario's eviction.
//
// Deterministic for a scenario. Throws what opening a stream throws (TraceError for a bad trace).
#pragma once

#include "flashtwin/sim/miss_ratio_curve.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "flashtwin/sim/working_set.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

enum class SizingTarget : std::uint8_t { read_hit, offload, p99_read_ms };

struct SizingGoal {
  SizingTarget target = SizingTarget::read_hit;
  double value = 0.9;
};

// "read-hit=0.9" (in (0, 1)), "offload=0.7" (bytes offload, in (0, 1)), "p99-read-ms=2" (> 0).
// Throws std::invalid_argument saying what was expected.
SizingGoal parse_sizing_goal(const std::string& text);
std::string describe(const SizingGoal& goal);  // "read hit ratio >= 0.9"

struct HostDemand {
  std::size_t host = 0;  // index in Scenario::cluster.hosts
  std::string name;
  std::vector<std::string> vms;    // the cached VMs its engine serves
  std::uint64_t disk_bytes = 0;    // their disks' provisioned size
  std::uint64_t device_bytes = 0;  // its flash device's capacity: the most it can be given
  double capacity_gib = 0;         // what the scenario gives it now
  MissRatioCurve curve;            // its footprint includes the prewarm pass's blocks
  std::map<std::uint64_t, WorkingSetWindow> working_set;  // every disk's, per window
  std::uint64_t footprint_blocks = 0;  // distinct blocks the VMs' streams touch in the run
  double window_s = 0;
};

// One HostDemand per host with a cache (flash, or RAM: a host with both is two hosts, the
// parser's "<name>/ram" for its RAM), in host order.
// `window_s` > 0: the working set's windows.
std::vector<HostDemand> host_demands(const Scenario& scenario, const CurveOptions& options,
                                     double window_s);

// The read hits (block reads served from flash, summed over the hosts' curves) the goal needs:
//   read-hit: value * read references;
//   offload:  value * references — the curve's bytes offload counts read hits only (write-through
//             writes all reach the array, and write-back destages each write in time unless it
//             is rewritten while dirty: the estimate is low there);
//   p99-read-ms: (1 - 0.01 / slow_share) * read references, where slow_share is the share of the
//             array's reads (measured without the tier) slower than the bound: at most 1 % of
//             reads may be misses that slow; 0 when slow_share <= 0.01 (the array alone meets it).
double needed_read_hits(const SizingGoal& goal, const std::vector<HostDemand>& demands,
                        double slow_share);

// The capacities that give `read_hits` with the least flash in all: each host's curve at
// kAllocationSteps + 1 capacities up to its extent, filled greedily by the best read hits per
// byte over any span ahead (the curves' convex hulls, so a curve's cliff is taken whole), the
// last span shortened to what the goal needs. Capacities in GiB, rounded up to two significant
// digits, at least 0.01 GiB, at most the host's device.
struct Allocation {
  std::vector<double> gib;    // by demand
  std::vector<bool> at_most;  // more flash on the host gives no more (curve or device)
  double read_hits = 0;       // what the curves predict at `gib`
  bool reaches = false;       // read_hits >= the goal's
};
inline constexpr int kAllocationSteps = 200;
Allocation allocate(const std::vector<HostDemand>& demands, double read_hits);

// The cluster's read hit ratio the curves predict for capacities `gib` (by demand).
double predicted_read_hit_ratio(const std::vector<HostDemand>& demands,
                                const std::vector<double>& gib);

// The rule of thumb: flash = 10 % of the VMs' provisioned capacity, in GiB (same rounding).
double rule_of_thumb_gib(const HostDemand& demand);

// Rounds up to two significant digits (0.372 -> 0.38, 31.4 -> 32, 123 -> 130).
double round_up_two_digits(double value);

}  // namespace flashtwin::sim
