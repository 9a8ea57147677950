// A sweep's merged results (docs/SWEEPS.md, "The report"): one outcome per design, read from the
// design's summary.json, the Pareto front over (cost, p99 read latency, array offload, data at
// risk), the cheapest design meeting each SLO, and the files written from them: results.csv,
// results.json and summary.md. Part of flashtwin_documents (no SimGrid).
//
// Contract: everything here is a pure function of the outcomes, which are themselves read from
// deterministic files, so a sweep merged from a local run and from a Slurm run gives the same
// bytes. Wall times are not outcomes (they differ run to run); the sweep keeps them in runs.csv.
#pragma once

#include "flashtwin/sim/sweep_plan.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

enum class DesignStatus {
  not_run,       // no result (not run yet, another shard's, or interrupted)
  ok,            // ran, every check passed
  check_failed,  // ran to the end, but a check failed (consistency, an expectation, lost writes)
  failed,        // the run did not finish (crashed, killed, or refused its scenario)
};
const char* design_status_name(DesignStatus status);

struct DesignOutcome {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  Design design;
  std::string hash;  // design_hash of the resolved scenario
  double cost = kNaN;
  DesignStatus status = DesignStatus::not_run;
  // From summary.json (NaN when the run had no such figure, e.g. offload without a baseline).
  double read_p50_ms = kNaN, read_p95_ms = kNaN, read_p99_ms = kNaN;
  double write_p50_ms = kNaN, write_p95_ms = kNaN, write_p99_ms = kNaN;
  double read_offload = kNaN, write_offload = kNaN, bytes_offload = kNaN;
  double read_hit_ratio = kNaN;
  double data_at_risk_bytes = kNaN;  // the window's largest
  std::uint64_t acknowledged_writes_lost = 0;
  double drive_writes_per_day_max = kNaN;  // the most worn host's
  std::string consistency;                 // summary.json's verdict
  std::vector<std::string> expectations_failed;
  // Filled by mark_pareto and meets.
  bool pareto = false;
};

// Fills the figures of `outcome` from a run's summary.json (report.hpp's format). Throws
// std::invalid_argument naming the missing key when the summary is not one.
void read_summary(const nlohmann::json& summary, DesignOutcome& outcome);

// Marks every outcome that ran (ok or check_failed) and that no other such outcome dominates on
// (cost, p99 read, -bytes offload, data at risk), all smaller-is-better, NaN the worst.
void mark_pareto(std::vector<DesignOutcome>& outcomes);
// The indices of the non-dominated points (each point minimises every coordinate; NaN is worst),
// in input order. Equal points do not dominate each other.
std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points);

bool meets(const Slo& slo, const DesignOutcome& outcome);
// The cheapest design that ran and meets `slo` (ties: lower p99 read, then plan order), as an
// index into `outcomes`.
std::optional<std::size_t> best_for(const Slo& slo, const std::vector<DesignOutcome>& outcomes);

// results.json read back (what results_json writes): what the GUI's sweep report draws.
struct SweepResultsFile {
  std::string sweep;
  std::string base;
  std::string currency;
  std::vector<SweepAxis> axes;  // names, paths and values
  std::vector<DesignOutcome> outcomes;
  struct SloBest {
    std::string name;
    std::size_t designs_meeting = 0;
    std::optional<std::string> best;  // the design's name
  };
  std::vector<SloBest> slos;
};
// Throws std::invalid_argument naming the key when `json` is not a results.json.
SweepResultsFile read_results_json(const nlohmann::json& json);

std::string results_csv(const SweepSpec& sweep, const std::vector<DesignOutcome>& outcomes);
nlohmann::ordered_json results_json(const SweepSpec& sweep,
                                    const std::vector<DesignOutcome>& outcomes);
std::string results_markdown(const SweepSpec& sweep, const std::vector<DesignOutcome>& outcomes);

}  // namespace flashtwin::sim
