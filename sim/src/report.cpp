// summary.json, the CSV time series and atomic file writing; see report.hpp for the rules.
#include "flashtwin/sim/report.hpp"

#include "number_format.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace flashtwin::sim {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kViolationsListed = 20;

void require_finished(const Metrics& run, const char* what) {
  if (!run.finished()) {
    throw std::invalid_argument(std::string(what) + ": the run is not finished (Metrics::finish)");
  }
}

// A non-integer quantity: rounded to kSignificantDigits, null when undefined.
Json number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return format::round_significant(value, kSignificantDigits);
}

Json latency_json(const LatencyHistogram& h) {
  Json j;
  j["count"] = h.count();
  j["min"] = h.min();
  j["mean"] = number(h.empty() ? std::nan("") : h.mean());
  j["p50"] = h.percentile(50);
  j["p95"] = h.percentile(95);
  j["p99"] = h.percentile(99);
  j["p999"] = h.percentile(99.9);
  j["max"] = h.max();
  return j;
}

Json counts_json(const KindCounts& c, std::int64_t duration_ns) {
  Json j;
  j["ios"] = c.ios;
  j["bytes"] = c.bytes;
  j["iops"] = number(per_second(c.ios, duration_ns));
  j["mb_per_s"] = number(per_second(c.bytes, duration_ns) / 1e6);
  return j;
}

// Appends the fields of `t` to the object `j`.
void add_totals(Json& j, const Totals& t) {
  j["iops"] = number(t.iops());
  j["mb_per_s"] = number(t.mb_per_s());
  j["reads"] = counts_json(t.reads, t.duration_ns);
  j["writes"] = counts_json(t.writes, t.duration_ns);
  j["flushes"] = counts_json(t.flushes, t.duration_ns);
  j["discards"] = counts_json(t.discards, t.duration_ns);
  j["failed"] = t.failed;
  j["latency_ns"] = {{"all", latency_json(t.latency)},
                     {"reads", latency_json(t.read_latency)},
                     {"writes", latency_json(t.write_latency)}};
  j["read_blocks"] = {{"local_flash", t.read_blocks.local_flash},
                      {"remote_flash", t.read_blocks.remote_flash},
                      {"array", t.read_blocks.array}};
  j["read_hit_ratio"] = {{"flash", number(t.read_blocks.hit_ratio())},
                         {"local_flash", number(t.read_blocks.local_ratio())},
                         {"remote_flash", number(t.read_blocks.remote_ratio())},
                         {"array", number(t.read_blocks.array_ratio())}};
}

Json gain_json(const LatencyGain& g, bool integral) {
  Json j;
  if (integral) {
    j["baseline_ns"] = std::llround(g.baseline_ns);
    j["with_flash_ns"] = std::llround(g.with_flash_ns);
  } else {
    j["baseline_ns"] = number(g.baseline_ns);
    j["with_flash_ns"] = number(g.with_flash_ns);
  }
  j["gain"] = number(g.gain);
  return j;
}

Json latency_comparison_json(const LatencyComparison& c) {
  return Json{{"mean", gain_json(c.mean, false)},
              {"p50", gain_json(c.p50, true)},
              {"p95", gain_json(c.p95, true)},
              {"p99", gain_json(c.p99, true)},
              {"p999", gain_json(c.p999, true)}};
}

Json comparison_json(const Comparison& c) {
  Json j;
  j["latency_gain"] = {{"all", latency_comparison_json(c.all)},
                       {"reads", latency_comparison_json(c.reads)},
                       {"writes", latency_comparison_json(c.writes)}};
  j["array_offload"] = {{"reads", number(c.read_offload)},
                        {"writes", number(c.write_offload)},
                        {"bytes", number(c.byte_offload)}};
  auto mix = [](const ArrayMix& m) {
    return Json{{"ios", number(m.read_io_share)}, {"bytes", number(m.read_byte_share)}};
  };
  j["array_read_share"] = {{"baseline", mix(c.baseline_mix)},
                           {"with_flash", mix(c.with_flash_mix)}};
  return j;
}

class SummaryBuilder : public MetricsVisitor {
 public:
  explicit SummaryBuilder(std::int64_t interval_ns) : interval_ns_(interval_ns) {}

  void cluster(const ClusterTotals& c) override {
    root_["format"] = "flashtwin-summary/1";
    root_["duration_ns"] = c.io.duration_ns;
    root_["interval_ns"] = interval_ns_;
    Json consistency;
    consistency["verdict"] = c.consistent() ? "consistent" : "violated";
    consistency["violations"] = c.violations.size();
    consistency["acknowledged_writes_lost"] = c.acknowledged_writes_lost;
    consistency["reads_failed"] = c.reads_failed;
    Json listed = Json::array();
    for (std::size_t i = 0; i < c.violations.size() && i < kViolationsListed; ++i) {
      listed.push_back(c.violations[i]);
    }
    consistency["first_violations"] = listed;
    root_["consistency"] = consistency;

    Json cluster;
    add_totals(cluster, c.io);
    const std::int64_t d = c.io.duration_ns;
    cluster["array"] = {{"reads", counts_json(c.array.reads, d)},
                        {"writes", counts_json(c.array.writes, d)},
                        {"destage_writes", counts_json(c.array.destage_writes, d)},
                        {"discards", counts_json(c.array.discards, d)}};
    cluster["network"] = {{"bytes", c.network_bytes},
                          {"mb_per_s", number(per_second(c.network_bytes, d) / 1e6)}};
    cluster["dirty_bytes"] = {{"last", c.dirty_bytes.last}, {"max", c.dirty_bytes.max}};
    cluster["bytes_at_risk"] = {{"last", c.bytes_at_risk.last}, {"max", c.bytes_at_risk.max}};
    root_["cluster"] = cluster;
    root_["vms"] = Json::array();
  }

  void vm(std::size_t /*vm*/, std::string_view name, const Totals& totals) override {
    Json j;
    j["name"] = std::string(name);
    add_totals(j, totals);
    root_["vms"].push_back(j);
  }

  Json take() { return std::move(root_); }

 private:
  std::int64_t interval_ns_;
  Json root_;
};

// CSV fields shared by both files: the request columns of one interval.
constexpr const char* kIoHeader =
    "iops,read_iops,write_iops,mb_per_s,read_mb_per_s,write_mb_per_s,failed,"
    "p50_ms,p95_ms,p99_ms,p999_ms,read_hit_ratio,local_hit_ratio,remote_hit_ratio";

// Per second, 3 decimals; in MB/s (scale 1e6), 6 decimals (bytes per second).
std::string rate(std::uint64_t n, std::int64_t ns, double scale = 1.0) {
  return format::fixed(per_second(n, ns) / scale, scale == 1.0 ? 3 : 6);
}

std::string ms(std::int64_t ns, bool defined) {
  return defined ? format::fixed(static_cast<double>(ns) / 1e6, 6) : "";
}

void append_io(std::string& line, const IntervalIo& io, std::int64_t length_ns) {
  const bool any = io.ios() > 0;
  for (const std::string& field :
       {rate(io.ios(), length_ns), rate(io.reads.ios, length_ns), rate(io.writes.ios, length_ns),
        rate(io.bytes(), length_ns, 1e6), rate(io.reads.bytes, length_ns, 1e6),
        rate(io.writes.bytes, length_ns, 1e6), std::to_string(io.failed), ms(io.p50_ns, any),
        ms(io.p95_ns, any), ms(io.p99_ns, any), ms(io.p999_ns, any),
        format::fixed(io.read_blocks.hit_ratio(), 6),
        format::fixed(io.read_blocks.local_ratio(), 6),
        format::fixed(io.read_blocks.remote_ratio(), 6)}) {
    line += ',';
    line += field;
  }
}

std::string csv_quoted(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class ClusterCsv : public MetricsVisitor {
 public:
  std::string text = std::string("start_s,end_s,") + kIoHeader +
                     ",array_read_iops,array_write_iops,array_destage_iops,array_read_mb_per_s,"
                     "array_write_mb_per_s,network_mb_per_s,dirty_bytes,dirty_bytes_max,"
                     "bytes_at_risk,bytes_at_risk_max\n";

  void interval(const IntervalRow& row) override {
    const std::int64_t len = row.length_ns();
    std::string line = format::seconds(row.start_ns) + "," + format::seconds(row.end_ns);
    append_io(line, row.io, len);
    for (const std::string& field :
         {rate(row.array.reads.ios, len), rate(row.array.writes.ios, len),
          rate(row.array.destage_writes.ios, len), rate(row.array.reads.bytes, len, 1e6),
          rate(row.array.writes.bytes, len, 1e6), rate(row.network_bytes, len, 1e6),
          std::to_string(row.dirty_bytes.last), std::to_string(row.dirty_bytes.max),
          std::to_string(row.bytes_at_risk.last), std::to_string(row.bytes_at_risk.max)}) {
      line += ',';
      line += field;
    }
    text += line + "\n";
  }
};

class VmCsv : public MetricsVisitor {
 public:
  std::string text = std::string("start_s,end_s,vm,vm_name,") + kIoHeader + "\n";

  void vm_interval(const VmIntervalRow& row, std::string_view name) override {
    std::string line = format::seconds(row.start_ns) + "," + format::seconds(row.end_ns) + "," +
                       std::to_string(row.vm) + "," + csv_quoted(name);
    append_io(line, row.io, row.length_ns());
    text += line + "\n";
  }
};

}  // namespace

std::string summary_json(const Metrics& run, const Comparison* comparison) {
  require_finished(run, "summary_json");
  SummaryBuilder builder(run.interval_ns());
  run.visit(builder);
  Json root = builder.take();
  if (comparison != nullptr) root["comparison"] = comparison_json(*comparison);
  return root.dump(2) + "\n";
}

std::string timeseries_csv(const Metrics& run) {
  require_finished(run, "timeseries_csv");
  ClusterCsv csv;
  run.visit(csv);
  return std::move(csv.text);
}

std::string vm_timeseries_csv(const Metrics& run) {
  require_finished(run, "vm_timeseries_csv");
  VmCsv csv;
  run.visit(csv);
  return std::move(csv.text);
}

void write_file_atomically(const std::filesystem::path& file, std::string_view contents) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  auto fail = [&](const std::string& cause) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw std::runtime_error("cannot write " + file.string() + ": " + cause);
  };
  {
    errno = 0;
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      const int error = errno;
      throw std::runtime_error("cannot write " + file.string() + ": cannot create " +
                               temporary.string() +
                               (error != 0 ? std::string(": ") + std::strerror(error) : ""));
    }
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) fail("writing " + temporary.string() + " failed");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  if (ec) fail("cannot replace it with " + temporary.string() + ": " + ec.message());
}

void write_results(const std::filesystem::path& directory, const Metrics& run,
                   const Comparison* comparison) {
  write_file_atomically(directory / "summary.json", summary_json(run, comparison));
  write_file_atomically(directory / "timeseries.csv", timeseries_csv(run));
  write_file_atomically(directory / "timeseries_vms.csv", vm_timeseries_csv(run));
}

}  // namespace flashtwin::sim
