// `flashtwin cachesim`: cache-only replay through the real engine, one run per (policy, capacity),
// printing hit ratios as a table (or JSON with --json). Without --trace it replays the embedded
// demo mix of synthetic workloads (see demo_workloads.hpp).
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

// Registers the subcommand on `app`; `exit_code` receives the command's exit status when it runs
// (0 ok, 1 a consistency check failed, 2 bad input).
void add_cachesim_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
