// `flashtwin size [SCENARIO] --target read-hit=0.9 | offload=0.7 | p99-read-ms=2 [-o DIR]`:
// recommends the flash capacity of each host from its VMs' miss-ratio curves (flash_sizing.hpp),
// then confirms it with timed runs of the scenario, beside the rule of thumb (flash = 10 % of the
// VMs' provisioned capacity), run too. When the recommendation misses the goal in its timed run,
// the curve's read hit target is raised and it runs again (at most --max-runs times).
// Writes DIR/sizing.json, DIR/curves.csv and each timed run's results in DIR/runs/NAME/.
// Exit status 0 when the recommendation meets the goal in its timed run, 1 when it cannot,
// 2 for bad input, 130 / 143 when interrupted (finished runs kept). docs/SIZING.md.
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

void add_size_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
