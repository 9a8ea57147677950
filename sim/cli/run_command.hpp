// `flashtwin run [SCENARIO] [-o DIR] [--set PATH=VALUE ...]`: runs a scenario (the embedded default
// without one), prints the summary table, writes summary.json and CSV time series to DIR.
// Exit status 0, 1 when a consistency check or an expectation failed, 2 for bad input.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace flashtwin::cli {

struct RunArguments {
  std::string scenario;  // "": the embedded default
  std::string output = "flashtwin-results";
  std::vector<std::string> overrides;
  bool progress_lines = false;
};

// The `run` command's body (sweeps call it in forked workers): exit status 0 or 1, or 130 / 143
// when interrupted; bad input throws, as for main() to turn into exit status 2.
int run_scenario_command(const RunArguments& arguments);

void add_run_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
