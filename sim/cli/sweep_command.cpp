#include "sweep_command.hpp"

#include "design_workers.hpp"
#include "flashtwin/sim/design_cost.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "flashtwin/sim/sweep_plan.hpp"
#include "flashtwin/sim/sweep_results.hpp"
#include "interrupt_signals.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::cli {
namespace {

namespace fs = std::filesystem;

struct SweepArguments {
  std::string file;
  std::string output = "flashtwin-sweep";
  std::size_t jobs = 1;
  bool dry_run = false;
  std::string shard;
};

// A design ready to run: its overrides, its content hash and its cost.
struct PlannedDesign {
  sim::Design design;
  std::vector<std::string> overrides;
  std::string hash;
  double cost = 0;
};

// Every design is resolved and checked before anything runs: a bad design is bad input (exit 2),
// found in a second, not after an hour of other designs.
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
                         sim::design_cost(scenario, sweep.cost)});
    } catch (const sim::ScenarioError& e) {
      throw std::invalid_argument("design " + std::to_string(design.index) + " (" + design.name +
                                  "): " + e.what());
    }
  }
  return planned;
}

// Where a design's run lives: designs/HASH once it ran to the end (exit 0 or 1),
// designs/HASH.failed when it did not, designs/HASH.running while it runs.
struct DesignFolders {
  fs::path root;
  fs::path done(const std::string& hash) const { return root / "designs" / hash; }
  fs::path failed(const std::string& hash) const { return root / "designs" / (hash + ".failed"); }
  fs::path running(const std::string& hash) const { return root / "designs" / (hash + ".running"); }
  bool has_run(const std::string& hash) const { return fs::exists(done(hash) / "design.json"); }
};

void write_design_record(const fs::path& folder, const PlannedDesign& p, int exit_status,
                         double wall_s) {
  const nlohmann::ordered_json record{{"format", "flashtwin-design-1"}, {"design", p.design.index},
                                      {"name", p.design.name},          {"hash", p.hash},
                                      {"exit_status", exit_status},     {"wall_s", wall_s}};
  sim::write_file_atomically(folder / "design.json", record.dump(2) + "\n");
}

// Moves a finished run's folder to where its outcome says (replacing an older attempt).
void settle(const DesignFolders& folders, const PlannedDesign& p, int exit_status, double wall_s) {
  const fs::path from = folders.running(p.hash);
  write_design_record(from, p, exit_status, wall_s);
  const fs::path to = exit_status <= 1 ? folders.done(p.hash) : folders.failed(p.hash);
  fs::remove_all(to);
  fs::rename(from, to);
  if (exit_status <= 1) fs::remove_all(folders.failed(p.hash));
}

sim::DesignOutcome outcome_of(const DesignFolders& folders, const PlannedDesign& p) {
  sim::DesignOutcome outcome;
  outcome.design = p.design;
  outcome.hash = p.hash;
  outcome.cost = p.cost;
  fs::path record_file = folders.done(p.hash) / "design.json";
  if (!fs::exists(record_file)) {
    outcome.status = fs::exists(folders.failed(p.hash) / "design.json")
                         ? sim::DesignStatus::failed
                         : sim::DesignStatus::not_run;
    return outcome;
  }
  std::ifstream record_in(record_file);
  const nlohmann::json record = nlohmann::json::parse(record_in);
  std::ifstream summary_in(folders.done(p.hash) / "summary.json");
  sim::read_summary(nlohmann::json::parse(summary_in), outcome);
  outcome.status = record.at("exit_status").get<int>() == 0 ? sim::DesignStatus::ok
                                                            : sim::DesignStatus::check_failed;
  return outcome;
}

std::string runs_csv(const DesignFolders& folders, const std::vector<PlannedDesign>& planned) {
  std::string csv = "design,hash,exit_status,wall_s\n";
  for (const PlannedDesign& p : planned) {
    for (const fs::path& folder : {folders.done(p.hash), folders.failed(p.hash)}) {
      if (!fs::exists(folder / "design.json")) continue;
      std::ifstream in(folder / "design.json");
      const nlohmann::json record = nlohmann::json::parse(in);
      char line[160];
      std::snprintf(line, sizeof line, "%zu,%s,%d,%.3f\n", p.design.index, p.hash.c_str(),
                    record.at("exit_status").get<int>(), record.at("wall_s").get<double>());
      csv += line;
    }
  }
  return csv;
}

// Merges every design of the plan that has a result (other shards' too) into the result files.
std::vector<sim::DesignOutcome> merge(const sim::SweepSpec& sweep, const DesignFolders& folders,
                                      const std::vector<PlannedDesign>& planned) {
  std::vector<sim::DesignOutcome> outcomes;
  for (const PlannedDesign& p : planned)
    outcomes.push_back(outcome_of(folders, p));
  sim::mark_pareto(outcomes);
  sim::write_file_atomically(folders.root / "results.csv", sim::results_csv(sweep, outcomes));
  sim::write_file_atomically(folders.root / "results.json",
                             sim::results_json(sweep, outcomes).dump(2) + "\n");
  sim::write_file_atomically(folders.root / "summary.md", sim::results_markdown(sweep, outcomes));
  sim::write_file_atomically(folders.root / "runs.csv", runs_csv(folders, planned));
  return outcomes;
}

std::vector<std::string> worker_command(const sim::SweepSpec& sweep, const PlannedDesign& p,
                                        const fs::path& output) {
  std::vector<std::string> argv{this_program().string(), "run"};
  if (!sweep.base_file.empty()) argv.push_back(sweep.base_file);
  for (const std::string& assignment : p.overrides) {
    argv.push_back("--set");
    argv.push_back(assignment);
  }
  argv.push_back("-o");
  argv.push_back(output.string());
  return argv;
}

void print_plan(const sim::SweepSpec& sweep, const std::vector<PlannedDesign>& planned,
                const DesignFolders& folders) {
  std::printf("%s: %zu designs\n", sweep.name.c_str(), planned.size());
  std::printf("%6s  %-16s  %12s  %-8s  %s\n", "design", "hash", "cost", "result", "name");
  for (const PlannedDesign& p : planned) {
    std::printf("%6zu  %-16s  %12.0f  %-8s  %s\n", p.design.index, p.hash.c_str(), p.cost,
                folders.has_run(p.hash) ? "done" : "-", p.design.name.c_str());
  }
}

class ProgressLine {
 public:
  ProgressLine(std::size_t total, std::size_t already) : total_(total), done_(already) {}
  void design_done() {
    ++done_;
    ++this_run_;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = static_cast<double>(this_run_) / std::max(elapsed, 1e-9);
    std::fprintf(stderr, "sweep: %zu/%zu designs done, %.2f designs/s, ETA %.0f s\n", done_, total_,
                 rate, static_cast<double>(total_ - done_) / rate);
  }

 private:
  std::size_t total_;
  std::size_t done_;
  std::size_t this_run_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int sweep(const SweepArguments& a) {
  const sim::SweepSpec spec = sim::load_sweep(a.file);
  const std::vector<sim::Design> designs = sim::plan_designs(spec);
  const std::vector<PlannedDesign> planned = prepare(spec, designs);
  const sim::Shard shard = a.shard.empty() ? sim::Shard{} : sim::parse_shard(a.shard);
  const DesignFolders folders{a.output};
  if (a.dry_run) {
    print_plan(spec, planned, folders);
    return 0;
  }
  fs::create_directories(folders.root / "designs");

  // This shard's designs that have no result yet, each content once.
  std::deque<const PlannedDesign*> pending;
  std::set<std::string> queued;
  std::size_t mine = 0;
  std::size_t already = 0;
  for (const PlannedDesign& p : planned) {
    if (p.design.index % shard.count != shard.index - 1) continue;
    if (!queued.insert(p.hash).second) continue;
    ++mine;
    fs::remove_all(folders.running(p.hash));  // left by an interrupted sweep
    if (folders.has_run(p.hash)) {
      ++already;
    } else {
      pending.push_back(&p);
    }
  }
  std::fprintf(stderr,
               "sweep \"%s\": %zu designs%s, %zu already done, %zu to run with %zu workers\n",
               spec.name.c_str(), mine, shard.count > 1 ? (" in shard " + a.shard).c_str() : "",
               already, pending.size(), a.jobs);

  std::map<std::size_t, const PlannedDesign*> by_index;
  DesignWorkers workers(a.jobs);  // before InterruptSignals: see design_workers.hpp
  InterruptSignals signals;
  ProgressLine progress(mine, already);
  std::size_t failed = 0;
  const auto finish = [&](const DesignWorkers::Finished& f) {
    const PlannedDesign& p = *by_index.at(f.id);
    if (f.exit_status > 1 && signals.stop().load()) {
      fs::remove_all(folders.running(p.hash));  // stopped part way: it runs again next time
      return;
    }
    settle(folders, p, f.exit_status, f.wall_s);
    if (f.exit_status > 1) {
      ++failed;
      std::fprintf(stderr, "sweep: design %zu (%s) failed with exit status %d: see %s/run.log\n",
                   p.design.index, p.design.name.c_str(), f.exit_status,
                   folders.failed(p.hash).c_str());
    }
    progress.design_done();
  };
  while ((!pending.empty() || workers.running() > 0) && !signals.stop().load()) {
    while (workers.has_room() && !pending.empty()) {
      const PlannedDesign& p = *pending.front();
      pending.pop_front();
      fs::create_directories(folders.running(p.hash));
      by_index[p.design.index] = &p;
      workers.start(p.design.index, worker_command(spec, p, folders.running(p.hash)),
                    folders.running(p.hash) / "run.log");
    }
    for (const DesignWorkers::Finished& f : workers.wait(std::chrono::milliseconds(200)))
      finish(f);
  }
  if (signals.stop().load()) {
    for (const DesignWorkers::Finished& f : workers.stop_all())
      finish(f);
  }

  const std::vector<sim::DesignOutcome> outcomes = merge(spec, folders, planned);
  std::size_t with_results = 0;
  std::size_t front = 0;
  std::size_t inconsistent = 0;
  for (const sim::DesignOutcome& o : outcomes) {
    const bool ran =
        o.status == sim::DesignStatus::ok || o.status == sim::DesignStatus::check_failed;
    with_results += ran ? 1 : 0;
    front += o.pareto ? 1 : 0;
    const bool this_shard = o.design.index % shard.count == shard.index - 1;
    if (ran && this_shard && o.consistency != "consistent") ++inconsistent;
  }
  std::printf("%s: %zu of %zu designs have results; %zu on the Pareto front\n", spec.name.c_str(),
              with_results, outcomes.size(), front);
  for (const sim::Slo& slo : spec.slos) {
    const std::optional<std::size_t> best = sim::best_for(slo, outcomes);
    std::printf("best for \"%s\": %s\n", slo.name.c_str(),
                best ? ("design " + std::to_string(outcomes[*best].design.index) + " (" +
                        outcomes[*best].design.name + ")")
                           .c_str()
                     : "none of the designs that ran");
  }
  std::printf("results: %s/results.csv, results.json, summary.md, runs.csv\n",
              folders.root.c_str());
  if (signals.stop().load()) {
    std::fprintf(stderr, "sweep interrupted by %s: finished designs kept; run it again to go on\n",
                 signals.signal() == SIGINT ? "SIGINT" : "SIGTERM");
    return signals.exit_status();
  }
  if (inconsistent > 0)
    std::fprintf(stderr, "sweep: %zu designs failed the consistency check\n", inconsistent);
  return failed > 0 || inconsistent > 0 ? 1 : 0;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SweepArguments>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a design-space sweep: a base scenario and axes (docs/SWEEPS.md)");
  cmd->add_option("sweep", args->file, "Sweep JSON file")->required();
  cmd->add_option("-o,--output", args->output, "Folder for the designs' runs and merged results")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", args->jobs, "Designs run at once (worker processes)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_flag("--dry-run", args->dry_run, "List the designs (and which have results) only");
  cmd->add_option("--shard", args->shard,
                  "Run only shard i of N (i/N): designs whose number is i-1 modulo N");
  cmd->callback([args, &exit_code] { exit_code = sweep(*args); });
}

}  // namespace flashtwin::cli
