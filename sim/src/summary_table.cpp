// The terminal summary of a run (report.hpp): at most 100 columns wide.
#include "flashtwin/sim/report.hpp"

#include "number_format.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace flashtwin::sim {

namespace {

constexpr std::size_t kWidth = 100;
constexpr std::size_t kViolationsShown = 5;

// A number with `decimals` decimals, "-" when undefined. With a `column` width, fewer decimals
// (then a power of ten: "2.62e+05") so that it keeps a space before it in the column: an
// overloaded baseline's latencies of minutes must not run into their neighbours.
std::string num(double value, int decimals, std::size_t column = 0) {
  std::string text = format::fixed(value, decimals);
  if (text.empty()) return "-";
  while (column > 0 && text.size() >= column && decimals > 0)
    text = format::fixed(value, --decimals);
  if (column > 0 && text.size() >= column) text = format::scientific(value, 2);
  return text;
}
std::string ms(double ns, bool defined = true, std::size_t column = 0) {
  return defined ? num(ns / 1e6, 3, column) : "-";
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

  void host(std::size_t /*host*/, const HostTotals& totals) override { hosts.push_back(&totals); }

  void finish_vms() {
    text += std::string(98, '-') + "\n";
    text += row("cluster", cluster_->io);
    text += "latencies of reads and writes; " +
            std::string(kHitRatioDefinition).replace(0, 9, "hit %") + "\n";
  }

  std::vector<const HostTotals*> hosts;

 private:
  static std::string row(const std::string& name, const Totals& t) {
    using format::pad_left;
    const LatencyHistogram& h = t.latency;
    const bool any = !h.empty();
    auto p = [&](double q) { return ms(static_cast<double>(h.percentile(q)), any, 9); };
    return format::pad_right(name, 18) + pad_left(num(t.iops(), 1, 10), 10) +
           pad_left(num(t.mb_per_s(), 1, 9), 9) + pad_left(p(50), 9) + pad_left(p(95), 9) +
           pad_left(p(99), 9) + pad_left(p(99.9), 9) +
           pad_left(percent(t.read_blocks.hit_ratio()), 8) +
           pad_left(percent(t.read_blocks.local_ratio()), 8) +
           pad_left(percent(t.read_blocks.remote_ratio()), 9) + "\n";
  }

  const ClusterTotals* cluster_ = nullptr;
};

// One line per host with flash: the flash tier over the window.
std::string host_section(const std::vector<const HostTotals*>& hosts) {
  using format::pad_left;
  std::string text = "\n" + format::pad_right("host", 10) + pad_left("used", 11) +
                     pad_left("dirty max", 11) + pad_left("evictions", 11) + pad_left("in svc", 8) +
                     pad_left("util %", 8) + pad_left("rd p99 ms", 10) + pad_left("wr p99 ms", 10) +
                     pad_left("DWPD", 9) + pad_left("rated", 7) + "\n";
  bool any = false;
  for (const HostTotals* h : hosts) {
    if (h->flash_bytes == 0) continue;
    any = true;
    auto p99 = [](const LatencyHistogram& l) {
      return ms(static_cast<double>(l.percentile(99)), !l.empty());
    };
    text += cut(
        format::pad_right(h->name, 10) + pad_left(format::bytes_iec(h->used_bytes.last), 11) +
        pad_left(format::bytes_iec(h->dirty_bytes.max), 11) +
        pad_left(std::to_string(h->evictions), 11) + pad_left(num(h->busy_slots(), 3), 8) +
        pad_left(percent(h->utilisation()), 8) + pad_left(p99(h->flash_read_latency), 10) +
        pad_left(p99(h->flash_write_latency), 10) + pad_left(num(h->drive_writes_per_day(), 3), 9) +
        pad_left(h->endurance_dwpd > 0 ? num(h->endurance_dwpd, 1) : "-", 7));
  }
  if (!any) return "";
  return text +
         "in svc: mean I/Os on the device; util %: share of its channels' time busy; DWPD: host\n"
         "writes x write amplification per day, in device capacities; rated: the device's DWPD\n";
}

// One or two lines, each ending in a newline.
std::string network_lines(const NetworkBytes& n, std::int64_t d) {
  std::string text = format::pad_right("network", 16) + std::string(17, ' ') +
                     format::pad_left(num(per_second(n.total(), d) / 1e6, 3), 12) + " MB/s";
  std::string parts;
  for (std::size_t p = 0; p < kNetworkPurposes; ++p) {
    if (n.by_purpose[p] == 0) continue;
    parts += std::string(parts.empty() ? "" : ", ") + purpose_name(static_cast<NetworkPurpose>(p)) +
             " " + num(per_second(n.by_purpose[p], d) / 1e6, 1);
  }
  if (parts.empty()) return cut(text);
  // The breakdown by purpose goes on the line if it fits, else on its own line under it.
  const std::string breakdown = "(" + parts + ")";
  if (text.size() + 3 + breakdown.size() <= kWidth) return cut(text + "   " + breakdown);
  return cut(text) + cut(std::string(16, ' ') + breakdown);
}

// Whether the array's backend kept up: its busy share, the I/Os offered and what it could serve.
std::string backend_line(const char* label, const models::ArraySaturation& s) {
  std::string text = cut(format::pad_right(label, 16) + "busy " + percent(s.utilisation) +
                         " %, offered " + num(s.offered_iops, 1) + " IOPS, capacity " +
                         num(s.capacity_iops, 1) + " IOPS at this mix");
  if (s.saturated) {
    text += cut(std::string(16, ' ') +
                "SATURATED: the array limits throughput; its queue sets "
                "the latency");
  }
  return text;
}

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
  text += backend_line("array backend", c.array_saturation());
  text += cut(format::pad_right("array NVRAM", 16) + "last " +
              format::bytes_iec(c.nvram_used_bytes.last) + ", max " +
              format::bytes_iec(c.nvram_used_bytes.max));
  text += network_lines(c.network, d);
  text +=
      cut(format::pad_right("dirty data", 16) + "last " + format::bytes_iec(c.dirty_bytes.last) +
          ", max " + format::bytes_iec(c.dirty_bytes.max));
  text += cut(format::pad_right("data at risk", 16) + "last " +
              format::bytes_iec(c.bytes_at_risk.last) + ", max " +
              format::bytes_iec(c.bytes_at_risk.max));
  const std::string drain = format::pad_right("final drain", 16) +
                            format::fixed(static_cast<double>(c.drain.duration_ns) / 1e9, 3) +
                            " s after the workload, " +
                            std::to_string(c.drain.array.destage_writes.ios) + " destage writes (" +
                            format::bytes_iec(c.drain.array.destage_writes.bytes) + ")";
  const std::string apart = "not in the rates above";
  if (drain.size() + 2 + apart.size() <= kWidth) return text + cut(drain + ", " + apart);
  return text + cut(drain + ",") + cut(std::string(16, ' ') + apart);
}

// Only for runs with replicas: where each VM's copies went, where a write's time went, and the
// flash each host holds for its peers.
std::string replication_section(const Metrics& run) {
  const ClusterTotals& c = run.cluster();
  if (c.replicas.empty()) return "";
  std::string text = "\n";
  const char* label = "replicas";
  bool in_ram = false;  // a peer caches in RAM
  for (const VmReplicas& r : c.replicas) {
    std::string line = format::pad_right(label, 16) + run.vm_name(r.vm) + ": ";
    if (r.write_through()) {
      line += "WRITE-THROUGH, " + std::to_string(r.peers.size()) + " of " +
              std::to_string(r.asked) + " peers outside its fault domain";
    } else {
      for (std::size_t p = 0; p < r.peers.size(); ++p) {
        const HostTotals& peer = run.host(r.peers[p]);
        line += (p == 0 ? "" : ", ") + peer.name + (peer.volatile_cache ? " (RAM)" : "");
        in_ram = in_ram || peer.volatile_cache;
      }
    }
    text += cut(line);
    label = "";
  }
  if (in_ram) {
    text += cut(std::string(16, ' ') +
                "(RAM): a copy in RAM survives a host failure, not a power loss of the cluster");
  }
  const WriteBreakdownTotals& b = c.write_breakdown;
  auto mean_ms = [](std::int64_t sum, std::uint64_t n) {
    return ms(n == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(n), n > 0);
  };
  text += cut(format::pad_right("write time", 16) + "mean " + mean_ms(b.total_ns, b.writes) +
              " ms: waiting " + mean_ms(b.waited_ns, b.writes) + ", local flash " +
              mean_ms(b.local_flash_ns, b.writes));
  text += cut(std::string(16, ' ') + std::to_string(b.replicated_writes) +
              " replicated writes: network " + mean_ms(b.network_ns, b.replicated_writes) +
              " ms, peer flash " + mean_ms(b.peer_flash_ns, b.replicated_writes) + " ms (mean)");
  std::string space = format::pad_right("replica space", 16);
  for (std::size_t h = 0; h < run.host_count(); ++h) {
    if (run.host(h).flash_bytes == 0) continue;
    space += run.host(h).name + " max " + format::bytes_iec(run.host(h).replica_bytes.max) + ", ";
  }
  space.resize(space.size() - 2);  // the last ", "
  text += cut(space);
  return text;
}

// "memory copy 1.00 GiB 1.000 -> 1.859 s (0.859 s), switch-over 0.002 s later".
std::string memory_copy_words(const MigrationTotals& m) {
  const MemoryCopyTotals& copy = m.memory_copy;
  auto seconds = [](std::int64_t ns) { return num(static_cast<double>(ns) / 1e9, 3); };
  return "memory copy " + format::bytes_iec(copy.bytes) + " " + seconds(copy.start_ns) + " -> " +
         seconds(copy.end_ns) + " s (" + seconds(copy.duration_ns()) + " s), switch-over " +
         seconds(m.at_ns - copy.end_ns) + " s later";
}

// Only for runs with migrations: each one's memory copy (when modelled), remote hits, bytes pulled
// and re-warm time.
std::string migration_section(const Metrics& run) {
  const ClusterTotals& c = run.cluster();
  if (c.migrations.empty()) return "";
  std::string text = "\n";
  const char* label = "migrations";
  for (const MigrationTotals& m : c.migrations) {
    const bool before = m.local_hit_ratio_before == m.local_hit_ratio_before;  // not NaN
    std::string rewarm = "not re-warmed within the run";
    if (m.rewarm_ns)
      rewarm = "re-warmed in " + num(static_cast<double>(*m.rewarm_ns) / 1e9, 3) + " s";
    text += cut(format::pad_right(label, 16) + run.vm_name(m.vm) + " " + run.host(m.from).name +
                " -> " + run.host(m.to).name + " at " + num(static_cast<double>(m.at_ns) / 1e9, 3) +
                " s: local hits before " +
                (before ? percent(m.local_hit_ratio_before) + " %" : std::string("-")));
    if (m.memory_copy.bytes > 0) text += cut(std::string(16, ' ') + memory_copy_words(m));
    text +=
        cut(std::string(16, ' ') + std::to_string(m.remote_hit_blocks) + " remote hit blocks (" +
            format::bytes_iec(m.bytes_pulled) + " pulled from the old host)");
    text += cut(std::string(16, ' ') + rewarm + " (to " + percent(c.rewarm_share) +
                " % of the local hits before)");
    label = "";
  }
  return text;
}

// The array's slowdowns and outages, each from its event to the array_restored after it, and the
// host requests outages held. `label` is cleared once a line is written.
std::string array_event_lines(const ClusterTotals& c, const char*& label) {
  const std::vector<TimelineEntry>& timeline = c.failures.timeline;
  auto s = [](std::int64_t ns) { return num(static_cast<double>(ns) / 1e9, 3); };
  std::string text;
  bool outage = false;
  for (auto it = timeline.begin(); it != timeline.end(); ++it) {
    if (it->event != "array_slowed" && it->event != "array_outage") continue;
    const auto end = std::find_if(
        it + 1, timeline.end(), [](const TimelineEntry& e) { return e.event == "array_restored"; });
    const bool out = it->event == "array_outage";
    outage = outage || out;
    std::string line =
        out ? "array outage at " : "array slowed x" + num(it->factor.value_or(1), 1) + " at ";
    line += s(it->at_ns) + " s; ";
    line += end == timeline.end()
                ? std::string("not restored within the run")
                : "restored at " + s(end->at_ns) + " s (" + (out ? "down " : "for ") +
                      s(end->at_ns - it->at_ns) + " s)";
    text += cut(format::pad_right(label, 16) + line);
    label = "";
  }
  if (outage && c.array_last) {
    text += cut(std::string(16, ' ') + std::to_string(c.array_last->second.requests_held) +
                " host requests held by the array's outages (served once it came back)");
  }
  return text;
}

// Each cut link, from its link_cut to its link_restored, each host fenced for isolation, and each
// crashed host repaired. `label` is cleared once a line is written.
std::string host_event_lines(const ClusterTotals& c, const char*& label) {
  const std::vector<TimelineEntry>& timeline = c.failures.timeline;
  auto s = [](std::int64_t ns) { return num(static_cast<double>(ns) / 1e9, 3); };
  std::string text;
  for (auto it = timeline.begin(); it != timeline.end(); ++it) {
    std::string line;
    if (it->event == "link_cut") {
      const auto end = std::find_if(it + 1, timeline.end(), [&](const TimelineEntry& e) {
        return e.event == "link_restored" && e.link == it->link;
      });
      line = "link " + it->link + " cut at " + s(it->at_ns) + " s; " +
             (end == timeline.end() ? std::string("not restored within the run")
                                    : "restored at " + s(end->at_ns) + " s");
    } else if (it->event == "host_isolated") {
      line = "host " + it->host + " isolated from the array: fenced at " + s(it->at_ns) + " s";
    } else if (it->event == "host_repaired") {
      const auto back = std::find_if(it + 1, timeline.end(), [&](const TimelineEntry& e) {
        return e.event == "host_rejoined" && e.host == it->host;
      });
      line = "host " + it->host + " repaired at " + s(it->at_ns) + " s; " +
             (back == timeline.end() ? std::string("not back within the run")
                                     : "a member again (empty) at " + s(back->at_ns) + " s");
    } else {
      continue;
    }
    text += cut(format::pad_right(label, 16) + line);
    label = "";
  }
  return text;
}

// Only for runs with failures: each VM outage and what it lost, time under-protected, and the
// timeline's length (the events are in summary.json).
std::string failure_section(const ClusterTotals& c) {
  const FailureTotals& f = c.failures;
  if (!f.any()) return "";
  auto s = [](std::int64_t ns) { return num(static_cast<double>(ns) / 1e9, 3); };
  std::string text = "\n";
  const char* label = "failures";
  for (const OutageTotals& o : f.outages) {
    const std::string restart = o.restarted_ns >= 0 ? "restarted on " + o.restarted_on + " at " +
                                                          s(o.restarted_ns) + " s (down " +
                                                          s(o.restarted_ns - o.failed_ns) + " s)"
                                                    : std::string("not restarted within the run");
    const bool flash_only = o.cause == OutageCause::flash_failed;
    const std::string what =
        flash_only                              ? "flash of " + o.failed_host + " failed at "
        : o.cause == OutageCause::power_loss    ? "power of " + o.failed_host + " lost at "
        : o.cause == OutageCause::host_isolated ? "host " + o.failed_host + " isolated, fenced at "
                                                : "host " + o.failed_host + " failed at ";
    text += cut(format::pad_right(label, 16) + o.vm + ": " + what + s(o.failed_ns) + " s; " +
                (flash_only && o.restarted_ns >= 0
                     ? "uncached from " + s(o.restarted_ns) + " s (stalled " +
                           s(o.restarted_ns - o.failed_ns) + " s)"
                     : restart));
    text +=
        cut(std::string(16, ' ') + std::to_string(o.writes_lost) + " acknowledged writes lost (" +
            std::to_string(o.blocks_lost) + " blocks, " + format::bytes_iec(o.bytes_lost) + ")");
    label = "";
  }
  for (const auto& [vm, ns] : f.under_protected_ns) {
    text += cut(format::pad_right(label, 16) + vm + ": under-protected for " + s(ns) +
                " s (dirty data with fewer copies than asked)");
    label = "";
  }
  text += array_event_lines(c, label);
  text += host_event_lines(c, label);
  text += cut(format::pad_right(label, 16) + "under-protected max " +
              format::bytes_iec(c.underprotected_bytes.max) +
              "; lost: " + std::to_string(f.writes_lost) + " acknowledged writes, " +
              format::bytes_iec(f.bytes_lost));
  text += cut(std::string(16, ' ') + "timeline: summary.json cluster.failures (" +
              std::to_string(f.timeline.size()) + " events)");
  return text;
}

std::string comparison_section(const Comparison& c) {
  using format::pad_left;
  std::string text = "\n" + format::pad_right("vs baseline without flash", 26);
  for (const char* h : {"mean ms", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms"}) {
    text += pad_left(h, 10);
  }
  text += "\n";
  // Reads and writes apart: mixed, a few fast writes would hide what reads gain.
  for (const auto& [label, l] : {std::pair{"reads", &c.reads}, std::pair{"writes", &c.writes}}) {
    const LatencyGain* gains[] = {&l->mean, &l->p50, &l->p95, &l->p99, &l->p999};
    const bool defined = !std::isnan(l->mean.gain);
    std::string baseline = format::pad_right(std::string("  ") + label + " baseline", 26);
    std::string with_flash = format::pad_right(std::string("  ") + label + " with flash", 26);
    std::string gain = format::pad_right(std::string("  ") + label + " gain (x)", 26);
    for (const LatencyGain* g : gains) {
      baseline += pad_left(ms(g->baseline_ns, defined, 10), 10);
      with_flash += pad_left(ms(g->with_flash_ns, defined, 10), 10);
      gain += pad_left(num(g->gain, 2, 10), 10);
    }
    text += baseline + "\n" + with_flash + "\n" + gain + "\n";
  }
  text += cut("array offload: reads " + percent(c.read_offload) + " %, writes " +
              percent(c.write_offload) + " %, bytes " + percent(c.byte_offload) + " %");
  text += cut("array read share of I/Os: baseline " + percent(c.baseline_mix.read_io_share) +
              " %, with flash " + percent(c.with_flash_mix.read_io_share) + " %");
  text += backend_line("baseline array", c.baseline_array);
  if (c.nvram_bytes > 0) {
    text +=
        cut(format::pad_right("baseline NVRAM", 16) + "last " +
            format::bytes_iec(c.baseline_nvram.last) + ", max " +
            format::bytes_iec(c.baseline_nvram.max) + " of " + format::bytes_iec(c.nvram_bytes) +
            (c.baseline_nvram_waits > 0
                 ? "; " + std::to_string(c.baseline_nvram_waits) + " writes found it full"
                 : ""));
  }
  return text;
}

// Reads that failed with an error (the array out of reach, or data the engine knows it lost):
// reported, not violations.
std::string reads_failed_line(const ClusterTotals& c) {
  if (c.reads_failed == 0) return "";
  return cut("  " + std::to_string(c.reads_failed) +
             " reads failed with a reported error (the array out of reach or data known lost; "
             "not violations)");
}

std::string consistency_section(const ClusterTotals& c) {
  std::string text = "\n";
  if (c.consistent()) {
    text +=
        c.acknowledged_writes_lost == 0
            ? "consistency: OK (no violation, no acknowledged write lost)\n"
            : cut("consistency: OK (no violation; " + std::to_string(c.acknowledged_writes_lost) +
                  " acknowledged writes lost to failures, counted above)");
    text += reads_failed_line(c);
    return text;
  }
  text += cut("consistency: FAILED (" + std::to_string(c.violations.size()) + " violations, " +
              std::to_string(c.unexplained_writes_lost) +
              " acknowledged writes lost with no failure to explain them)");
  for (std::size_t i = 0; i < c.violations.size() && i < kViolationsShown; ++i) {
    text += cut("  - " + c.violations[i]);
  }
  if (c.violations.size() > kViolationsShown) {
    text += "  ... and " + std::to_string(c.violations.size() - kViolationsShown) + " more\n";
  }
  text += reads_failed_line(c);
  return text;
}

}  // namespace

std::string summary_table(const Metrics& run, const Comparison* comparison) {
  if (!run.finished()) {
    throw std::invalid_argument("summary_table: the run is not finished (Metrics::finish)");
  }
  const ClusterTotals& c = run.cluster();
  auto s = [](std::int64_t ns) { return format::fixed(static_cast<double>(ns) / 1e9, 3); };
  std::string text =
      cut("flashtwin run: " + std::to_string(run.vm_count()) + " VMs; measured (" +
          s(c.window_start_ns) + ", " + s(c.window_end_ns) + "] s = " + s(c.io.duration_ns) +
          " s, warm-up excluded; intervals of " + s(run.interval_ns()) + " s") +
      "\n";
  TableBuilder table;
  run.visit(table);
  table.finish_vms();
  text += table.text;
  text += host_section(table.hosts);
  text += array_section(c);
  text += replication_section(run);
  text += migration_section(run);
  text += failure_section(c);
  if (comparison != nullptr) text += comparison_section(*comparison);
  text += "\n" + cut(kOffloadDefinition) + cut(kNetworkDefinition);
  text += consistency_section(c);
  return text;
}

}  // namespace flashtwin::sim
