// Reading a run's results folder back (summary.json, timeseries.csv, timeseries_vms.csv; written
// by report.hpp, described in docs/RESULTS.md): what the GUI plots and compares, and what later
// tools merge. Part of flashtwin_documents, the part of sim/ without SimGrid.
//
// Contract: load_results reads the files as report.hpp writes them (an interrupted run's folder
// too): summary.json, timeseries.csv and timeseries_vms.csv must be there, latency_cdf.csv,
// timeseries_hosts.csv and timeseries_baseline.csv may be. Empty CSV fields (undefined values)
// become NaN. A missing or malformed file throws ResultsError naming the file and, for a CSV, the
// line and column; nothing is half loaded (the caller's previous ResultsFolder is untouched, since
// a new one is returned).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::sim {

class ResultsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One CSV file as columns: a header name per column, one value per line (NaN where empty).
class TimeSeries {
 public:
  TimeSeries() = default;
  explicit TimeSeries(std::vector<std::string> names);
  const std::vector<std::string>& names() const { return names_; }
  bool has(const std::string& name) const { return index_.contains(name); }
  // Throws ResultsError for a column the file does not have.
  const std::vector<double>& column(const std::string& name) const;
  std::size_t rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  void append(const std::vector<double>& row);  // one value per column

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::vector<double>> columns_;
};

struct ResultsFolder {
  std::filesystem::path folder;
  nlohmann::json summary;
  TimeSeries cluster;                       // timeseries.csv
  std::map<std::string, TimeSeries> vms;    // timeseries_vms.csv, by VM name
  std::vector<std::string> vm_order;        // VM names in the file's order
  std::map<std::string, TimeSeries> hosts;  // timeseries_hosts.csv, by host (cache) name
  std::vector<std::string> host_order;      // host names in the file's order
  std::optional<TimeSeries> baseline;       // timeseries_baseline.csv, when the run had one
  std::optional<TimeSeries> latency_cdf;    // latency_cdf.csv (folders of older versions lack it)
  bool interrupted = false;                 // summary.json says so
};

ResultsFolder load_results(const std::filesystem::path& folder);
// Parses CSV text as report.hpp writes it (RFC 4180 quotes; `file` names it in errors); columns
// whose name ends in "_name" are text, skipped as values (vm_name, host_name), and `split_by`, when
// given, names a text column whose value keys one series per distinct value.
std::map<std::string, TimeSeries> parse_csv(const std::string& text, const std::string& file,
                                            const std::optional<std::string>& split_by,
                                            std::vector<std::string>* key_order = nullptr);

}  // namespace flashtwin::sim
