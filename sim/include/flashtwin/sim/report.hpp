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

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::sim {

inline constexpr int kSignificantDigits = 6;

// The one definition of each figure, as printed on the table and in summary.json (each fits a
// table line of 100 columns).
inline constexpr const char* kHitRatioDefinition =
    "hit ratio: read blocks served from flash (local + remote) / read blocks";
inline constexpr const char* kOffloadDefinition =
    "offload: share of VM I/Os that never reached the array, vs the no-flash baseline; drain apart";
inline constexpr const char* kNetworkDefinition =
    "network: bytes between hosts and the array or between hosts, by purpose";

// What produced a result: recorded in summary.json so that a result file can be traced back to
// its input and rerun.
struct Provenance {
  std::string program_version;         // e.g. "flashtwin 0.1.0"
  std::string scenario_json;           // the scenario as run: the document after the overrides
  std::vector<std::string> overrides;  // the --set assignments, in order
  std::uint64_t seed = 0;
};

// The text of summary.json (2-space indent, trailing newline): format, with `provenance` a
// "produced_by" section, run_end_ns, interval_ns, window (the measurement window, metrics.hpp),
// definitions (hit ratio, offload, network in words), consistency (verdict, counts, the first 20
// violation messages), cluster (with network by purpose), drain, hosts, vms, and with
// `comparison` a "comparison" section. Requires run.finished() (std::invalid_argument
// otherwise); a provenance whose scenario_json is not JSON is std::invalid_argument.
std::string summary_json(const Metrics& run, const Comparison* comparison = nullptr,
                         const Provenance* provenance = nullptr);
// The text of timeseries.csv (cluster-wide rows), timeseries_vms.csv (per-VM rows) and
// timeseries_hosts.csv (per-host cache levels: used, dirty, replicas). Require run.finished().
std::string timeseries_csv(const Metrics& run);
std::string vm_timeseries_csv(const Metrics& run);
std::string host_timeseries_csv(const Metrics& run);
// A human summary, at most 100 columns wide: the measurement window, per-VM and cluster
// throughput, latency percentiles (ms) and hit ratios, one line per host (flash used and dirty,
// evictions, device utilisation and latency, wear), array and network traffic by purpose, data
// at risk, the final drain on its own line, the comparison if given (reads and writes apart), the
// definitions of hit ratio, offload and network, and the consistency verdict. Requires
// run.finished().
std::string summary_table(const Metrics& run, const Comparison* comparison = nullptr);

// Writes `contents` to `file` atomically (temporary file in the same directory, then rename).
// Throws std::runtime_error naming `file` on failure; an existing `file` is then unchanged.
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);
// The latency distribution of the run's reads and writes (and of the baseline's, when given) as
// percentile rows: percentile, then read_ms, write_ms, baseline_read_ms, baseline_write_ms (the
// LatencyHistogram percentile: within 1/64 above the exact value; min at 0, max at 100; empty
// when a run has no such request or there is no baseline). Percentiles 0, 1, 2 .. 99, 99.1 ..
// 99.9, 99.91 .. 99.99, 100: a CDF plotted on a log latency axis. Requires run.finished().
std::string latency_cdf_csv(const Metrics& run, const Metrics* baseline = nullptr);
// Writes summary.json, timeseries.csv, timeseries_vms.csv, timeseries_hosts.csv and
// latency_cdf.csv into `directory` (which must exist), and with a baseline
// timeseries_baseline.csv (the baseline run's cluster-wide rows, as timeseries.csv).
void write_results(const std::filesystem::path& directory, const Metrics& run,
                   const Comparison* comparison = nullptr, const Provenance* provenance = nullptr,
                   const Metrics* baseline = nullptr);

}  // namespace flashtwin::sim
