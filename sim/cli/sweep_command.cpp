#include "sweep_command.hpp"

#include "child_process.hpp"
#include "design_workers.hpp"
#include "flashtwin/sim/sweep_plan.hpp"
#include "flashtwin/sim/sweep_results.hpp"
#include "interrupt_signals.hpp"
#include "slurm_sweep.hpp"
#include "sweep_folder.hpp"
#include "sweep_runner.hpp"

#include <cstdio>
#include <filesystem>
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
  bool merge_only = false;
  bool slurm = false;
  SlurmOptions slurm_options;
  std::string tasks_file;  // with --task: a Slurm task's designs
  std::size_t task = 0;
  std::string status;  // --status DIR
};

void print_plan(const sim::SweepSpec& sweep, const std::vector<PlannedDesign>& planned,
                const SweepFolder& folder) {
  std::printf("%s: %zu designs\n", sweep.name.c_str(), planned.size());
  std::printf("%6s  %-16s  %12s  %10s  %-6s  %s\n", "design", "hash", "cost", "memory MiB",
              "result", "name");
  for (const PlannedDesign& p : planned) {
    std::printf("%6zu  %-16s  %12.0f  %10.0f  %-6s  %s\n", p.design.index, p.hash.c_str(), p.cost,
                static_cast<double>(p.memory_estimate_bytes) / 1048576.0,
                folder.has_run(p.hash) ? "done" : "-", p.design.name.c_str());
  }
}

// report.html from the merged results, drawn by flashtwin-gui (gui/src/sweep_report.hpp) when it
// is installed beside this program (or in the build tree's gui/): the charts are the GUI's. Not
// having it is no failure; the CSV, JSON and Markdown results are complete without it.
void write_report(const fs::path& root) {
  const fs::path here = this_program().parent_path();
  for (const fs::path& gui :
       {here / "flashtwin-gui", here.parent_path() / "gui" / "flashtwin-gui"}) {
    if (!fs::exists(gui)) continue;
    const std::optional<ProgramOutput> out = run_program(
        {"env", "QT_QPA_PLATFORM=offscreen", gui.string(), "--sweep-report", root.string()});
    if (out && out->exit_status == 0) {
      std::printf("report: %s/report.html\n", root.c_str());
    } else {
      std::fprintf(stderr, "sweep: report.html not written: %s\n",
                   out ? out->output.c_str() : "flashtwin-gui did not start");
    }
    return;
  }
  std::printf("report.html: not written (flashtwin-gui, which draws it, is not installed here)\n");
}

// Merges, prints the outcome, and returns 1 when a design of `mine` failed the consistency check.
int merge_and_report(const sim::SweepSpec& spec, const SweepFolder& folder,
                     const std::vector<PlannedDesign>& planned, const std::set<std::size_t>& mine) {
  const std::vector<sim::DesignOutcome> outcomes = folder.merge(spec, planned);
  std::size_t with_results = 0;
  std::size_t front = 0;
  std::size_t inconsistent = 0;
  for (const sim::DesignOutcome& o : outcomes) {
    const bool ran =
        o.status == sim::DesignStatus::ok || o.status == sim::DesignStatus::check_failed;
    with_results += ran ? 1 : 0;
    front += o.pareto ? 1 : 0;
    if (ran && mine.contains(o.design.index) && o.consistency != "consistent") ++inconsistent;
  }
  std::printf("%s: %zu of %zu designs have results; %zu on the Pareto front\n", spec.name.c_str(),
              with_results, outcomes.size(), front);
  for (const sim::Slo& slo : spec.slos) {
    const std::optional<std::size_t> best = sim::best_for(slo, outcomes);
    const std::string named = best ? "design " + std::to_string(outcomes[*best].design.index) +
                                         " (" + outcomes[*best].design.name + ")"
                                   : "none of the designs that ran";
    std::printf("best for \"%s\": %s\n", slo.name.c_str(), named.c_str());
  }
  std::printf("results: %s/results.csv, results.json, summary.md, runs.csv\n",
              folder.root().c_str());
  write_report(folder.root());
  if (inconsistent > 0)
    std::fprintf(stderr, "sweep: %zu designs failed the consistency check\n", inconsistent);
  return inconsistent > 0 ? 1 : 0;
}

// The designs this invocation runs: a shard of the plan, or a Slurm task's designs.
std::vector<const PlannedDesign*> chosen_designs(const SweepArguments& a,
                                                 const std::vector<PlannedDesign>& planned) {
  std::vector<const PlannedDesign*> chosen;
  if (!a.tasks_file.empty()) {
    for (const TaskDesign& d : task_designs(a.tasks_file, a.task)) {
      if (d.index >= planned.size() || planned[d.index].hash != d.hash)
        throw std::invalid_argument("--task " + std::to_string(a.task) + ": design " +
                                    std::to_string(d.index) +
                                    " is not the one submitted (the sweep or its base scenario "
                                    "changed since): submit again");
      chosen.push_back(&planned[d.index]);
    }
    return chosen;
  }
  const sim::Shard shard = a.shard.empty() ? sim::Shard{} : sim::parse_shard(a.shard);
  std::vector<sim::Design> designs;
  for (const PlannedDesign& p : planned)
    designs.push_back(p.design);
  for (const sim::Design& d : sim::shard_designs(designs, shard))
    chosen.push_back(&planned[d.index]);
  return chosen;
}

int sweep(const SweepArguments& a) {
  if (!a.status.empty()) return print_status(a.status);
  if (a.file.empty())
    throw std::invalid_argument("sweep: a sweep file is needed (or --status DIR)");
  const sim::SweepSpec spec = sim::load_sweep(a.file);
  const std::vector<PlannedDesign> planned = prepare(spec, sim::plan_designs(spec));
  const SweepFolder folder{a.output};
  if (a.dry_run) {
    print_plan(spec, planned, folder);
    return 0;
  }
  if (a.slurm) return submit_sweep(a.file, planned, folder, a.slurm_options);
  const std::vector<const PlannedDesign*> chosen = chosen_designs(a, planned);
  std::set<std::size_t> mine;
  for (const PlannedDesign* p : chosen)
    mine.insert(p->design.index);
  if (a.merge_only) return merge_and_report(spec, folder, planned, mine);

  fs::create_directories(folder.root() / "designs");
  // The chosen designs without a result, each content once.
  std::vector<const PlannedDesign*> pending;
  std::set<std::string> queued;
  std::size_t distinct = 0;
  for (const PlannedDesign* p : chosen) {
    if (!queued.insert(p->hash).second) continue;
    ++distinct;
    if (!folder.has_run(p->hash)) pending.push_back(p);
  }
  const std::string where = !a.tasks_file.empty() ? " in task " + std::to_string(a.task)
                            : !a.shard.empty()    ? " in shard " + a.shard
                                                  : std::string();
  std::fprintf(stderr,
               "sweep \"%s\": %zu designs%s, %zu already done, %zu to run with %zu workers\n",
               spec.name.c_str(), distinct, where.c_str(), distinct - pending.size(),
               pending.size(), a.jobs);

  DesignWorkers workers(a.jobs);  // before InterruptSignals: see design_workers.hpp
  InterruptSignals signals;
  const RunTally tally =
      run_designs(spec, folder, pending, distinct, distinct - pending.size(), workers, signals);
  if (!a.tasks_file.empty()) {  // a Slurm task: the merge job merges
    // A design that failed is recorded (HASH.failed) and listed by the merge and --status: the
    // task succeeded in running it, so the merge job (afterok) still runs.
    return signals.stop().load() ? signals.exit_status() : 0;
  }
  const int checks = merge_and_report(spec, folder, planned, mine);
  if (signals.stop().load()) {
    std::fprintf(stderr, "sweep interrupted by %s: finished designs kept; run it again to go on\n",
                 signals.signal() == SIGINT ? "SIGINT" : "SIGTERM");
    return signals.exit_status();
  }
  return tally.failed > 0 ? 1 : checks;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SweepArguments>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a design-space sweep: a base scenario and axes (docs/SWEEPS.md)");
  cmd->add_option("sweep", args->file, "Sweep JSON file");
  cmd->add_option("-o,--output", args->output, "Folder for the designs' runs and merged results")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", args->jobs, "Designs run at once (worker processes)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_flag("--dry-run", args->dry_run, "List the designs (and which have results) only");
  cmd->add_option("--shard", args->shard,
                  "Run only shard i of N (i/N): designs whose number is i-1 modulo N");
  cmd->add_flag("--merge", args->merge_only, "Only merge the results already in the folder");
  cmd->add_flag("--slurm", args->slurm,
                "Submit the designs without results to Slurm as a job array, and a merge job");
  cmd->add_option("--partition", args->slurm_options.partition, "Slurm partition");
  cmd->add_option("--time-limit", args->slurm_options.time_limit,
                  "Slurm time limit per task (sbatch --time: MINUTES or H:MM:SS)");
  cmd->add_option("--mem-per-task", args->slurm_options.memory,
                  "Slurm memory per task (sbatch --mem, e.g. 4G); default: estimated");
  cmd->add_option("--designs-per-task", args->slurm_options.designs_per_task,
                  "Designs per Slurm task (chunks of short designs); default: a minute of the "
                  "designs already run, or 1")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--tasks", args->tasks_file, "(a Slurm task) the submission's tasks file");
  cmd->add_option("--task", args->task, "(a Slurm task) which task of --tasks to run");
  cmd->add_option("--status", args->status,
                  "Show a Slurm sweep's progress from its folder (squeue, sacct, the results)");
  cmd->callback([args, &exit_code] {
    args->slurm_options.jobs_per_task = args->jobs;
    exit_code = sweep(*args);
  });
}

}  // namespace flashtwin::cli
