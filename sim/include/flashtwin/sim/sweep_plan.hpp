// A design-space sweep (`flashtwin sweep SWEEP.json`, docs/SWEEPS.md): a base scenario, axes
// that change it, and how designs are drawn from the axes. Part of flashtwin_documents (no
// SimGrid): the CLI, the GUI and tests read sweeps the same way.
//
// Contract:
//   - parse_sweep reads the sweep document strictly (json_reader.hpp): every error is a
//     ScenarioError naming the JSON path ("$.axes[1].values: expected a non-empty array").
//     Axis paths use --set's syntax (scenario_overrides.hpp), plus `[*]` for "every element"
//     (`cluster.hosts[*].flash[0].capacity_gib`), expanded against the base scenario here.
//   - plan_designs is a pure function of the sweep: the same sweep gives the same designs, in the
//     same order, on every machine (its random draws use its own generator, not <random>'s
//     distributions, whose results differ between standard libraries).
//       grid: every combination, the last axis changing fastest;
//       random: `designs` distinct combinations drawn without replacement (all of them when the
//         grid is smaller), in the order drawn;
//       latin-hypercube: `designs` designs, each axis cut into `designs` equal strata of its
//         values, each stratum used once per axis; a design equal to an earlier one is dropped.
//     An axis's values are distinct and no two axes (or paths of one) write the same scenario
//     value (both are errors), so distinct choices are distinct designs, at least in the values
//     written (a `set` path under an axis's path could still be overwritten).
//   - resolve_design applies the sweep's fixed `set` and then the design's values to the base
//     document; design_hash names the result by content, so a design already run is found again
//     whatever its position or name.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

// One dimension of the design space: a value list, each value written to every path at once
// (a group of paths that move together, e.g. every host's flash).
struct SweepAxis {
  std::string name;                    // the results' column; unique within the sweep
  std::vector<std::string> paths;      // --set paths, `[*]` already expanded
  std::vector<nlohmann::json> values;  // at least one; a range is expanded into its values
};

enum class SampleMethod { grid, random, latin_hypercube };

// A service-level objective a design may meet; the report names the cheapest design meeting it.
// Every bound that is set must hold.
struct Slo {
  std::string name;
  std::optional<double> p99_read_ms_max;
  std::optional<double> p99_write_ms_max;
  std::optional<double> read_offload_min;   // share of read I/Os kept off the array
  std::optional<double> bytes_offload_min;  // share of bytes kept off the array
  std::optional<double> data_at_risk_gib_max;
  std::optional<std::uint64_t> acknowledged_writes_lost_max;
};

// Prices of a design (docs/SWEEPS.md, "Cost"): flash and RAM per GB (10^9 bytes) of the capacity
// given to each host's cache, by device name, and a price per physical host (a licence, a
// server). Defaults are street prices chosen for the shipped presets and said so in the docs.
struct CostPrices {
  std::string currency = "USD";
  std::map<std::string, double> per_gb;  // by device name
  double per_host = 0;
};
CostPrices default_cost_prices();

struct SweepSpec {
  std::string name;
  std::string base_file;         // the base scenario's path; "" = the embedded default scenario
  std::string base_name;         // as the sweep file names it (reports: the same from any folder)
  std::string base_folder;       // where the base scenario's relative paths start
  nlohmann::json base;           // the base scenario document
  std::vector<std::string> set;  // PATH=VALUE applied to every design, before its axes
  std::vector<SweepAxis> axes;
  SampleMethod method = SampleMethod::grid;
  std::uint64_t designs = 0;  // random and latin-hypercube: how many
  std::uint64_t seed = 1;     // random and latin-hypercube draws
  CostPrices cost;
  std::vector<Slo> slos;
};

struct Design {
  std::size_t index = 0;               // position in the plan
  std::string name;                    // "flash=400 replicas=1": axis=value, in axis order
  std::vector<nlohmann::json> values;  // one per axis
};

// Reads a sweep document found at `sweep_file`: its `base` scenario file (a path relative to the
// sweep file's folder; absent: the embedded default) is read too. A file that cannot be read or is
// not JSON is a ScenarioError at "$" (the sweep) or "$.base".
SweepSpec parse_sweep(const nlohmann::json& document, const std::string& sweep_file);
SweepSpec load_sweep(const std::string& sweep_file);

// The designs of the sweep, in plan order; throws ScenarioError when a grid would exceed
// kMaxDesigns (a sample of it is the way then).
inline constexpr std::uint64_t kMaxDesigns = 1'000'000;
std::vector<Design> plan_designs(const SweepSpec& sweep);

// The overrides of a design, as `flashtwin run --set` takes them: the sweep's `set`, then one
// PATH=VALUE per axis path.
std::vector<std::string> design_overrides(const SweepSpec& sweep, const Design& design);
// The base document with the design's overrides applied (ScenarioError if a path is wrong).
nlohmann::json resolve_design(const SweepSpec& sweep, const Design& design);
// 16 hex digits naming a resolved scenario by content (FNV-1a 64 of its canonical JSON text).
std::string design_hash(const nlohmann::json& resolved);

// `--shard i/N`: the designs whose plan index is i-1 modulo N (1 <= i <= N), so N shards cover
// the plan exactly once. Throws std::invalid_argument for a malformed or out-of-range shard.
struct Shard {
  std::uint64_t index = 1;  // 1-based
  std::uint64_t count = 1;
};
Shard parse_shard(const std::string& text);
std::vector<Design> shard_designs(const std::vector<Design>& designs, Shard shard);

}  // namespace flashtwin::sim
