// `flashtwin validate FILE...`: checks scenario files without running them. Prints one line per
// valid file; the first invalid one is reported with its JSON path and exit status 2.
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

void add_validate_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
