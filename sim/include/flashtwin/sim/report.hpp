// Writing a run's results: summary.json, the CSV time series and the terminal summary table. All
// of it is read from Metrics::visit, so every output shows the same numbers.
//
// Determinism: the same run gives byte-identical files. summary.json is an nlohmann::ordered_json
// with keys in a fixed order; counters, bytes and nanosecond latencies are exact integers; every
// other number (rates, ratios, means, gains, seconds) is rounded to kSignificantDigits significant
// digits (round to nearest of the exact binary value, as std::to_chars does) and then printed as
// the shortest text that reads back as that double, e.g. 1234.5678 -> 1234.57; undefined values
// (NaN, see metrics.hpp) are null.
//
// CSV: one header line, then one line per interval (per interval and VM in timeseries_vms.csv),
// '\n' line ends, fixed decimals: times in seconds with 9 decimals (exact nanoseconds), IOPS with
// 3, MB/s (MB = 10^6 bytes) with 6 (bytes per second), latencies in ms with 6 (exact
// nanoseconds), ratios with 6; counters and bytes as integers. Undefined values (latencies and hit
// ratios of an interval without requests or reads) are empty fields. VM names are quoted when they
// hold a comma, a quote or a line break (RFC 4180). No output depends on the locale: numbers are
// formatted with std::to_chars.
//
// Writing files never leaves a half-written result: each file is written to "<name>.tmp" in the
// same directory, then renamed over the old one. On failure a std::runtime_error names the file
// and the cause, and the earlier file is untouched.
#pragma once

#include "flashtwin/sim/metrics.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace flashtwin::sim {

inline constexpr int kSignificantDigits = 6;

// The text of summary.json (2-space indent, trailing newline): format, duration_ns, interval_ns,
// consistency (verdict, counts, the first 20 violation messages), cluster, vms, and with
// `comparison` (optional) a "comparison" section. Requires run.finished() (std::invalid_argument
// otherwise).
std::string summary_json(const Metrics& run, const Comparison* comparison = nullptr);
// The text of timeseries.csv (cluster-wide rows) and timeseries_vms.csv (per-VM rows).
// Require run.finished().
std::string timeseries_csv(const Metrics& run);
std::string vm_timeseries_csv(const Metrics& run);
// A human summary, at most 100 columns wide: per-VM and cluster throughput, latency percentiles
// (ms) and hit ratios, array traffic, data at risk, the comparison if given, and the consistency
// verdict. Requires run.finished().
std::string summary_table(const Metrics& run, const Comparison* comparison = nullptr);

// Writes `contents` to `file` atomically (temporary file in the same directory, then rename).
// Throws std::runtime_error naming `file` on failure; an existing `file` is then unchanged.
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);
// Writes summary.json, timeseries.csv and timeseries_vms.csv into `directory` (which must exist).
void write_results(const std::filesystem::path& directory, const Metrics& run,
                   const Comparison* comparison = nullptr);

}  // namespace flashtwin::sim
