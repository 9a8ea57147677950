// `flashtwin run [SCENARIO] [-o DIR] [--set PATH=VALUE ...]`: runs a scenario (the embedded default
// without one), prints the summary table, writes summary.json and CSV time series to DIR.
// Exit status 0, 1 when a consistency check or an expectation failed, 2 for bad input.
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

void add_run_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
