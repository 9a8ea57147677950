#include "ci_command.hpp"

#include "design_workers.hpp"
#include "flashtwin/sim/junit_report.hpp"
#include "flashtwin/sim/report.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "interrupt_signals.hpp"
#include "run_command.hpp"
#include "scenario_document.hpp"
#include "sweep_runner.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace flashtwin::cli {
namespace {

namespace fs = std::filesystem;

struct CiArguments {
  std::vector<std::string> scenarios;
  std::string output = "flashtwin-ci";
  std::string junit;  // "": OUTPUT/junit.xml
  std::size_t jobs = 1;
};

struct CiRun {
  std::string scenario;  // as given
  fs::path folder;       // OUTPUT/<file stem>
  std::optional<DesignWorkers::Finished> finished;
};

// The checks of one finished run as test cases (docs/SWEEPS.md, "CI mode").
sim::JunitSuite suite_of(const CiRun& run) {
  sim::JunitSuite suite{run.scenario, run.finished ? run.finished->wall_s : 0, {}};
  if (!run.finished) {
    suite.cases.push_back({"run", 0, std::nullopt, "not run: the CI run was interrupted"});
    return suite;
  }
  const int status = run.finished->exit_status;
  if (status > 1) {
    suite.cases.push_back({"run", run.finished->wall_s, std::nullopt,
                           "flashtwin run ended with exit status " + std::to_string(status) +
                               " (see " + (run.folder / "run.log").string() + ")"});
    return suite;
  }
  std::ifstream in(run.folder / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(in, nullptr, false);
  if (summary.is_discarded() || !summary.contains("expectations")) {
    suite.cases.push_back({"run", run.finished->wall_s, std::nullopt,
                           "the run ended (exit status " + std::to_string(status) +
                               ") without a whole summary.json (see " +
                               (run.folder / "run.log").string() + ")"});
    return suite;
  }
  suite.cases.push_back({"run", run.finished->wall_s, std::nullopt, std::nullopt});
  const nlohmann::json& consistency = summary.at("consistency");
  sim::JunitCase consistent{"consistency", 0, std::nullopt, std::nullopt};
  const auto violations = consistency.at("violations").get<std::uint64_t>();
  const auto unexplained = consistency.at("unexplained_writes_lost").get<std::uint64_t>();
  if (violations > 0 || unexplained > 0) {
    std::string message = std::to_string(violations) + " violations, " +
                          std::to_string(unexplained) + " writes lost without a failure";
    for (const nlohmann::json& v : consistency.at("first_violations"))
      message += "; " + v.get<std::string>();
    consistent.failure = message;
  }
  suite.cases.push_back(consistent);
  bool loss_stated = false;
  for (const nlohmann::json& check : summary.at("expectations").at("checked")) {
    const std::string name = check.at("name").get<std::string>();
    loss_stated = loss_stated || name == "acknowledged_writes_lost_max";
    sim::JunitCase expectation{"expectation " + name + " = " + check.at("limit").dump(), 0,
                               std::nullopt, std::nullopt};
    if (!check.at("met").get<bool>()) expectation.failure = check.at("message").get<std::string>();
    suite.cases.push_back(expectation);
  }
  if (!loss_stated) {  // as `run`: a loss the scenario did not accept fails
    sim::JunitCase lost{"no acknowledged write lost", 0, std::nullopt, std::nullopt};
    const auto n = consistency.at("acknowledged_writes_lost").get<std::uint64_t>();
    if (n > 0) lost.failure = std::to_string(n) + " acknowledged writes lost to failures";
    suite.cases.push_back(lost);
  }
  return suite;
}

// An earlier run's folder is replaced; any other folder of that name is left alone (bad input,
// refused before anything runs).
void check_run_folder(const fs::path& folder) {
  if (fs::exists(folder) && !fs::exists(folder / "run.log"))
    throw std::invalid_argument("'" + folder.string() +
                                "' exists and is not a run's folder: choose another -o");
}

int ci(const CiArguments& a) {
  // Every scenario is checked before any runs: bad input is exit 2 at once.
  for (const std::string& file : a.scenarios)
    check_supported(read_scenario(file, {}).scenario);
  std::vector<CiRun> runs;
  std::set<std::string> names;
  for (const std::string& file : a.scenarios) {
    std::string name = fs::path(file).stem().string();
    for (int n = 2; !names.insert(name).second; ++n)
      name = fs::path(file).stem().string() + "-" + std::to_string(n);
    runs.push_back({file, fs::path(a.output) / name, std::nullopt});
    check_run_folder(runs.back().folder);
  }
  fs::create_directories(a.output);

  DesignWorkers workers(a.jobs);  // before InterruptSignals: see design_workers.hpp
  InterruptSignals signals;
  std::size_t next = 0;
  std::size_t finished = 0;
  const auto record = [&](const DesignWorkers::Finished& f) {
    if (interrupted(f.exit_status) || (f.exit_status > 1 && signals.stop().load()))
      return;  // stopped part way: not run
    runs[f.id].finished = f;
    ++finished;
    std::fprintf(stderr, "ci: %zu/%zu scenarios run (%s: exit status %d)\n", finished, runs.size(),
                 runs[f.id].scenario.c_str(), f.exit_status);
  };
  while ((next < runs.size() || workers.running() > 0) && !signals.stop().load()) {
    while (workers.has_room() && next < runs.size()) {
      fs::remove_all(runs[next].folder);
      fs::create_directories(runs[next].folder);
      const RunArguments run{runs[next].scenario, runs[next].folder.string(), {}, false};
      workers.start_forked(
          next, [run] { return run_scenario_command(run); }, runs[next].folder / "run.log");
      ++next;
    }
    for (const DesignWorkers::Finished& f : workers.wait(std::chrono::milliseconds(200)))
      record(f);
  }
  if (signals.stop().load())
    for (const DesignWorkers::Finished& f : workers.stop_all())
      record(f);

  std::vector<sim::JunitSuite> suites;
  std::size_t failing = 0;
  for (const CiRun& run : runs) {
    suites.push_back(suite_of(run));
    std::string problems;
    for (const sim::JunitCase& c : suites.back().cases) {
      if (c.failure) problems += "\n    " + c.name + ": " + *c.failure;
      if (c.error) problems += "\n    " + c.name + ": " + *c.error;
    }
    failing += problems.empty() ? 0 : 1;
    std::printf("%s %s (%zu checks)%s\n", problems.empty() ? "PASS" : "FAIL", run.scenario.c_str(),
                suites.back().cases.size(), problems.c_str());
  }
  const fs::path junit = a.junit.empty() ? fs::path(a.output) / "junit.xml" : fs::path(a.junit);
  sim::write_file_atomically(junit, sim::junit_xml("flashtwin ci", suites));
  std::printf("%zu of %zu scenarios pass; JUnit XML: %s; runs in %s/\n", runs.size() - failing,
              runs.size(), junit.c_str(), a.output.c_str());
  if (signals.stop().load()) return signals.exit_status();
  return failing > 0 ? 1 : 0;
}

}  // namespace

void add_ci_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CiArguments>();
  CLI::App* cmd = app.add_subcommand(
      "ci", "Run scenarios and report their checks and expectations as JUnit XML");
  cmd->add_option("scenarios", args->scenarios, "Scenario JSON files")->required();
  cmd->add_option("-o,--output", args->output, "Folder for the runs")->capture_default_str();
  cmd->add_option("--junit", args->junit, "JUnit XML file (default: OUTPUT/junit.xml)");
  cmd->add_option("-j,--jobs", args->jobs, "Scenarios run at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->callback([args, &exit_code] { exit_code = ci(*args); });
}

}  // namespace flashtwin::cli
