// Parsers of the scenario's sections, shared by scenario_parser.cpp and the scenario_*.cpp files.
// Internal to sim/.
#pragma once

#include "flashtwin/sim/json_reader.hpp"
#include "flashtwin/sim/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace flashtwin::sim {

// The ranges scenario numbers must lie in, beyond what each field means (docs/SCENARIOS.md,
// "Limits"): a value outside would overflow a conversion (times become int64 nanoseconds, sizes
// uint64 bytes) or give a run that cannot end or fit in memory.
namespace limit {
inline constexpr double kMaxDurationS = 1e6;            // simulated seconds (11.6 days)
inline constexpr double kMaxLatencyUs = 1e9;            // 1000 s
inline constexpr double kMaxMbps = 1e9;                 // 1 PB/s
inline constexpr double kMaxGbps = 1e6;                 // network links
inline constexpr double kMaxIops = 1e8;                 // one disk's arrival rate
inline constexpr std::uint32_t kMaxQueueDepth = 65536;  // outstanding I/Os (NVMe's per queue)
inline constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 50;  // disks, flash, NVRAM: 1 PiB
inline constexpr double kMaxTraceS = 1e9;     // a trace window's start or length (31 years)
inline constexpr double kMaxIntervals = 1e6;  // time-series rows: duration_s / output.interval_s
inline constexpr double kMaxServiceFactor = 1e6;  // an array slowdown's factor
}  // namespace limit

// `disk_bytes`, `duration_s` and `seed` come from the disk, the scenario and the disk's position.
// Relative trace paths start at `base_folder`.
WorkloadSpec parse_workload(const nlohmann::json& json, const std::string& path,
                            std::uint64_t disk_bytes, double duration_s, std::uint64_t seed,
                            const std::string& base_folder);

// scenario_failures.cpp: `cluster.ha` (null: the defaults); the `fail_host` of an event (nullopt
// when it has none); the failures' consistency with the hosts and the migrations.
HaSpec parse_ha(const nlohmann::json* json, const std::string& path);
std::optional<HostFailure> parse_host_failure(ObjectReader& event);
// The `power_loss` of an event (nullopt without one).
std::optional<PowerLoss> parse_power_loss(ObjectReader& event);
void check_failures(const Scenario& s);

// scenario_array_events.cpp: the `array_slowdown` ({"factor": K >= 1, "duration_s": D > 0}) or
// the `array_outage` ({"duration_s": D > 0}) of an event (nullopt when it has none); the array
// events' times: each inside the run (0 <= at_s, at_s + duration_s <= duration_s), none
// overlapping another. Throw ScenarioError naming the JSON path.
std::optional<ArrayDegradation> parse_array_slowdown(ObjectReader& event);
std::optional<ArrayDegradation> parse_array_outage(ObjectReader& event);
void check_array_events(const Scenario& s);
// scenario_remote_flash.cpp: hosts' `remote_flash` names a host with flash, from a host without;
// no failure, power loss or migration in such a scenario (a later part).
void check_remote_flash(const Scenario& s);

// scenario_links.cpp: the `cut_link` of an event ({"link": "<a>--<b>", "duration_s": D >= 0};
// nullopt without one), and the cuts' consistency with the topology and the other events
// (docs/SCENARIOS.md, "events"). With cuts, the engines' replication timeout is on.
std::optional<LinkCut> parse_link_cut(ObjectReader& event);
void check_link_cuts(const Scenario& s);

// scenario_caches.cpp (docs/CLUSTER.md, "Flash and RAM on one host"). check_caches: a host's
// two devices are one flash device and one RAM cache; a VM whose policy names a medium starts on,
// and migrates to, a host with that cache (or none at all). split_caches, once the scenario is
// checked: each host with flash and RAM becomes two hosts (HostSpec), and each VM and migration
// names the one of its medium. parse_medium: a policy's `medium` (any when absent; refused where
// not `allowed`: in events). Throw ScenarioError naming the JSON path.
CacheMedium parse_medium(ObjectReader& policy, bool allowed);
void check_caches(const Scenario& s);
void split_caches(Scenario& s);

// A `migrate` event's keys (`migrate` reads the event's "migrate" object; the caller finishes it):
// vm, to, memory_gib (a size, 0 to 1 PiB; default 0), copy_rate_mbps (> 0, only with memory_gib
// > 0). Throws ScenarioError naming the JSON path.
VmMigration parse_migration(ObjectReader& migrate);

// A migration names a VM and a host of the scenario other than the one the VM runs on then (after
// its earlier moves), at a time inside the run.
// Throws ScenarioError naming the event's JSON path.
void check_migrations(const Scenario& s);

}  // namespace flashtwin::sim
