// The terminal summary of a run (report.hpp): at most 100 columns wide.
#include "flashtwin/sim/report.hpp"

#include "number_format.hpp"

#include <cmath>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kViolationsShown = 5;

// A number with `decimals` decimals, "-" when undefined.
std::string num(double value, int decimals) {
  const std::string text = format::fixed(value, decimals);
  return text.empty() ? "-" : text;
}
std::string ms(double ns, bool defined = true) {
  return defined ? num(ns / 1e6, 3) : "-";
}
std::string percent(double share) {
  return num(share * 100, 1);
}

std::string cut(std::string line) {
  if (line.size() > kWidth) line.resize(kWidth);
  return line + "\n";
}

class TableBuilder : public MetricsVisitor {
 public:
  std::string text;

  void cluster(const ClusterTotals& c) override {
    cluster_ = &c;
    using format::pad_left;
    text += format::pad_right("VM", 18) + pad_left("IOPS", 10) + pad_left("MB/s", 9) +
            pad_left("p50 ms", 9) + pad_left("p95 ms", 9) + pad_left("p99 ms", 9) +
            pad_left("p99.9 ms", 9) + pad_left("hit %", 8) + pad_left("local %", 8) +
            pad_left("remote %", 9) + "\n";
  }

  void vm(std::size_t /*vm*/, std::string_view name, const Totals& totals) override {
    text += row(std::string(name), totals);
  }

  void finish_vms() {
    text += std::string(98, '-') + "\n";
    text += row("cluster", cluster_->io);
    text +=
        "latencies of reads and writes; hit %: read blocks served from flash (local + remote)\n";
  }

 private:
  static std::string row(const std::string& name, const Totals& t) {
    using format::pad_left;
    const LatencyHistogram& h = t.latency;
    const bool any = !h.empty();
    auto p = [&](double q) { return ms(static_cast<double>(h.percentile(q)), any); };
    return format::pad_right(name, 18) + pad_left(num(t.iops(), 1), 10) +
           pad_left(num(t.mb_per_s(), 1), 9) + pad_left(p(50), 9) + pad_left(p(95), 9) +
           pad_left(p(99), 9) + pad_left(p(99.9), 9) +
           pad_left(percent(t.read_blocks.hit_ratio()), 8) +
           pad_left(percent(t.read_blocks.local_ratio()), 8) +
           pad_left(percent(t.read_blocks.remote_ratio()), 9) + "\n";
  }

  const ClusterTotals* cluster_ = nullptr;
};

std::string array_section(const ClusterTotals& c) {
  const std::int64_t d = c.io.duration_ns;
  auto line = [&](const char* label, const KindCounts& k) {
    return format::pad_right(label, 16) + format::pad_left(num(per_second(k.ios, d), 1), 12) +
           " IOPS" + format::pad_left(num(per_second(k.bytes, d) / 1e6, 3), 12) + " MB/s";
  };
  std::string text = "\n";
  text += cut(line("array reads", c.array.reads));
  text += cut(line("array writes", c.array.writes) + "   (destage " +
              num(per_second(c.array.destage_writes.ios, d), 1) + " IOPS)");
  text += cut(format::pad_right("network", 16) + std::string(17, ' ') +
              format::pad_left(num(per_second(c.network_bytes, d) / 1e6, 3), 12) + " MB/s");
  text +=
      cut(format::pad_right("dirty data", 16) + "last " + format::bytes_iec(c.dirty_bytes.last) +
          ", max " + format::bytes_iec(c.dirty_bytes.max));
  text += cut(format::pad_right("data at risk", 16) + "last " +
              format::bytes_iec(c.bytes_at_risk.last) + ", max " +
              format::bytes_iec(c.bytes_at_risk.max));
  return text;
}

std::string comparison_section(const Comparison& c) {
  using format::pad_left;
  const LatencyComparison& a = c.all;
  const LatencyGain* gains[] = {&a.mean, &a.p50, &a.p95, &a.p99, &a.p999};
  std::string text = "\n" + format::pad_right("vs baseline without flash", 26);
  for (const char* h : {"mean ms", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms"}) {
    text += pad_left(h, 10);
  }
  text += "\n";
  const bool defined = !std::isnan(a.mean.gain);
  std::string baseline = format::pad_right("  baseline", 26);
  std::string with_flash = format::pad_right("  with flash", 26);
  std::string gain = format::pad_right("  gain (x)", 26);
  for (const LatencyGain* g : gains) {
    baseline += pad_left(ms(g->baseline_ns, defined), 10);
    with_flash += pad_left(ms(g->with_flash_ns, defined), 10);
    gain += pad_left(num(g->gain, 2), 10);
  }
  text += baseline + "\n" + with_flash + "\n" + gain + "\n";
  text += cut("array offload: reads " + percent(c.read_offload) + " %, writes " +
              percent(c.write_offload) + " %, bytes " + percent(c.byte_offload) + " %");
  text += cut("array read share of I/Os: baseline " + percent(c.baseline_mix.read_io_share) +
              " %, with flash " + percent(c.with_flash_mix.read_io_share) + " %");
  return text;
}

std::string consistency_section(const ClusterTotals& c) {
  std::string text = "\n";
  if (c.consistent()) {
    text += "consistency: OK (no violation, no acknowledged write lost)\n";
    if (c.reads_failed > 0) {
      text += cut("  " + std::to_string(c.reads_failed) +
                  " reads failed with a reported error (data known lost; not violations)");
    }
    return text;
  }
  text += cut("consistency: FAILED (" + std::to_string(c.violations.size()) + " violations, " +
              std::to_string(c.acknowledged_writes_lost) + " acknowledged writes lost)");
  for (std::size_t i = 0; i < c.violations.size() && i < kViolationsShown; ++i) {
    text += cut("  - " + c.violations[i]);
  }
  if (c.violations.size() > kViolationsShown) {
    text += "  ... and " + std::to_string(c.violations.size() - kViolationsShown) + " more\n";
  }
  if (c.reads_failed > 0) {
    text += cut("  " + std::to_string(c.reads_failed) +
                " reads failed with a reported error (data known lost; not violations)");
  }
  return text;
}

}  // namespace

std::string summary_table(const Metrics& run, const Comparison* comparison) {
  if (!run.finished()) {
    throw std::invalid_argument("summary_table: the run is not finished (Metrics::finish)");
  }
  const ClusterTotals& c = run.cluster();
  std::string text = cut("flashtwin run: " + std::to_string(run.vm_count()) + " VMs, " +
                         format::fixed(static_cast<double>(c.io.duration_ns) / 1e9, 3) +
                         " s simulated, intervals of " +
                         format::fixed(static_cast<double>(run.interval_ns()) / 1e9, 3) + " s") +
                     "\n";
  TableBuilder table;
  run.visit(table);
  table.finish_vms();
  text += table.text;
  text += array_section(c);
  if (comparison != nullptr) text += comparison_section(*comparison);
  text += consistency_section(c);
  return text;
}

}  // namespace flashtwin::sim
