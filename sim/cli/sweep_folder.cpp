#include "sweep_folder.hpp"

#include "flashtwin/sim/design_cost.hpp"
#include "flashtwin/sim/design_memory.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace flashtwin::cli {

namespace fs = std::filesystem;

std::vector<PlannedDesign> prepare(const sim::SweepSpec& sweep,
                                   const std::vector<sim::Design>& designs) {
  std::vector<PlannedDesign> planned;
  planned.reserve(designs.size());
  for (const sim::Design& design : designs) {
    try {
      const nlohmann::json resolved = sim::resolve_design(sweep, design);
      const sim::Scenario scenario = sim::parse_scenario(resolved, sweep.base_folder);
      sim::check_supported(scenario);
      planned.push_back({design, sim::design_overrides(sweep, design), sim::design_hash(resolved),
                         sim::design_cost(scenario, sweep.cost),
                         sim::estimate_peak_memory_bytes(scenario), scenario.output.baseline});
    } catch (const sim::ScenarioError& e) {
      throw std::invalid_argument("design " + std::to_string(design.index) + " (" + design.name +
                                  "): " + e.what());
    }
  }
  return planned;
}

fs::path SweepFolder::done(const std::string& hash) const {
  return root_ / "designs" / hash;
}
fs::path SweepFolder::failed(const std::string& hash) const {
  return root_ / "designs" / (hash + ".failed");
}
fs::path SweepFolder::running(const std::string& hash) const {
  return root_ / "designs" / (hash + ".running");
}
bool SweepFolder::has_run(const std::string& hash) const {
  return fs::exists(done(hash) / "design.json");
}

namespace {

// A run that ended with exit status 0 or 1 and left a whole summary.json (with the expectations,
// written last): anything else is a run that did not finish (exit status 1 is also what an
// unexpected exception gives).
bool finished_whole(const fs::path& folder, int exit_status) {
  if (exit_status > 1) return false;
  std::ifstream in(folder / "summary.json");
  if (!in) return false;
  const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
  return !summary.is_discarded() && summary.contains("expectations");
}

}  // namespace

void SweepFolder::settle(const PlannedDesign& p, const RunRecord& run) const {
  const fs::path from = running(p.hash);
  const bool whole = finished_whole(from, run.exit_status);
  const nlohmann::ordered_json record{{"format", "flashtwin-design-1"},
                                      {"design", p.design.index},
                                      {"name", p.design.name},
                                      {"hash", p.hash},
                                      {"exit_status", run.exit_status},
                                      {"wall_s", run.wall_s},
                                      {"peak_memory_bytes", run.peak_memory_bytes}};
  sim::write_file_atomically(from / "design.json", record.dump(2) + "\n");
  const fs::path to = whole ? done(p.hash) : failed(p.hash);
  fs::remove_all(to);
  fs::rename(from, to);
  if (whole) fs::remove_all(failed(p.hash));
}

std::optional<RunRecord> SweepFolder::record(const std::string& hash) const {
  for (const fs::path& folder : {done(hash), failed(hash)}) {
    std::ifstream in(folder / "design.json");
    if (!in) continue;
    const nlohmann::json j = nlohmann::json::parse(in);
    return RunRecord{j.at("exit_status").get<int>(), j.at("wall_s").get<double>(),
                     j.value("peak_memory_bytes", std::uint64_t{0})};
  }
  return std::nullopt;
}

sim::DesignOutcome SweepFolder::outcome(const PlannedDesign& p) const {
  sim::DesignOutcome outcome;
  outcome.design = p.design;
  outcome.hash = p.hash;
  outcome.cost = p.cost;
  const std::optional<RunRecord> run = record(p.hash);
  if (!run) return outcome;  // not run
  if (!has_run(p.hash)) {
    outcome.status = sim::DesignStatus::failed;
    return outcome;
  }
  const fs::path file = done(p.hash) / "summary.json";
  std::ifstream summary(file);
  try {
    sim::read_summary(nlohmann::json::parse(summary), outcome);
  } catch (const std::exception& e) {  // changed by hand since: name the file, merge the rest
    throw std::invalid_argument(file.string() + ": " + e.what());
  }
  outcome.status = run->exit_status == 0 ? sim::DesignStatus::ok : sim::DesignStatus::check_failed;
  return outcome;
}

namespace {

std::string runs_csv(const SweepFolder& folder, const std::vector<PlannedDesign>& planned) {
  std::string csv = "design,hash,exit_status,wall_s,peak_memory_mib\n";
  for (const PlannedDesign& p : planned) {
    const std::optional<RunRecord> run = folder.record(p.hash);
    if (!run) continue;
    char line[200];
    std::snprintf(line, sizeof line, "%zu,%s,%d,%.3f,%.1f\n", p.design.index, p.hash.c_str(),
                  run->exit_status, run->wall_s,
                  static_cast<double>(run->peak_memory_bytes) / 1048576.0);
    csv += line;
  }
  return csv;
}

}  // namespace

std::vector<sim::DesignOutcome> SweepFolder::merge(
    const sim::SweepSpec& sweep, const std::vector<PlannedDesign>& planned) const {
  std::vector<sim::DesignOutcome> outcomes;
  for (const PlannedDesign& p : planned)
    outcomes.push_back(outcome(p));
  sim::mark_pareto(outcomes);
  sim::write_file_atomically(root_ / "results.csv", sim::results_csv(sweep, outcomes));
  sim::write_file_atomically(root_ / "results.json",
                             sim::results_json(sweep, outcomes).dump(2) + "\n");
  sim::write_file_atomically(root_ / "summary.md", sim::results_markdown(sweep, outcomes));
  sim::write_file_atomically(root_ / "runs.csv", runs_csv(*this, planned));
  return outcomes;
}

}  // namespace flashtwin::cli
