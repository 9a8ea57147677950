// `flashtwin trace convert IN OUT --to FORMAT [--format F] [--device MAJ,MIN]`: rewrites a trace
// in another format (csv, vscsi, blktrace; see models/trace_writers.hpp). Streams the input
// (constant memory); writes OUT.tmp and renames it to OUT at the end, so a failed conversion
// leaves no partial output. Requests the output format cannot hold (flushes and discards in vscsi)
// are skipped and counted on stderr, as are requests widened to whole 512-byte sectors.
#pragma once

#include <CLI/CLI.hpp>

namespace flashtwin::cli {

// Adds `convert` under the `trace` subcommand.
void add_trace_convert_command(CLI::App& trace, int& exit_code);

}  // namespace flashtwin::cli
