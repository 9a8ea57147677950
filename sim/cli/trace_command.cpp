#include "trace_command.hpp"

#include "byte_size.hpp"
#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/csv_trace_reader.hpp"
#include "flashtwin/models/msr_trace_reader.hpp"
#include "flashtwin/models/vscsi_reader.hpp"
#include "flashtwin/sim/block_map.hpp"
#include "flashtwin/sim/trace_source.hpp"
#include "flashtwin/sim/working_set.hpp"
#include "trace_convert_command.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::cli {

namespace {

struct TraceArguments {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string device;
  bool json = false;
  bool lenient = false;
  bool issue_events = false;
  double window_s = 60;  // working set windows
};

struct TraceStats {
  std::string file;
  std::string description;
  std::array<std::uint64_t, 4> requests{};  // by IoKind: read, write, flush, discard
  std::array<std::uint64_t, 4> bytes{};
  std::map<std::uint64_t, std::uint64_t> sizes;         // power-of-two upper bound -> requests
  std::uint64_t footprint_blocks = 0;                   // distinct 4 KiB blocks read or written
  std::unique_ptr<sim::WorkingSetWindows> working_set;  // per device, in order of appearance
  std::vector<std::uint32_t> devices;                   // [disk - 1]: the trace's device
  std::int64_t last_ns = 0;
  // Requests issued in each second that has any: sparse, so a trace whose timestamps jump by
  // years (a corrupt or fuzzed record) costs one entry, not one per second of the span.
  std::map<std::uint64_t, std::uint64_t> per_second;
  bool has_completions = false;  // blktrace (C events) or MSR (response times): latencies
  const char* latency_source = "observed Q to C";
  std::vector<std::int64_t> latencies_ns;  // observed latencies of the paired requests, sorted
  // Requests whose latency is unknown: no C event paired with them (blktrace). They are left out
  // of the percentiles, never counted as 0, and reported apart.
  std::uint64_t unpaired = 0;
  std::uint64_t unpaired_overflow = 0;   // of those, released because too many were held
  std::uint64_t unpaired_ambiguous = 0;  // of those, with one C for several outstanding at once
  std::map<std::string, std::uint64_t> anomalies;  // what the reader skipped or found missing
  std::vector<unsigned> missing_cpus;              // blktrace: per-CPU files absent from a set
};

// What a reader counted as skipped, unknown or missing (blktrace and vscsi keep such counters).
std::map<std::string, std::uint64_t> anomalies_of(const models::RequestStream& stream) {
  std::map<std::string, std::uint64_t> out;
  if (const auto* b = dynamic_cast<const models::BlktraceReader*>(&stream)) {
    const models::BlktraceCounters c = b->counters();
    std::uint64_t gaps = 0, lost = 0;
    for (const auto& g : c.sequence_gaps) {
      gaps += g.gaps;
      lost += g.lost_events;
    }
    out = {{"missing_cpu_files", c.missing_cpu_files.size()},
           {"records_read", c.records_read},
           {"sequence_gaps", gaps},
           {"events_lost_in_gaps", lost},
           {"unknown_actions", c.unknown_actions},
           {"corrupt_records_skipped", c.corrupt_skipped}};
  } else if (const auto* v = dynamic_cast<const models::VscsiReader*>(&stream)) {
    out = {{"corrupt_records_skipped", v->counters().corrupt_skipped}};
  } else if (const auto* c = dynamic_cast<const models::CsvTraceReader*>(&stream)) {
    out = {{"corrupt_records_skipped", c->counters().corrupt_skipped}};
  }
  return out;
}

// Nearest-rank percentile of sorted values, in milliseconds.
double percentile_ms(const std::vector<std::int64_t>& sorted, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::max<std::size_t>(rank, 1) - 1]) / 1e6;
}

TraceStats scan(const std::string& file, const TraceArguments& a) {
  TraceStats s;
  s.file = file;
  sim::TraceSpec spec{file, a.format, a.device};
  spec.pair_completions = true;  // blktrace: latencies from the C events, when recorded
  spec.lenient = a.lenient;
  spec.issue_events = a.issue_events;
  auto stream = sim::open_trace(spec);
  const auto* blktrace = dynamic_cast<const models::BlktraceReader*>(stream.get());
  const auto* msr = dynamic_cast<const models::MsrTraceReader*>(stream.get());
  s.has_completions = blktrace != nullptr || msr != nullptr;
  if (msr != nullptr) s.latency_source = "response times recorded in the trace";
  if (blktrace != nullptr && a.issue_events) s.latency_source = "observed D to C, device time";
  s.description = stream->describe();
  s.working_set = std::make_unique<sim::WorkingSetWindows>(a.window_s);
  models::StreamRequest r;
  while (stream->next(r)) {
    const auto kind = static_cast<std::size_t>(r.kind);
    ++s.requests[kind];
    s.bytes[kind] += r.length_bytes;
    s.last_ns = std::max(s.last_ns, r.time_ns);
    ++s.per_second[static_cast<std::uint64_t>(std::max<std::int64_t>(r.time_ns, 0)) /
                   1'000'000'000];
    if (blktrace != nullptr) {
      if (const std::optional<std::int64_t> latency = blktrace->last_latency_ns()) {
        s.latencies_ns.push_back(*latency);
      } else {
        ++s.unpaired;
      }
    }
    if (msr != nullptr) s.latencies_ns.push_back(msr->last_response_time_ns());
    if (r.length_bytes == 0) continue;
    ++s.sizes[std::bit_ceil(r.length_bytes)];
    auto device = std::find(s.devices.begin(), s.devices.end(), r.device);
    if (device == s.devices.end()) device = s.devices.insert(s.devices.end(), r.device);
    s.working_set->request(static_cast<std::uint32_t>(device - s.devices.begin()) + 1, r);
  }
  for (const auto& [window, w] : s.working_set->total())
    s.footprint_blocks += w.new_blocks;
  std::sort(s.latencies_ns.begin(), s.latencies_ns.end());
  s.anomalies = anomalies_of(*stream);
  if (blktrace != nullptr) {
    const models::BlktraceCounters counters = blktrace->counters();
    s.missing_cpus = counters.missing_cpu_files;
    s.unpaired_overflow = counters.pending_overflows;
    s.unpaired_ambiguous = counters.completions_ambiguous;
  }
  if (s.requests[0] + s.requests[1] + s.requests[2] + s.requests[3] == 0) {
    throw models::TraceError(file + ": no requests in the trace" +
                             (a.device.empty() ? std::string() : " for device " + a.device) + " (" +
                             s.description + ")");
  }
  return s;
}

std::string device_name(std::uint32_t device) {
  return std::to_string(device >> 20) + "," + std::to_string(device & 0xFFFFF);
}

nlohmann::ordered_json windows_json(const std::map<std::uint64_t, sim::WorkingSetWindow>& windows,
                                    double window_s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [index, w] : windows) {
    out.push_back({{"start_s", std::round(static_cast<double>(index) * window_s * 1e9) / 1e9},
                   {"bytes", w.blocks * 4096},
                   {"new_bytes", w.new_blocks * 4096}});
  }
  return out;
}

nlohmann::ordered_json working_set_json(const TraceStats& s) {
  const sim::WorkingSetWindows& ws = *s.working_set;
  nlohmann::ordered_json j;
  j["window_s"] = ws.window_s();
  j["block_bytes"] = ws.block_bytes();
  j["windows"] = windows_json(ws.total(), ws.window_s());
  if (s.devices.size() > 1) {
    nlohmann::ordered_json devices = nlohmann::ordered_json::array();
    for (const auto& [disk, windows] : ws.by_disk()) {
      devices.push_back({{"device", device_name(s.devices[disk - 1])},
                         {"windows", windows_json(windows, ws.window_s())}});
    }
    j["devices"] = devices;
  }
  return j;
}

nlohmann::ordered_json to_json(const TraceStats& s) {
  static const char* kKinds[] = {"reads", "writes", "flushes", "discards"};
  nlohmann::ordered_json j;
  j["file"] = s.file;
  j["trace"] = s.description;
  for (std::size_t k = 0; k < 4; ++k)
    j[kKinds[k]] = {{"requests", s.requests[k]}, {"bytes", s.bytes[k]}};
  nlohmann::ordered_json sizes = nlohmann::ordered_json::object();
  for (const auto& [bound, n] : s.sizes)
    sizes["<=" + std::to_string(bound)] = n;
  j["request_sizes_bytes"] = sizes;
  j["footprint_bytes"] = s.footprint_blocks * 4096;
  j["duration_s"] = static_cast<double>(s.last_ns) / 1e9;
  j["working_set"] = working_set_json(s);
  // One entry per second of the trace; a trace spanning more than kDenseSeconds (a jump in its
  // timestamps) lists only its busy seconds instead, as [second, requests] pairs.
  constexpr std::uint64_t kDenseSeconds = 1'000'000;
  const std::uint64_t span = s.per_second.empty() ? 0 : s.per_second.rbegin()->first + 1;
  if (span <= kDenseSeconds) {
    std::vector<std::uint64_t> dense(span, 0);
    for (const auto& [second, n] : s.per_second)
      dense[second] = n;
    j["iops_per_second"] = dense;
  } else {
    nlohmann::ordered_json busy = nlohmann::ordered_json::array();
    for (const auto& [second, n] : s.per_second)
      busy.push_back({second, n});
    j["iops_per_busy_second"] = busy;
  }
  j["anomalies"] = s.anomalies;
  if (!s.missing_cpus.empty()) j["missing_cpu_files"] = s.missing_cpus;
  // Percentiles of the paired requests only; the unpaired ones are counted, never made 0.
  if (!s.latencies_ns.empty()) {
    j["latency_ms"] = {
        {"p50", percentile_ms(s.latencies_ns, 50)}, {"p95", percentile_ms(s.latencies_ns, 95)},
        {"p99", percentile_ms(s.latencies_ns, 99)}, {"paired_requests", s.latencies_ns.size()},
        {"unpaired_requests", s.unpaired},          {"ambiguous_requests", s.unpaired_ambiguous}};
  } else if (s.unpaired > 0) {
    j["latency_ms"] = {{"paired_requests", 0},
                       {"unpaired_requests", s.unpaired},
                       {"ambiguous_requests", s.unpaired_ambiguous}};
  }
  return j;
}

std::string mib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

// "per 60 s: median 12.3 MiB, largest 40.0 MiB (from 600 s), ..." for one set of windows.
std::string working_set_line(const std::map<std::uint64_t, sim::WorkingSetWindow>& windows,
                             double window_s) {
  if (windows.empty()) return "no reads or writes";
  std::vector<std::uint64_t> sizes;
  std::uint64_t largest_at = 0, largest = 0, fresh = 0;
  for (const auto& [index, w] : windows) {
    sizes.push_back(w.blocks);
    fresh += w.new_blocks;
    if (w.blocks > largest) {
      largest = w.blocks;
      largest_at = index;
    }
  }
  std::sort(sizes.begin(), sizes.end());
  char text[256];
  std::snprintf(text, sizeof text,
                "per %g s window: median %s, largest %s (from %g s), last %s; new data %s "
                "per window on average (%zu windows with I/O)",
                window_s, mib(sizes[(sizes.size() - 1) / 2] * 4096).c_str(),
                mib(largest * 4096).c_str(), static_cast<double>(largest_at) * window_s,
                mib(windows.rbegin()->second.blocks * 4096).c_str(),
                mib(fresh * 4096 / windows.size()).c_str(), windows.size());
  return text;
}

void print(const TraceStats& s) {
  const std::uint64_t total = s.requests[0] + s.requests[1] + s.requests[2] + s.requests[3];
  const double seconds = std::max(1e-9, static_cast<double>(s.last_ns) / 1e9);
  std::printf("%s\n  %s\n", s.file.c_str(), s.description.c_str());
  std::printf("  requests      %llu in %.3f s (%.0f IOPS on average",
              static_cast<unsigned long long>(total), seconds,
              static_cast<double>(total) / seconds);
  std::uint64_t peak = 0;
  for (const auto& [second, n] : s.per_second)
    peak = std::max(peak, n);
  if (peak > 0) std::printf(", peak %llu in one second", static_cast<unsigned long long>(peak));
  std::printf(")\n");
  static const char* kKinds[] = {"reads", "writes", "flushes", "discards"};
  for (std::size_t k = 0; k < 4; ++k) {
    if (s.requests[k] == 0) continue;
    std::printf("  %-12s  %llu (%.1f %%), %s\n", kKinds[k],
                static_cast<unsigned long long>(s.requests[k]),
                100.0 * static_cast<double>(s.requests[k]) / static_cast<double>(total),
                mib(s.bytes[k]).c_str());
  }
  std::printf("  footprint     %s (distinct 4 KiB blocks read or written)\n",
              mib(s.footprint_blocks * 4096).c_str());
  const sim::WorkingSetWindows& ws = *s.working_set;
  std::printf("  working set   %s\n", working_set_line(ws.total(), ws.window_s()).c_str());
  if (s.devices.size() > 1) {
    for (const auto& [disk, windows] : ws.by_disk()) {
      std::printf("    %-10s  %s\n", device_name(s.devices[disk - 1]).c_str(),
                  working_set_line(windows, ws.window_s()).c_str());
    }
  }
  std::printf("  sizes        ");
  for (const auto& [bound, n] : s.sizes) {
    std::printf(" <=%s: %.1f%%", format_byte_size(bound).c_str(),
                100.0 * static_cast<double>(n) / static_cast<double>(total));
  }
  if (!s.latencies_ns.empty()) {
    std::printf(
        "\n  latency       p50 %.3f ms, p95 %.3f ms, p99 %.3f ms (%s, %zu of %llu "
        "requests paired)\n",
        percentile_ms(s.latencies_ns, 50), percentile_ms(s.latencies_ns, 95),
        percentile_ms(s.latencies_ns, 99), s.latency_source, s.latencies_ns.size(),
        static_cast<unsigned long long>(total));
  } else if (s.has_completions) {
    std::printf("\n");  // the line below says why
  } else {
    std::printf("\n  latency       not recorded by this reader (queue events only)\n");
  }
  if (s.unpaired > 0) {
    std::printf(
        "  latency unknown: %llu requests (unpaired: no C event of the same device, sector "
        "and size",
        static_cast<unsigned long long>(s.unpaired));
    if (s.unpaired_ambiguous > 0) {
      std::printf(", or for %llu of them one C while several such requests were outstanding",
                  static_cast<unsigned long long>(s.unpaired_ambiguous));
    }
    if (s.unpaired_overflow > 0) {
      std::printf(", %llu released early with too many requests held",
                  static_cast<unsigned long long>(s.unpaired_overflow));
    }
    std::printf(s.latencies_ns.empty() ? ")\n" : "; left out of the percentiles above)\n");
  }
  if (!s.missing_cpus.empty()) {
    std::printf("  gap           no per-CPU file for CPU");
    for (const unsigned cpu : s.missing_cpus)
      std::printf(" %u", cpu);
    std::printf(": events recorded there are missing from the trace\n");
  }
  if (!s.anomalies.empty()) {
    std::printf("  reader       ");
    for (const auto& [what, n] : s.anomalies) {
      std::printf(" %s %llu", what.c_str(), static_cast<unsigned long long>(n));
    }
    std::printf("\n");
  }
}

}  // namespace

void add_trace_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TraceArguments>();
  CLI::App* trace = app.add_subcommand("trace", "Inspect block I/O traces");
  trace->require_subcommand(1);
  CLI::App* info = trace->add_subcommand("info", "What a trace holds");
  info->add_option("file", args->files,
                   "Trace files (or blktrace prefixes NAME for NAME.blktrace.N)")
      ->required();
  info->add_option("--format", args->format, "Trace format")
      ->check(CLI::IsMember(sim::trace_format_names()))
      ->capture_default_str();
  info->add_option("--device", args->device, "Only this device, MAJOR,MINOR (blktrace)");
  info->add_flag("--json", args->json, "Print JSON");
  info->add_option("--window-s", args->window_s, "Working set: window length, seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  info->add_flag("--issue-events", args->issue_events,
                 "blktrace / blkparse: the device's (D) requests instead of the queued (Q) ones");
  info->add_flag("--lenient", args->lenient,
                 "Skip and count malformed records instead of stopping at the first");
  info->callback([args, &exit_code] {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const std::string& file : args->files) {
      const TraceStats stats = scan(file, *args);
      if (args->json) {
        all.push_back(to_json(stats));
      } else {
        print(stats);
      }
    }
    if (args->json) std::cout << all.dump(2) << "\n";
    exit_code = 0;
  });
  add_trace_convert_command(*trace, exit_code);
}

}  // namespace flashtwin::cli
