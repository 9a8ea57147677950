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
const char* outage_cause_name(OutageCause cause) {
  switch (cause) {
    case OutageCause::flash_failed:
      return "flash_failed";
    case OutageCause::power_loss:
      return "power_loss";
    case OutageCause::host_isolated:
      return "host_isolated";
    case OutageCause::host_failed:
      break;
  }
  return "host_failed";
}

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

Json network_json(const NetworkBytes& n, std::int64_t duration_ns) {
  Json j;
  j["bytes"] = n.total();
  j["mb_per_s"] = number(per_second(n.total(), duration_ns) / 1e6);
  Json by_purpose;
  for (std::size_t p = 0; p < kNetworkPurposes; ++p) {
    by_purpose[purpose_name(static_cast<NetworkPurpose>(p))] = n.by_purpose[p];
  }
  j["bytes_by_purpose"] = by_purpose;
  return j;
}

Json array_json(const ArrayCounts& a, std::int64_t d) {
  return Json{{"reads", counts_json(a.reads, d)},
              {"writes", counts_json(a.writes, d)},
              {"destage_writes", counts_json(a.destage_writes, d)},
              {"discards", counts_json(a.discards, d)}};
}

Json level_json(const Level& l) {
  return Json{{"last", l.last}, {"max", l.max}};
}

// Means over the window's acknowledged writes (ns); the replica parts over the writes that
// waited for replicas.
Json write_breakdown_json(const WriteBreakdownTotals& b) {
  auto mean = [](std::int64_t sum, std::uint64_t n) {
    return number(n == 0 ? std::nan("") : static_cast<double>(sum) / static_cast<double>(n));
  };
  return Json{{"writes", b.writes},
              {"replicated_writes", b.replicated_writes},
              {"mean_ns",
               {{"total", mean(b.total_ns, b.writes)},
                {"waiting", mean(b.waited_ns, b.writes)},
                {"local_flash", mean(b.local_flash_ns, b.writes)},
                {"network", mean(b.network_ns, b.replicated_writes)},
                {"peer_flash", mean(b.peer_flash_ns, b.replicated_writes)}}}};
}

Json replication_json(const std::vector<VmReplicas>& replicas) {
  Json list = Json::array();
  for (const VmReplicas& r : replicas) {
    list.push_back(Json{{"vm", r.vm},
                        {"replicas", r.asked},
                        {"peers", r.peers},
                        {"write_through", r.write_through()}});
  }
  return list;
}

// A migration's memory copy: bytes 0 when not modelled (start and end are then the event's time).
Json memory_copy_json(const MemoryCopyTotals& copy) {
  return Json{{"bytes", copy.bytes},
              {"start_ns", copy.start_ns},
              {"end_ns", copy.end_ns},
              {"duration_ns", copy.duration_ns()}};
}

// Migrations: VMs and hosts by number here (named once the visitor has seen them), the re-warm
// time null when the VM never got back to the share within the run.
Json migrations_json(const ClusterTotals& c) {
  Json list = Json::array();
  for (const MigrationTotals& m : c.migrations) {
    list.push_back(Json{{"vm", m.vm},
                        {"from", m.from},
                        {"to", m.to},
                        {"at_ns", m.at_ns},
                        {"memory_copy", memory_copy_json(m.memory_copy)},
                        {"local_hit_ratio_before", number(m.local_hit_ratio_before)},
                        {"remote_hit_blocks", m.remote_hit_blocks},
                        {"bytes_pulled", m.bytes_pulled},
                        {"rewarm_share", number(c.rewarm_share)},
                        {"rewarm_ns", m.rewarm_ns ? Json(*m.rewarm_ns) : Json(nullptr)}});
  }
  return list;
}

// Failures (docs/RESULTS.md, "cluster.failures"): null for a run without any.
Json failures_json(const ClusterTotals& c) {
  const FailureTotals& f = c.failures;
  if (!f.any()) return nullptr;
  Json timeline = Json::array();
  for (const TimelineEntry& e : f.timeline) {
    Json entry{{"at_ns", e.at_ns},
               {"event", e.event},
               {"host", e.host.empty() ? Json(nullptr) : Json(e.host)},
               {"vm", e.vm.empty() ? Json(nullptr) : Json(e.vm)},
               {"blocks", e.blocks}};
    if (e.factor) entry["factor"] = number(*e.factor);
    if (!e.link.empty()) entry["link"] = e.link;
    timeline.push_back(std::move(entry));
  }
  Json outages = Json::array();
  for (const OutageTotals& o : f.outages) {
    outages.push_back(Json{
        {"vm", o.vm},
        {"cause", outage_cause_name(o.cause)},
        {"failed_host", o.failed_host},
        {"failed_at_ns", o.failed_ns},
        {"restarted_at_ns", o.restarted_ns >= 0 ? Json(o.restarted_ns) : Json(nullptr)},
        {"restarted_on", o.restarted_on.empty() ? Json(nullptr) : Json(o.restarted_on)},
        {"downtime_ns", o.restarted_ns >= 0 ? Json(o.restarted_ns - o.failed_ns) : Json(nullptr)},
        {"acknowledged_writes_lost", o.writes_lost},
        {"blocks_lost", o.blocks_lost},
        {"bytes_lost", o.bytes_lost}});
  }
  Json under = Json::array();
  for (const auto& [vm, ns] : f.under_protected_ns)
    under.push_back(Json{{"vm", vm}, {"under_protected_ns", ns}});
  return Json{{"timeline", timeline},
              {"outages", outages},
              {"under_protected", under},
              {"underprotected_bytes", level_json(c.underprotected_bytes)},
              {"acknowledged_writes_lost", f.writes_lost},
              {"bytes_lost", f.bytes_lost}};
}

Json host_json(const HostTotals& h) {
  Json j;
  j["name"] = h.name;
  j["flash_bytes"] = h.flash_bytes;
  j["volatile_cache"] = h.volatile_cache;
  j["used_bytes"] = level_json(h.used_bytes);
  j["dirty_bytes"] = level_json(h.dirty_bytes);
  j["replica_bytes"] = level_json(h.replica_bytes);
  j["evictions"] = h.evictions;
  j["flash_reads"] = counts_json(h.flash_reads, h.duration_ns);
  j["flash_writes"] = counts_json(h.flash_writes, h.duration_ns);
  j["flash_latency_ns"] = {{"reads", latency_json(h.flash_read_latency)},
                           {"writes", latency_json(h.flash_write_latency)}};
  j["device_bytes"] = h.device_bytes;
  j["channels"] = h.channels;
  j["write_amplification"] = number(h.write_amplification);
  j["busy_slots"] = number(h.busy_slots());
  j["utilisation"] = number(h.utilisation());
  j["drive_writes_per_day"] = number(h.drive_writes_per_day());
  j["endurance_dwpd"] = number(h.endurance_dwpd > 0 ? h.endurance_dwpd : std::nan(""));
  return j;
}

// Whether the array's backend kept up (models::assess_saturation).
Json saturation_json(const models::ArraySaturation& s) {
  return {{"saturated", s.saturated},
          {"offered_iops", number(s.offered_iops)},
          {"capacity_iops", number(s.capacity_iops)},
          {"utilisation", number(s.utilisation)},
          {"offered_load", number(s.offered_load)}};
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
  j["array_backend"] = {{"baseline", saturation_json(c.baseline_array)},
                        {"with_flash", saturation_json(c.with_flash_array)}};
  j["array_nvram"] = {{"bytes", c.nvram_bytes},
                      {"baseline_used_bytes", level_json(c.baseline_nvram)},
                      {"baseline_writes_waited", c.baseline_nvram_waits},
                      {"with_flash_used_bytes", level_json(c.with_flash_nvram)}};
  return j;
}

class SummaryBuilder : public MetricsVisitor {
 public:
  explicit SummaryBuilder(std::int64_t interval_ns) : interval_ns_(interval_ns) {}

  void cluster(const ClusterTotals& c) override {
    root_["format"] = "flashtwin-summary/2";
    root_["produced_by"] = nullptr;  // filled in by summary_json, kept in this place
    root_["run_end_ns"] = c.window_end_ns + c.drain.duration_ns;
    root_["interval_ns"] = interval_ns_;
    root_["window"] = {{"start_ns", c.window_start_ns},
                       {"end_ns", c.window_end_ns},
                       {"length_ns", c.io.duration_ns}};
    root_["definitions"] = {{"hit_ratio", kHitRatioDefinition},
                            {"offload", kOffloadDefinition},
                            {"network", kNetworkDefinition}};
    Json consistency;
    consistency["verdict"] = c.consistent() ? "consistent" : "violated";
    consistency["violations"] = c.violations.size();
    consistency["acknowledged_writes_lost"] = c.acknowledged_writes_lost;
    consistency["unexplained_writes_lost"] = c.unexplained_writes_lost;
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
    cluster["array"] = array_json(c.array, d);
    cluster["network"] = network_json(c.network, d);
    cluster["array_backend"] = saturation_json(c.array_saturation());
    cluster["nvram_used_bytes"] = level_json(c.nvram_used_bytes);
    cluster["dirty_bytes"] = level_json(c.dirty_bytes);
    cluster["bytes_at_risk"] = level_json(c.bytes_at_risk);
    cluster["write_latency_breakdown"] = write_breakdown_json(c.write_breakdown);
    cluster["replication"] = replication_json(c.replicas);
    cluster["migrations"] = migrations_json(c);
    cluster["failures"] = failures_json(c);
    root_["cluster"] = cluster;
    const std::int64_t drain = c.drain.duration_ns;
    root_["drain"] = {{"duration_ns", drain},
                      {"array", array_json(c.drain.array, drain)},
                      {"network", network_json(c.drain.network, drain)}};
    root_["hosts"] = Json::array();
    root_["vms"] = Json::array();
  }

  void host(std::size_t host, const HostTotals& totals) override {
    root_["hosts"].push_back(host_json(totals));
    for (Json& vm : root_["cluster"]["replication"]) {  // host numbers to names
      for (Json& peer : vm["peers"])
        if (peer.is_number() && peer.get<std::size_t>() == host) peer = totals.name;
    }
    for (Json& move : root_["cluster"]["migrations"]) {
      for (const char* end : {"from", "to"})
        if (move[end].is_number() && move[end].get<std::size_t>() == host) move[end] = totals.name;
    }
  }

  void vm(std::size_t vm, std::string_view name, const Totals& totals) override {
    Json j;
    j["name"] = std::string(name);
    for (Json& replicas : root_["cluster"]["replication"]) {  // VM numbers to names
      if (replicas["vm"].is_number() && replicas["vm"].get<std::size_t>() == vm)
        replicas["vm"] = std::string(name);
    }
    for (Json& move : root_["cluster"]["migrations"]) {
      if (move["vm"].is_number() && move["vm"].get<std::size_t>() == vm)
        move["vm"] = std::string(name);
    }
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

// The network's rate by purpose, after the other columns: network_array_read_mb_per_s, ...
std::string network_header() {
  std::string header;
  for (std::size_t p = 0; p < kNetworkPurposes; ++p)
    header += std::string(",network_") + purpose_name(static_cast<NetworkPurpose>(p)) + "_mb_per_s";
  return header;
}

class ClusterCsv : public MetricsVisitor {
 public:
  std::string text = std::string("start_s,end_s,") + kIoHeader +
                     ",array_read_iops,array_write_iops,array_destage_iops,array_read_mb_per_s,"
                     "array_write_mb_per_s,network_mb_per_s,dirty_bytes,dirty_bytes_max,"
                     "bytes_at_risk,bytes_at_risk_max,nvram_used_bytes,nvram_used_bytes_max,"
                     "underprotected_bytes,underprotected_bytes_max,array_requests_on_hold,"
                     "array_requests_on_hold_max,array_utilisation" +
                     network_header() + "\n";

  void interval(const IntervalRow& row) override {
    const std::int64_t len = row.length_ns();
    std::string line = format::seconds(row.start_ns) + "," + format::seconds(row.end_ns);
    append_io(line, row.io, len);
    for (const std::string& field :
         {rate(row.array.reads.ios, len), rate(row.array.writes.ios, len),
          rate(row.array.destage_writes.ios, len), rate(row.array.reads.bytes, len, 1e6),
          rate(row.array.writes.bytes, len, 1e6), rate(row.network.total(), len, 1e6),
          std::to_string(row.dirty_bytes.last), std::to_string(row.dirty_bytes.max),
          std::to_string(row.bytes_at_risk.last), std::to_string(row.bytes_at_risk.max),
          std::to_string(row.nvram_used_bytes.last), std::to_string(row.nvram_used_bytes.max),
          std::to_string(row.underprotected_bytes.last),
          std::to_string(row.underprotected_bytes.max),
          std::to_string(row.array_requests_on_hold.last),
          std::to_string(row.array_requests_on_hold.max),
          std::isnan(row.array_utilisation()) ? std::string()
                                              : format::fixed(row.array_utilisation(), 6)}) {
      line += ',';
      line += field;
    }
    for (std::uint64_t bytes : row.network.by_purpose) {
      line += ',';
      line += rate(bytes, len, 1e6);
    }
    text += line + "\n";
  }
};

class VmCsv : public MetricsVisitor {
 public:
  std::string text = std::string("start_s,end_s,vm,vm_name,") + kIoHeader + "\n";

  void vm_interval(const VmIntervalRow& row, std::string_view name) override {
    std::string line = format::seconds(row.start_ns) + "," + format::seconds(row.end_ns) + "," +
                       std::to_string(row.vm) + "," + format::csv_quoted(name);
    append_io(line, row.io, row.length_ns());
    text += line + "\n";
  }
};

class HostCsv : public MetricsVisitor {
 public:
  std::string text =
      "start_s,end_s,host,host_name,used_bytes,used_bytes_max,dirty_bytes,dirty_bytes_max,"
      "replica_bytes,replica_bytes_max\n";

  void host_interval(const HostIntervalRow& row, std::string_view name) override {
    std::string line = format::seconds(row.start_ns) + "," + format::seconds(row.end_ns) + "," +
                       std::to_string(row.host) + "," + format::csv_quoted(name);
    for (const Level& level : {row.used_bytes, row.dirty_bytes, row.replica_bytes}) {
      line += ',';
      line += std::to_string(level.last);
      line += ',';
      line += std::to_string(level.max);
    }
    text += line + "\n";
  }
};

}  // namespace

std::string summary_json(const Metrics& run, const Comparison* comparison,
                         const Provenance* provenance) {
  require_finished(run, "summary_json");
  SummaryBuilder builder(run.interval_ns());
  run.visit(builder);
  Json root = builder.take();
  if (provenance != nullptr) {
    Json scenario;
    try {
      scenario = Json::parse(provenance->scenario_json);
    } catch (const nlohmann::json::parse_error& e) {
      throw std::invalid_argument(std::string("summary_json: the provenance's scenario is not "
                                              "JSON: ") +
                                  e.what());
    }
    root["produced_by"] = {{"program", provenance->program_version},
                           {"seed", provenance->seed},
                           {"overrides", provenance->overrides},
                           {"scenario", std::move(scenario)}};
  } else {
    root.erase("produced_by");
  }
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

std::string host_timeseries_csv(const Metrics& run) {
  require_finished(run, "host_timeseries_csv");
  HostCsv csv;
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

std::string latency_cdf_csv(const Metrics& run, const Metrics* baseline) {
  require_finished(run, "latency_cdf_csv");
  if (baseline != nullptr) require_finished(*baseline, "latency_cdf_csv");
  std::vector<double> percentiles;
  for (int p = 0; p <= 99; ++p)
    percentiles.push_back(p);
  for (int t = 1; t <= 9; ++t)
    percentiles.push_back(99 + t / 10.0);
  for (int h = 1; h <= 9; ++h)
    percentiles.push_back(99.9 + h / 100.0);
  percentiles.push_back(100);
  auto at = [](const LatencyHistogram* h, double q) {
    if (h == nullptr || h->empty()) return std::string();
    return ms(q == 0 ? h->min() : h->percentile(q), true);
  };
  const Totals& io = run.cluster().io;
  const Totals* base = baseline != nullptr ? &baseline->cluster().io : nullptr;
  std::string text = "percentile,read_ms,write_ms,baseline_read_ms,baseline_write_ms\n";
  for (const double q : percentiles) {
    text += format::fixed(q, 2) + "," + at(&io.read_latency, q) + "," + at(&io.write_latency, q) +
            "," + at(base ? &base->read_latency : nullptr, q) + "," +
            at(base ? &base->write_latency : nullptr, q) + "\n";
  }
  return text;
}

void write_results(const std::filesystem::path& directory, const Metrics& run,
                   const Comparison* comparison, const Provenance* provenance,
                   const Metrics* baseline) {
  write_file_atomically(directory / "summary.json", summary_json(run, comparison, provenance));
  write_file_atomically(directory / "timeseries.csv", timeseries_csv(run));
  write_file_atomically(directory / "timeseries_vms.csv", vm_timeseries_csv(run));
  write_file_atomically(directory / "timeseries_hosts.csv", host_timeseries_csv(run));
  write_file_atomically(directory / "latency_cdf.csv", latency_cdf_csv(run, baseline));
  const std::filesystem::path baseline_file = directory / "timeseries_baseline.csv";
  if (baseline != nullptr) {
    write_file_atomically(baseline_file, timeseries_csv(*baseline));
  } else {
    std::error_code ignored;  // an earlier run's baseline in this folder is not this run's
    std::filesystem::remove(baseline_file, ignored);
  }
}

}  // namespace flashtwin::sim
