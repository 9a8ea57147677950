#include "size_command.hpp"

#include "design_workers.hpp"
#include "flashtwin/sim/flash_sizing.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "flashtwin/sim/sweep_results.hpp"
#include "interrupt_signals.hpp"
#include "run_command.hpp"
#include "scenario_document.hpp"
#include "sweep_runner.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace flashtwin::cli {

namespace {

namespace fs = std::filesystem;
constexpr double kGiB = 1024.0 * 1024 * 1024;

double gib_blocks(const sim::HostDemand& d, double gib) {
  return gib * kGiB / d.curve.block_bytes;
}

struct SizeArguments {
  std::string scenario;  // "": the embedded default
  std::vector<std::string> overrides;
  std::string target;
  std::string output = "flashtwin-sizing";
  double shards_rate = 0;  // 0: exact curves
  double window_s = 0;     // 0: a tenth of the scenario's duration
  unsigned max_runs = 3;   // timed runs of the recommendation
  bool no_confirm = false;
};

// One timed run: a capacity per sized host.
struct TimedRun {
  std::string name;
  std::vector<double> capacity_gib;
  int exit_status = -1;  // -1: not run
  sim::DesignOutcome outcome;
};

double measured(const sim::SizingGoal& goal, const sim::DesignOutcome& o) {
  switch (goal.target) {
    case sim::SizingTarget::read_hit:
      return o.read_hit_ratio;
    case sim::SizingTarget::offload:
      return o.bytes_offload;
    case sim::SizingTarget::p99_read_ms:
      return o.read_p99_ms;
  }
  return NAN;
}

bool meets(const sim::SizingGoal& goal, const TimedRun& run) {
  if (run.exit_status != 0 && run.exit_status != 1) return false;
  const double m = measured(goal, run.outcome);
  if (std::isnan(m)) return false;
  return goal.target == sim::SizingTarget::p99_read_ms ? m <= goal.value : m >= goal.value;
}

// The --set overrides giving each sized host its capacity: the document's host named as the
// host's machine, and its flash entry of the host's device.
std::vector<std::string> capacity_overrides(const ScenarioDocument& doc,
                                            const std::vector<sim::HostDemand>& demands,
                                            const std::vector<double>& gib) {
  std::vector<std::string> out;
  const nlohmann::json& hosts = doc.document.at("cluster").at("hosts");
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const sim::HostSpec& spec = doc.scenario.cluster.hosts[demands[i].host];
    for (std::size_t h = 0; h < hosts.size(); ++h) {
      if (hosts[h].value("name", "") != spec.machine_name()) continue;
      const nlohmann::json& flash = hosts[h].at("flash");
      for (std::size_t f = 0; f < flash.size(); ++f) {
        if (flash[f].value("device", "") != spec.flash[0].device) continue;
        char value[64];
        std::snprintf(value, sizeof value, "%.6g", gib[i]);
        out.push_back("cluster.hosts[" + std::to_string(h) + "].flash[" + std::to_string(f) +
                      "].capacity_gib=" + value);
        break;
      }
    }
  }
  return out;
}

// Share of the baseline's reads slower than `bound_ms`, from a run's latency_cdf.csv.
double baseline_slow_share(const fs::path& folder, double bound_ms) {
  std::ifstream in(folder / "latency_cdf.csv");
  std::string line;
  std::getline(in, line);  // header
  double below = 0;        // the highest percentile at or under the bound
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string percentile, read, write, baseline_read;
    std::getline(fields, percentile, ',');
    std::getline(fields, read, ',');
    std::getline(fields, write, ',');
    std::getline(fields, baseline_read, ',');
    if (baseline_read.empty()) continue;
    if (std::stod(baseline_read) <= bound_ms) below = std::stod(percentile);
  }
  return 1 - below / 100;
}

// Runs `runs` (at most two at once), each into DIR/runs/NAME, and reads their summaries.
// Returns false when interrupted.
bool run_timed(const SizeArguments& a, const ScenarioDocument& doc,
               const std::vector<sim::HostDemand>& demands, std::vector<TimedRun*> runs,
               DesignWorkers& workers, const InterruptSignals& signals) {
  std::size_t next = 0;
  while ((next < runs.size() || workers.running() > 0) && !signals.stop().load()) {
    while (workers.has_room() && next < runs.size()) {
      const fs::path folder = fs::path(a.output) / "runs" / runs[next]->name;
      fs::remove_all(folder);
      fs::create_directories(folder);
      RunArguments run{a.scenario, folder.string(), a.overrides, false};
      run.overrides.push_back("output.baseline=true");  // offload and the array's latencies
      for (const std::string& o : capacity_overrides(doc, demands, runs[next]->capacity_gib))
        run.overrides.push_back(o);
      workers.start_forked(
          next, [run] { return run_scenario_command(run); }, folder / "run.log");
      ++next;
    }
    for (const DesignWorkers::Finished& f : workers.wait(std::chrono::milliseconds(200))) {
      TimedRun& run = *runs[f.id];
      run.exit_status = f.exit_status;
      const fs::path summary = fs::path(a.output) / "runs" / run.name / "summary.json";
      if ((f.exit_status == 0 || f.exit_status == 1) && fs::exists(summary)) {
        std::ifstream in(summary);
        sim::read_summary(nlohmann::json::parse(in), run.outcome);
      }
    }
  }
  if (!signals.stop().load()) return true;
  workers.stop_all();
  return false;
}

std::string gib_list(const std::vector<double>& gib) {
  std::string out;
  for (const double g : gib) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%g", out.empty() ? "" : ", ", g);
    out += text;
  }
  return out + " GiB";
}

// "1.9 GiB", "219 MiB": sizes as the table shows them.
std::string approximate_size(std::uint64_t bytes) {
  char text[32];
  const double b = static_cast<double>(bytes);
  if (b >= kGiB) {
    std::snprintf(text, sizeof text, "%.1f GiB", b / kGiB);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", b / (1 << 20));
  }
  return text;
}

// Median and largest working set of a host, in bytes.
std::pair<std::uint64_t, std::uint64_t> working_set_bytes(const sim::HostDemand& d) {
  std::vector<std::uint64_t> sizes;
  for (const auto& [window, w] : d.working_set)
    sizes.push_back(w.blocks * d.curve.block_bytes);
  if (sizes.empty()) return {0, 0};
  std::sort(sizes.begin(), sizes.end());
  return {sizes[(sizes.size() - 1) / 2], sizes.back()};
}

void print_demands(const std::vector<sim::HostDemand>& demands, const std::vector<double>& rule,
                   const std::vector<double>& curve) {
  std::printf("%-10s %4s %12s %10s %22s %22s %22s\n", "host", "VMs", "provisioned", "footprint",
              "working set med/max", "rule of thumb (10 %)", "curve");
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const sim::HostDemand& d = demands[i];
    const auto [median, largest] = working_set_bytes(d);
    char ws[64], r[64], c[64];
    std::snprintf(ws, sizeof ws, "%s / %s", approximate_size(median).c_str(),
                  approximate_size(largest).c_str());
    std::snprintf(r, sizeof r, "%g GiB (hit %.3f)", rule[i],
                  d.curve.read_hit_ratio(static_cast<std::uint64_t>(gib_blocks(d, rule[i]))));
    std::snprintf(c, sizeof c, "%g GiB (hit %.3f)", curve[i],
                  d.curve.read_hit_ratio(static_cast<std::uint64_t>(gib_blocks(d, curve[i]))));
    std::printf("%-10s %4zu %12s %10s %22s %22s %22s\n", d.name.c_str(), d.vms.size(),
                approximate_size(d.disk_bytes).c_str(),
                approximate_size(d.footprint_blocks * d.curve.block_bytes).c_str(), ws, r, c);
  }
}

void print_run(const sim::SizingGoal& goal, const TimedRun& run,
               const std::vector<sim::HostDemand>& demands) {
  const sim::DesignOutcome& o = run.outcome;
  if (run.exit_status != 0 && run.exit_status != 1) {
    std::printf("  %-14s %s: did not finish (exit status %d, see its run.log)\n", run.name.c_str(),
                gib_list(run.capacity_gib).c_str(), run.exit_status);
    return;
  }
  std::printf(
      "  %-14s %s: read hit %.3f (curves: %.3f), p99 read %.2f ms, bytes offload %.3f: "
      "%s\n",
      run.name.c_str(), gib_list(run.capacity_gib).c_str(), o.read_hit_ratio,
      sim::predicted_read_hit_ratio(demands, run.capacity_gib), o.read_p99_ms, o.bytes_offload,
      meets(goal, run) ? "meets the goal" : "misses it");
}

nlohmann::ordered_json run_json(const sim::SizingGoal& goal, const TimedRun& run,
                                const std::vector<sim::HostDemand>& demands) {
  return {{"name", run.name},
          {"capacity_gib", run.capacity_gib},
          {"exit_status", run.exit_status},
          {"predicted_read_hit_ratio", sim::predicted_read_hit_ratio(demands, run.capacity_gib)},
          {"read_hit_ratio", run.outcome.read_hit_ratio},
          {"read_p99_ms", run.outcome.read_p99_ms},
          {"bytes_offload", run.outcome.bytes_offload},
          {"consistency", run.outcome.consistency},
          {"meets_goal", meets(goal, run)}};
}

std::string curves_csv(const std::vector<sim::HostDemand>& demands,
                       const std::vector<double>& largest_gib) {
  std::string out = "host,capacity_gib,read_hit_ratio,hit_ratio\n";
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const sim::HostDemand& d = demands[i];
    const double top =
        std::max(largest_gib[i], d.curve.footprint_blocks * d.curve.block_bytes / kGiB);
    for (int p = 0; p <= 50; ++p) {
      const double gib = top * p / 50;
      const auto blocks = static_cast<std::uint64_t>(gib_blocks(d, gib));
      char line[160];
      std::snprintf(line, sizeof line, "%s,%.4f,%.6f,%.6f\n", d.name.c_str(), gib,
                    d.curve.read_hit_ratio(blocks), d.curve.hit_ratio(blocks));
      out += line;
    }
  }
  return out;
}

int size(const SizeArguments& a) {
  const sim::SizingGoal goal = sim::parse_sizing_goal(a.target);
  const ScenarioDocument doc = read_scenario(a.scenario, a.overrides);
  sim::check_supported(doc.scenario);
  const sim::Scenario& scenario = doc.scenario;
  sim::CurveOptions curve_options;
  curve_options.block_bytes = scenario.cache.block_bytes;
  if (a.shards_rate > 0) {
    curve_options.sampling = sim::CurveSampling::fixed_rate;
    curve_options.rate = a.shards_rate;
  }
  const double window_s = a.window_s > 0 ? a.window_s : scenario.duration_s / 10;
  const std::vector<sim::HostDemand> demands = sim::host_demands(scenario, curve_options, window_s);
  if (demands.empty()) throw std::invalid_argument("size: the scenario has no host with flash");
  if (fs::exists(a.output) && !fs::exists(fs::path(a.output) / "sizing.json") &&
      !fs::is_empty(a.output)) {
    throw std::invalid_argument("'" + a.output +
                                "' exists and is not a sizing's folder: choose another -o");
  }
  fs::create_directories(a.output);

  std::printf(
      "flashtwin size: %s\ngoal: %s; curves: %s LRU per host, from %g s of its VMs' "
      "streams (working set per %g s window)\n\n",
      scenario.name.c_str(), sim::describe(goal).c_str(),
      curve_options.sampling == sim::CurveSampling::exact ? "exact"
                                                          : sim::describe(curve_options).c_str(),
      scenario.duration_s, window_s);

  std::vector<double> rule;
  for (const sim::HostDemand& d : demands)
    rule.push_back(sim::rule_of_thumb_gib(d));
  double reads = 0, references = 0;
  for (const sim::HostDemand& d : demands) {
    reads += static_cast<double>(d.curve.read_references);
    references += static_cast<double>(d.curve.references);
  }
  // p99: revised once the first run measured the array's latencies.
  double needed = sim::needed_read_hits(goal, demands, 1.0);
  sim::Allocation allocation = sim::allocate(demands, needed);
  std::vector<double> curve = allocation.gib;

  std::vector<TimedRun> runs;
  runs.reserve(a.max_runs + 1);
  bool interrupted = false;
  int status = 0;
  if (!a.no_confirm) {
    DesignWorkers workers(2);  // before InterruptSignals: see design_workers.hpp
    InterruptSignals signals;
    runs.push_back({"rule-of-thumb", rule, -1, {}});
    std::vector<TimedRun*> first = {&runs.back()};
    // The latency goal needs the array's latencies (the first run's baseline) before the curve.
    const bool latency = goal.target == sim::SizingTarget::p99_read_ms;
    if (!latency) {
      runs.push_back({"curve", curve, -1, {}});
      first.push_back(&runs.back());
    }
    interrupted = !run_timed(a, doc, demands, first, workers, signals);
    if (!interrupted && latency) {
      const double slow =
          baseline_slow_share(fs::path(a.output) / "runs" / "rule-of-thumb", goal.value);
      needed = sim::needed_read_hits(goal, demands, slow);
      allocation = sim::allocate(demands, needed);
      curve = allocation.gib;
      std::printf(
          "the array alone: %.2f %% of its reads slower than %g ms (baseline of the first "
          "run)\n",
          100 * slow, goal.value);
      runs.push_back({"curve", curve, -1, {}});
      interrupted = !run_timed(a, doc, demands, {&runs.back()}, workers, signals);
    }
    // Missed: the curves' target is raised by twice what the run fell short (at least one point
    // of the read hit ratio, or of the offload), and it runs again.
    while (!interrupted && !meets(goal, runs.back()) && runs.size() < a.max_runs + 1) {
      const TimedRun& last = runs.back();
      const double m = measured(goal, last.outcome);
      if (std::isnan(m)) break;
      switch (goal.target) {
        case sim::SizingTarget::read_hit:
          needed += std::max(2 * (goal.value - m), 0.01) * reads;
          break;
        case sim::SizingTarget::offload:
          needed = needed * (m > 0 ? goal.value / m : 2) + 0.01 * references;
          break;
        case sim::SizingTarget::p99_read_ms:
          needed = reads - (reads - needed) / 2;  // half the misses
          break;
      }
      allocation = sim::allocate(demands, needed);
      const std::vector<double>& next = allocation.gib;
      if (next == last.capacity_gib) break;  // the curve or the device gives no more
      runs.push_back({"curve-" + std::to_string(runs.size()), next, -1, {}});
      interrupted = !run_timed(a, doc, demands, {&runs.back()}, workers, signals);
    }
    if (interrupted) status = signals.exit_status();
  }

  print_demands(demands, rule, runs.size() > 1 ? runs.back().capacity_gib : curve);
  const std::vector<double>& recommended = runs.size() > 1 ? runs.back().capacity_gib : curve;
  if (!runs.empty()) {
    std::printf("\ntimed runs (each with its baseline; results in %s/runs/):\n", a.output.c_str());
    for (const TimedRun& run : runs)
      if (run.exit_status >= 0) print_run(goal, run, demands);
  }
  std::printf("\nthe curves predict a read hit ratio of %.3f for the recommendation%s\n",
              sim::predicted_read_hit_ratio(demands, recommended),
              allocation.reaches ? "" : "; they do not reach the goal at any size");
  const bool confirmed = runs.size() > 1 && meets(goal, runs.back());
  std::printf("\nrecommendation:");
  for (std::size_t i = 0; i < demands.size(); ++i)
    std::printf("%s %s %g GiB%s", i == 0 ? "" : ",", demands[i].name.c_str(), recommended[i],
                allocation.at_most[i] ? " (the most its curve or device gives)" : "");
  std::printf("\n%s\n", a.no_confirm  ? "not confirmed (--no-confirm)"
                        : interrupted ? "interrupted: not confirmed"
                        : confirmed
                            ? "confirmed: its timed run meets the goal"
                            : "NOT MET: the timed runs of the recommendation miss the goal");

  nlohmann::ordered_json out;
  out["scenario"] = scenario.name;
  out["goal"] = sim::describe(goal);
  out["curves"] = curve_options.sampling == sim::CurveSampling::exact
                      ? std::string("exact")
                      : sim::describe(curve_options);
  out["needed_read_hits"] = needed;
  out["predicted_read_hit_ratio"] = sim::predicted_read_hit_ratio(demands, recommended);
  out["curves_reach_goal"] = allocation.reaches;
  out["hosts"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < demands.size(); ++i) {
    const sim::HostDemand& d = demands[i];
    const auto [median, largest] = working_set_bytes(d);
    out["hosts"].push_back(
        {{"host", d.name},
         {"vms", d.vms},
         {"provisioned_gib", static_cast<double>(d.disk_bytes) / kGiB},
         {"footprint_bytes", d.footprint_blocks * d.curve.block_bytes},
         {"working_set_bytes", {{"window_s", window_s}, {"median", median}, {"largest", largest}}},
         {"rule_of_thumb_gib", rule[i]},
         {"recommended_gib", recommended[i]},
         {"predicted_read_hit_ratio",
          d.curve.read_hit_ratio(static_cast<std::uint64_t>(gib_blocks(d, recommended[i])))},
         {"at_most", static_cast<bool>(allocation.at_most[i])}});
  }
  out["runs"] = nlohmann::ordered_json::array();
  for (const TimedRun& run : runs)
    if (run.exit_status >= 0) out["runs"].push_back(run_json(goal, run, demands));
  out["confirmed"] = confirmed;
  sim::write_file_atomically(fs::path(a.output) / "sizing.json", out.dump(2) + "\n");
  std::vector<double> largest = recommended;
  for (std::size_t i = 0; i < largest.size(); ++i)
    largest[i] = std::max(largest[i], rule[i]);
  sim::write_file_atomically(fs::path(a.output) / "curves.csv", curves_csv(demands, largest));
  if (interrupted) return status;
  return a.no_confirm || confirmed ? 0 : 1;
}

}  // namespace

void add_size_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SizeArguments>();
  CLI::App* cmd = app.add_subcommand(
      "size", "Recommend flash per host from miss-ratio curves, confirmed by timed runs");
  cmd->add_option("scenario", args->scenario, "Scenario JSON file (default: the embedded one)");
  cmd->add_option("--target", args->target,
                  "The goal: read-hit=0.9, offload=0.7 (bytes) or p99-read-ms=2")
      ->required();
  cmd->add_option("--set", args->overrides, "Override a scenario value, PATH=VALUE (repeatable)");
  cmd->add_option("-o,--output", args->output, "Folder for sizing.json, curves.csv and the runs")
      ->capture_default_str();
  cmd->add_option("--shards-rate", args->shards_rate,
                  "Curves by SHARDS sampling this share of the blocks (default: exact)")
      ->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--window-s", args->window_s,
                  "Working set window, seconds (default: a tenth of the duration)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-runs", args->max_runs, "Timed runs of the recommendation, at most")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  cmd->add_flag("--no-confirm", args->no_confirm, "Curves only: no timed run");
  cmd->callback([args, &exit_code] { exit_code = size(*args); });
}

}  // namespace flashtwin::cli
