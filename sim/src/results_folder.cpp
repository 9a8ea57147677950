#include "flashtwin/sim/results_folder.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

namespace flashtwin::sim {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ResultsError(file.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of one CSV line (RFC 4180 quotes; no line break inside a field in our files).
std::vector<std::string> split_fields(const std::string& line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) throw ResultsError(where + ": a quote is not closed");
  return fields;
}

double number(const std::string& field, const std::string& where) {
  if (field.empty()) return kUndefined;
  double value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size())
    throw ResultsError(where + ": '" + field + "' is not a number");
  return value;
}

}  // namespace

TimeSeries::TimeSeries(std::vector<std::string> names)
    : names_(std::move(names)), columns_(names_.size()) {
  for (std::size_t i = 0; i < names_.size(); ++i)
    index_[names_[i]] = i;
}

const std::vector<double>& TimeSeries::column(const std::string& name) const {
  const auto it = index_.find(name);
  if (it == index_.end()) throw ResultsError("no column '" + name + "' in the time series");
  return columns_[it->second];
}

void TimeSeries::append(const std::vector<double>& row) {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    columns_[i].push_back(i < row.size() ? row[i] : kUndefined);
}

std::map<std::string, TimeSeries> parse_csv(const std::string& text, const std::string& file,
                                            const std::optional<std::string>& split_by,
                                            std::vector<std::string>* key_order) {
  std::map<std::string, TimeSeries> series;
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line.empty())
    throw ResultsError(file + ": line 1: no header line");
  const std::vector<std::string> header = split_fields(line, file + ": line 1");
  std::vector<std::string> names;
  std::vector<bool> is_text(header.size(), false);
  std::optional<std::size_t> key_column;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (split_by && header[i] == *split_by) {
      key_column = i;
      is_text[i] = true;
    } else if (header[i].size() > 5 && header[i].ends_with("_name")) {
      is_text[i] = true;
    } else {
      names.push_back(header[i]);
    }
  }
  if (split_by && !key_column) throw ResultsError(file + ": line 1: no column '" + *split_by + "'");
  std::size_t number_of_line = 1;
  while (std::getline(lines, line)) {
    ++number_of_line;
    if (line.empty()) continue;
    const std::string where = file + ": line " + std::to_string(number_of_line);
    const std::vector<std::string> fields = split_fields(line, where);
    if (fields.size() != header.size()) {
      throw ResultsError(where + ": " + std::to_string(fields.size()) + " fields, the header has " +
                         std::to_string(header.size()));
    }
    std::vector<double> row;
    row.reserve(names.size());
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (!is_text[i]) row.push_back(number(fields[i], where + ", column '" + header[i] + "'"));
    const std::string key = key_column ? fields[*key_column] : std::string();
    auto [it, added] = series.try_emplace(key, TimeSeries(names));
    if (added && key_order) key_order->push_back(key);
    it->second.append(row);
  }
  if (series.empty() && !split_by) series.emplace("", TimeSeries(names));
  return series;
}

ResultsFolder load_results(const std::filesystem::path& folder) {
  ResultsFolder results;
  results.folder = folder;
  const std::filesystem::path summary = folder / "summary.json";
  try {
    results.summary = nlohmann::json::parse(read_text(summary));
  } catch (const nlohmann::json::parse_error& e) {
    throw ResultsError(summary.string() + ": not valid JSON: " + e.what());
  }
  if (!results.summary.is_object() || !results.summary.contains("format"))
    throw ResultsError(summary.string() + ": not a flashtwin summary (no \"format\")");
  results.interrupted = results.summary.contains("interrupted");
  const std::filesystem::path cluster = folder / "timeseries.csv";
  results.cluster = parse_csv(read_text(cluster), cluster.string(), std::nullopt).begin()->second;
  const std::filesystem::path vms = folder / "timeseries_vms.csv";
  results.vms = parse_csv(read_text(vms), vms.string(), "vm_name", &results.vm_order);
  const std::filesystem::path hosts = folder / "timeseries_hosts.csv";
  if (std::filesystem::exists(hosts))
    results.hosts = parse_csv(read_text(hosts), hosts.string(), "host_name", &results.host_order);
  for (const auto& [name, series] : {std::pair{"timeseries_baseline.csv", &results.baseline},
                                     std::pair{"latency_cdf.csv", &results.latency_cdf}}) {
    const std::filesystem::path file = folder / name;
    if (std::filesystem::exists(file))
      *series = parse_csv(read_text(file), file.string(), std::nullopt).begin()->second;
  }
  return results;
}

}  // namespace flashtwin::sim
