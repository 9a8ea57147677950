// `flashtwin trace info FILE... [--format F] [--device MAJ,MIN] [--json]`: what a trace holds —
// requests by kind, bytes, request sizes, footprint, duration, IOPS over time. Streams the trace
// (memory grows only with the footprint, a few bytes per distinct 4 KiB block).
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

void add_trace_command(CLI::App& app, int& exit_code);

}  // namespace flashtwin::cli
