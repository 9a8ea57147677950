#include "run_command.hpp"

#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "interrupt_signals.hpp"
#include "scenario_document.hpp"

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace flashtwin::cli {

namespace {

// The output folder must be writable before an hour of simulation is spent, not after.
void prepare_output(const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  const std::filesystem::path probe = folder / ".flashtwin-write-test";
  std::ofstream test(probe);
  if (error || !test) {
    throw std::invalid_argument("output folder '" + folder.string() + "' cannot be written" +
                                (error ? ": " + error.message() : std::string()));
  }
  test.close();
  std::filesystem::remove(probe, error);
}

// A progress bar on a terminal; nothing when stderr is a file or a pipe (CI logs stay clean).
std::function<void(double)> progress_bar(double duration_s) {
  if (!isatty(STDERR_FILENO)) return {};
  return [duration_s](double simulated_s) {
    const int width = 40;
    const double share = std::min(1.0, simulated_s / duration_s);
    const int filled = static_cast<int>(share * width);
    std::fprintf(stderr, "\r[%.*s%*s] %3.0f %%  %.1f / %.0f s simulated", filled,
                 "########################################", width - filled, "", 100 * share,
                 simulated_s, duration_s);
    if (share >= 1.0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

// For a program reading stderr (the GUI, a sweep): one line per progress call,
// "flashtwin-progress SIMULATED_S DURATION_S", flushed at once.
std::function<void(double)> progress_lines(double duration_s) {
  return [duration_s](double simulated_s) {
    std::fprintf(stderr, "flashtwin-progress %.3f %g\n", simulated_s, duration_s);
    std::fflush(stderr);
  };
}

// summary.json of an interrupted run says so: "interrupted" with the signal and the simulated
// time reached, right after "format".
void mark_interrupted(const std::filesystem::path& folder, int signal, double at_s) {
  const std::filesystem::path file = folder / "summary.json";
  std::ifstream in(file);
  const nlohmann::ordered_json summary = nlohmann::ordered_json::parse(in);
  nlohmann::ordered_json marked;
  for (const auto& [key, value] : summary.items()) {
    marked[key] = value;
    if (key == "format") {
      marked["interrupted"] = {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"},
                               {"simulated_s", at_s}};
    }
  }
  if (!marked.contains("interrupted")) marked["interrupted"] = true;
  sim::write_file_atomically(file, marked.dump(2) + "\n");
}

// summary.json says how each of the scenario's expectations went ("checked", empty when none
// was stated) and which failed, so that a sweep or a CI report reads them from the file, not
// from stderr.
void record_expectations(const std::filesystem::path& folder, const sim::RunResult& result) {
  const std::filesystem::path file = folder / "summary.json";
  std::ifstream in(file);
  nlohmann::ordered_json summary = nlohmann::ordered_json::parse(in);
  nlohmann::ordered_json checked = nlohmann::ordered_json::array();
  for (const sim::ExpectationCheck& c : result.expectations) {
    checked.push_back({{"name", c.name},
                       {"limit", c.limit},
                       {"measured", std::isfinite(c.measured) ? nlohmann::ordered_json(c.measured)
                                                              : nlohmann::ordered_json(nullptr)},
                       {"met", c.met},
                       {"message", c.message}});
  }
  summary["expectations"] = {{"checked", checked}, {"failed", result.failed_expectations}};
  sim::write_file_atomically(file, summary.dump(2) + "\n");
}

}  // namespace

int run_scenario_command(const RunArguments& a) {
  // From here SIGINT / SIGTERM stop the run with partial results (exit 130 / 143).
  InterruptSignals signals;
  const auto [document, scenario] = read_scenario(a.scenario, a.overrides);
  prepare_output(a.output);

  sim::RunOptions options;
  options.progress =
      a.progress_lines ? progress_lines(scenario.duration_s) : progress_bar(scenario.duration_s);
  options.stop = &signals.stop();
  std::fprintf(stderr,
               "flashtwin: running \"%s\" for %g s simulated (Ctrl-C stops it, keeping "
               "partial results)\n",
               scenario.name.c_str(), scenario.duration_s);
  const sim::RunResult result = sim::run_scenario(scenario, options);
  const sim::Comparison* comparison = result.comparison ? &*result.comparison : nullptr;
  if (result.interrupted) {
    if (options.progress && !a.progress_lines) std::fprintf(stderr, "\n");
    sim::write_results(a.output, *result.with_flash, nullptr);
    mark_interrupted(a.output, signals.signal(), result.interrupted_at_s);
    std::printf("%s\n", scenario.name.c_str());
    std::printf("%s", sim::summary_table(*result.with_flash, nullptr).c_str());
    std::printf(
        "interrupted by %s at %.3f s of %g s simulated: partial results (no final destage, "
        "no baseline) in %s/summary.json\n",
        signals.signal() == SIGINT ? "SIGINT" : "SIGTERM", result.interrupted_at_s,
        scenario.duration_s, a.output.c_str());
    return signals.exit_status();
  }

  std::printf("%s\n", scenario.name.c_str());
  std::printf("%s", sim::summary_table(*result.with_flash, comparison).c_str());
  std::printf(
      "simulated %llu VM I/Os in %.2f s (%.0f I/Os per second); final destage took %.3f s"
      " of simulated time\n",
      static_cast<unsigned long long>(result.simulated_ios), result.wall_s,
      static_cast<double>(result.simulated_ios) / result.wall_s, result.drain_s);
  sim::Provenance provenance;
  provenance.program_version = std::string("flashtwin ") + FLASHTWIN_VERSION;
  provenance.scenario_json = document.dump();
  provenance.overrides = a.overrides;
  provenance.seed = scenario.seed;
  sim::write_results(a.output, *result.with_flash, comparison, &provenance, result.baseline.get());
  record_expectations(a.output, result);
  std::printf(
      "results: %s/summary.json, timeseries.csv, timeseries_vms.csv, timeseries_hosts.csv, "
      "latency_cdf.csv%s\n",
      a.output.c_str(), result.baseline ? ", timeseries_baseline.csv" : "");

  int status = 0;
  for (const std::string& v : result.with_flash->cluster().violations) {
    std::fprintf(stderr, "consistency violation: %s\n", v.c_str());
    status = 1;
  }
  // Writes lost with no failure to explain them are a violation; writes lost to failures beyond
  // the protection level fail the run unless the scenario states how many it accepts.
  const sim::ClusterTotals& cluster = result.with_flash->cluster();
  if (cluster.unexplained_writes_lost > 0) status = 1;
  if (cluster.acknowledged_writes_lost > 0 && !scenario.expectations.acknowledged_writes_lost_max) {
    std::fprintf(stderr,
                 "acknowledged writes lost: %llu to failures beyond the protection level (a "
                 "scenario accepts them with expectations.acknowledged_writes_lost_max)\n",
                 static_cast<unsigned long long>(cluster.acknowledged_writes_lost));
    status = 1;
  }
  for (const std::string& f : result.failed_expectations) {
    std::fprintf(stderr, "expectation failed: %s\n", f.c_str());
    status = 1;
  }
  return status;
}

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a scenario (the embedded default without one) and report latency and offload");
  cmd->add_option("scenario", args->scenario, "Scenario JSON file (docs/SCENARIOS.md)");
  cmd->add_option("-o,--output", args->output, "Directory for summary.json and the CSV series")
      ->capture_default_str();
  cmd->add_option("--set", args->overrides,
                  "Change one value before running: PATH=VALUE, e.g. duration_s=10");
  cmd->add_flag("--progress-lines", args->progress_lines,
                "Report progress as lines 'flashtwin-progress SIMULATED_S DURATION_S' on stderr "
                "(for programs: the GUI)");
  cmd->callback([args, &exit_code] { exit_code = run_scenario_command(*args); });
}

}  // namespace flashtwin::cli
