// `flashtwin ci SCENARIO... [-o DIR] [--junit FILE] [-j N]` (docs/SWEEPS.md, "CI mode"): runs
// each scenario in a worker process running `flashtwin run`'s code (design_workers.hpp) into
// DIR/<file stem>/ (its output in run.log) and
// writes a JUnit XML file: one test suite per scenario, test cases "run", "consistency", one per
// expectation the scenario states, and "no acknowledged write lost" when it states none about
// lost writes. Exit status 0 when every case passes, 1 otherwise, 2 for bad input (every
// scenario is checked before any runs), 130 / 143 when interrupted (the XML says what ran).
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

void add_ci_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
