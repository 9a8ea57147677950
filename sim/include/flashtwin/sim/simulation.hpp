// run_scenario: the simulator's front door — runs a Scenario in SimGrid (one cache engine per host
// against models of flash, network and array), and, unless the scenario switches it off, the same
// workload again with no flash tier as a baseline, so that latency gain and array offload are
// measured. Used by `flashtwin run` and the GUI.
//
// SimGrid allows one engine per process: the baseline runs in a child process (fork) in parallel
// with the main run and sends its events back, so run_scenario can be called once per process.
// Same scenario and seed give identical results.
#pragma once

#include "flashtwin/sim/metrics.hpp"
#include "flashtwin/sim/scenario.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace flashtwin::sim {

struct RunOptions {
  // Called about a hundred times with the simulated seconds reached by the main run.
  std::function<void(double simulated_s)> progress;
  // May be null. Polled by the main run every simulated second and at least a thousand times over
  // the scenario's duration: once true, the run stops there and the result is marked interrupted.
  // Set it from another thread (e.g. one that waits for SIGINT / SIGTERM); it must outlive the
  // call.
  const std::atomic<bool>* stop = nullptr;
};

// One expectation the scenario stated (docs/SCENARIOS.md, "expectations"), checked after the run.
struct ExpectationCheck {
  std::string name;     // the scenario's key, e.g. "p99_latency_ms_max"
  double limit = 0;     // the value the scenario gave
  double measured = 0;  // what the run measured (NaN when it could not: no baseline)
  bool met = false;
  std::string message;  // what failed, "" when met
};

struct RunResult {
  std::unique_ptr<Metrics> with_flash;
  std::unique_ptr<Metrics> baseline;     // null when the scenario's output.baseline is false
  std::optional<Comparison> comparison;  // with a baseline
  double drain_s = 0;  // simulated time after the workload until all dirty data was destaged
                       // (or a migration's late switch-over, if later: docs/CLUSTER.md)
  double wall_s = 0;   // wall-clock time of the main run
  std::uint64_t simulated_ios = 0;               // VM requests completed by the main run
  std::vector<ExpectationCheck> expectations;    // every stated one (p99, offload, lost writes)
  std::vector<std::string> failed_expectations;  // their messages; empty when every one held
  // The run was stopped through RunOptions::stop: with_flash holds the metrics up to
  // interrupted_at_s (no final destage, no lost-writes check), and there is no baseline,
  // comparison nor expectation check. The baseline process, if started, is killed and reaped.
  bool interrupted = false;
  double interrupted_at_s = 0;
};

// Throws ScenarioError (with its JSON path) for what a parsed scenario asks that run_scenario
// cannot run yet (an event that changes a VM's number of replicas). `flashtwin validate` calls
// it too, so validate
// refuses everything run refuses before it starts.
void check_supported(const Scenario& scenario);

// Throws ScenarioError for a scenario the runtime cannot run yet (check_supported), and
// std::runtime_error if the baseline process fails.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace flashtwin::sim
