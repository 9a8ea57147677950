// The "workload" object of a virtual disk: a synthetic stream (models::SyntheticWorkload) with
// scenario-level names, open or closed loop.
#include "scenario_sections.hpp"

#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/sim/trace_source.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <utility>

namespace flashtwin::sim {

namespace {

template <class Enum, std::size_t N>
Enum enum_by_name(const std::array<std::pair<const char*, Enum>, N>& names, const std::string& text,
                  const std::string& path) {
  std::string known;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  throw ScenarioError(path, "'" + text + "' is not one of " + known);
}

constexpr std::array<std::pair<const char*, models::AddressPattern>, 4> kPatterns = {{
    {"uniform", models::AddressPattern::uniform},
    {"zipf", models::AddressPattern::zipf},
    {"hot-set", models::AddressPattern::hot_set},
    {"sequential", models::AddressPattern::sequential},
}};

constexpr std::array<std::pair<const char*, models::ArrivalKind>, 2> kArrivals = {{
    {"poisson", models::ArrivalKind::poisson},
    {"constant", models::ArrivalKind::constant},
}};

}  // namespace

namespace {

WorkloadSpec parse_trace_workload(ObjectReader& r, std::uint64_t disk_bytes,
                                  const std::string& base_folder) {
  WorkloadSpec spec;
  spec.synthetic.disk_bytes = disk_bytes;  // the disk's size (the generator itself is unused)
  TraceWorkload trace;
  const std::filesystem::path given = r.required<std::string>("trace");
  trace.path = (given.is_absolute() ? given : std::filesystem::path(base_folder) / given).string();
  trace.format = r.optional<std::string>("format", trace.format);
  const auto formats = trace_format_names();
  if (std::find(formats.begin(), formats.end(), trace.format) == formats.end()) {
    std::string known;
    for (const std::string& f : formats)
      known += (known.empty() ? "" : ", ") + f;
    throw ScenarioError(r.path_of("format"), "'" + trace.format + "' is not one of " + known);
  }
  trace.device = r.optional<std::string>("device", "");
  // Trace times are int64 nanoseconds: 1e6 s windows and x1e-6..x1e6 scales keep them far
  // from overflow.
  trace.window.start_s = r.optional_in<double>("start_s", 0, 0, limit::kMaxTraceS);
  trace.window.duration_s = r.optional_in<double>("duration_s", 0, 0, limit::kMaxTraceS);
  trace.window.time_scale = r.optional_in<double>("time_scale", 1, 1e-6, 1e6);
  trace.window.loop = r.optional<bool>("loop", false);
  trace.lenient = r.optional<bool>("lenient", false);
  const std::string events = r.optional<std::string>("events", "queue");
  if (events != "queue" && events != "issue") {
    throw ScenarioError(r.path_of("events"), "'" + events + "' is not one of queue, issue");
  }
  trace.issue_events = events == "issue";
  spec.queue_depth = r.optional_in<std::uint32_t>("queue_depth", 0, 0, limit::kMaxQueueDepth);
  spec.max_outstanding = r.optional_in<std::uint32_t>("max_outstanding", kDefaultMaxOutstanding, 0,
                                                      limit::kMaxQueueDepth);
  r.finish();
  std::error_code error;
  const auto has_cpu_files = [&] {
    try {
      return !models::BlktraceReader::cpu_files(trace.path).empty();
    } catch (const models::TraceError&) {
      return false;
    }
  };
  if (!std::filesystem::exists(trace.path, error) && !has_cpu_files()) {
    throw ScenarioError(r.path_of("trace"),
                        "no trace file or blktrace prefix '" + trace.path + "'");
  }
  // Opening it checks the format, the device and the first records now, not mid-run.
  try {
    TraceSpec check{trace.path, trace.format, trace.device};
    check.lenient = trace.lenient;
    check.issue_events = trace.issue_events;
    models::StreamRequest first;
    if (!open_trace(check)->next(first)) {
      throw models::TraceError(trace.path + ": no requests in the trace" +
                               (trace.device.empty() ? "" : " for device " + trace.device));
    }
  } catch (const std::exception& e) {
    throw ScenarioError(r.path_of("trace"), e.what());
  }
  spec.trace = std::move(trace);
  return spec;
}

}  // namespace

WorkloadSpec parse_workload(const nlohmann::json& json, const std::string& path,
                            std::uint64_t disk_bytes, double duration_s, std::uint64_t seed,
                            const std::string& base_folder) {
  ObjectReader r(json, path);
  if (r.has("trace")) return parse_trace_workload(r, disk_bytes, base_folder);
  WorkloadSpec spec;
  models::SyntheticWorkload& w = spec.synthetic;
  w.disk_bytes = disk_bytes;
  w.duration_s = duration_s;
  w.seed = r.optional<std::uint64_t>("seed", seed);
  w.pattern =
      enum_by_name(kPatterns, r.optional<std::string>("pattern", "uniform"), r.path_of("pattern"));
  w.zipf_theta = r.optional<double>("zipf_theta", w.zipf_theta);
  w.hot_fraction = r.optional<double>("hot_fraction", w.hot_fraction);
  w.hot_access_fraction = r.optional<double>("hot_access_fraction", w.hot_access_fraction);
  w.start_offset_bytes = r.optional_in<std::uint64_t>("start_offset_bytes", 0, 0, limit::kMaxBytes);
  w.alignment_bytes =
      r.optional_in<std::uint64_t>("alignment_bytes", w.alignment_bytes, 0, limit::kMaxBytes);
  w.read_ratio =
      require_fraction(r.optional<double>("read_ratio", w.read_ratio), r.path_of("read_ratio"));
  if (const nlohmann::json* sizes = r.child("sizes")) {
    const std::string sizes_path = r.path_of("sizes");
    if (!sizes->is_array() || sizes->empty()) {
      throw ScenarioError(sizes_path, "expected a non-empty array of {bytes, weight}");
    }
    w.size_mix.clear();
    for (std::size_t i = 0; i < sizes->size(); ++i) {
      ObjectReader size((*sizes)[i], sizes_path + "[" + std::to_string(i) + "]");
      models::SizeWeight entry;
      entry.length_bytes = size.required_in<std::uint64_t>("bytes", 0, limit::kMaxBytes);
      entry.weight = require_positive(size.optional_in<double>("weight", 1.0, 0, 1e12),
                                      size.path_of("weight"));
      size.finish();
      w.size_mix.push_back(entry);
    }
  }
  w.arrivals = enum_by_name(kArrivals, r.optional<std::string>("arrivals", "poisson"),
                            r.path_of("arrivals"));
  w.iops = require_positive(r.optional_in<double>("iops", w.iops, 0, limit::kMaxIops),
                            r.path_of("iops"));
  w.burst_on_s = r.optional_in<double>("burst_on_s", 0, 0, limit::kMaxDurationS);
  w.burst_off_s = r.optional_in<double>("burst_off_s", 0, 0, limit::kMaxDurationS);
  w.burst_off_rate_factor = r.optional_in<double>("burst_off_rate_factor", 0, 0, 1e6);
  spec.queue_depth = r.optional_in<std::uint32_t>("queue_depth", 0, 0, limit::kMaxQueueDepth);
  spec.max_outstanding = r.optional_in<std::uint32_t>("max_outstanding", kDefaultMaxOutstanding, 0,
                                                      limit::kMaxQueueDepth);
  r.finish();
  if (spec.queue_depth > 0) {
    // Closed loop: the runtime issues requests until the run's end, whatever the arrival times
    // say; the stream itself must not run dry after iops x duration requests.
    w.duration_s = 0;
    w.max_requests = ~std::uint64_t{0};
  }
  // The generator's own checks name its fields; report them at this workload's path.
  checked_at(path, [&] { models::validate(w); });
  return spec;
}

}  // namespace flashtwin::sim
