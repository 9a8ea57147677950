#include "flashtwin/sim/flash_sizing.hpp"

#include "flashtwin/engine/request_admission.hpp"
#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/models/trace_window.hpp"
#include "flashtwin/sim/stream_merge.hpp"
#include "flashtwin/sim/trace_source.hpp"
#include "prewarm.hpp"
#include "scenario_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

std::unique_ptr<models::RequestStream> open_disk(const WorkloadSpec& workload) {
  if (const std::optional<TraceWorkload>& trace = workload.trace) {
    return std::make_unique<models::WindowedTrace>(
        [trace] {
          TraceSpec source{trace->path, trace->format, trace->device};
          source.lenient = trace->lenient;
          source.issue_events = trace->issue_events;
          return open_trace(source);
        },
        trace->window);
  }
  return models::make_synthetic_stream(workload.synthetic);
}

engine::CacheMode mode_of(const Scenario& scenario, const ScenarioIndex& index, std::size_t vm) {
  const std::optional<PolicySpec>& own = scenario.vms[vm].policy;
  return own ? own->mode : scenario.datastores[index.vm_datastore[vm]].policy.mode;
}

// The prewarm pass, uncounted: each synthetic disk's prewarm stream, writes as reads, with the
// run's prewarm's stopping rules (prewarm.hpp) for a cache that never fills: as many blocks as
// the disks hold, or until a round of 2^20 block reads hits less than 0.5 percentage point more
// often than the round before.
void warm(CurveBuilder& builder, engine::RequestAdmission& admission,
          const std::vector<const WorkloadSpec*>& disks, std::uint32_t block_bytes) {
  constexpr std::uint64_t kRoundBlocks = std::uint64_t{1} << 20;
  constexpr double kLevelledOff = 0.005;
  StreamMerge merge;
  std::vector<std::uint32_t> disk_of;  // merge's disk -> the host's disk number
  std::uint64_t blocks = 0;
  for (std::size_t d = 0; d < disks.size(); ++d) {
    if (disks[d]->trace) continue;
    models::SyntheticWorkload w = disks[d]->synthetic;
    w.seed = prewarm_seed(w.seed);
    w.duration_s = 1e7;
    merge.add(models::make_synthetic_stream(w));
    disk_of.push_back(static_cast<std::uint32_t>(d) + 1);
    blocks += (w.disk_bytes + block_bytes - 1) / block_bytes;
  }
  std::uint32_t disk = 0;
  models::StreamRequest r;
  std::uint64_t read = 0, round_end = kRoundBlocks;
  CurveBuilder::Tally round_start = builder.tally();
  double last_round = -1;
  while (read < blocks && merge.next(disk, r)) {
    if (r.kind != engine::IoKind::read && r.kind != engine::IoKind::write) continue;
    r.kind = engine::IoKind::read;
    const std::uint32_t d = disk_of[disk - 1];
    builder.request(d, r, false, admission.admit(d, r.offset_bytes, r.length_bytes));
    read += (r.length_bytes + block_bytes - 1) / block_bytes;
    if (read < round_end) continue;
    const CurveBuilder::Tally now = builder.tally();
    const std::uint64_t sampled = now.sampled - round_start.sampled;
    const double hit_ratio =
        sampled == 0 ? 0
                     : static_cast<double>(now.repeated - round_start.repeated) /
                           static_cast<double>(sampled);
    if (hit_ratio - last_round < kLevelledOff) break;
    last_round = hit_ratio;
    round_start = now;
    round_end = read + kRoundBlocks;
  }
}

}  // namespace

SizingGoal parse_sizing_goal(const std::string& text) {
  const std::string expected =
      "--target: expected read-hit=R or offload=R (R in (0, 1)) or p99-read-ms=MS (MS > 0), got '" +
      text + "'";
  const auto equals = text.find('=');
  if (equals == std::string::npos) throw std::invalid_argument(expected);
  const std::string kind = text.substr(0, equals);
  const std::string number = text.substr(equals + 1);
  SizingGoal goal;
  std::size_t used = 0;
  try {
    goal.value = std::stod(number, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument(expected);
  }
  if (used != number.size() || !std::isfinite(goal.value)) throw std::invalid_argument(expected);
  if (kind == "read-hit" || kind == "offload") {
    goal.target = kind == "read-hit" ? SizingTarget::read_hit : SizingTarget::offload;
    if (!(goal.value > 0 && goal.value < 1)) throw std::invalid_argument(expected);
  } else if (kind == "p99-read-ms") {
    goal.target = SizingTarget::p99_read_ms;
    if (!(goal.value > 0)) throw std::invalid_argument(expected);
  } else {
    throw std::invalid_argument(expected);
  }
  return goal;
}

std::string describe(const SizingGoal& goal) {
  char text[64];
  switch (goal.target) {
    case SizingTarget::read_hit:
      std::snprintf(text, sizeof text, "read hit ratio >= %g", goal.value);
      break;
    case SizingTarget::offload:
      std::snprintf(text, sizeof text, "bytes offload >= %g", goal.value);
      break;
    case SizingTarget::p99_read_ms:
      std::snprintf(text, sizeof text, "p99 read latency <= %g ms", goal.value);
      break;
  }
  return text;
}

std::vector<HostDemand> host_demands(const Scenario& scenario, const CurveOptions& options,
                                     double window_s) {
  const ScenarioIndex index(scenario);
  std::vector<HostDemand> out;
  for (std::size_t h = 0; h < scenario.cluster.hosts.size(); ++h) {
    const HostSpec& host = scenario.cluster.hosts[h];
    if (host.flash.empty()) continue;
    HostDemand demand;
    demand.host = h;
    demand.name = host.name;
    demand.capacity_gib = host.flash[0].capacity_gib;
    demand.device_bytes = scenario.device(host.flash[0].device).capacity_bytes;
    demand.window_s = window_s;
    std::vector<const WorkloadSpec*> disks;
    for (std::size_t v = 0; v < scenario.vms.size(); ++v) {
      if (index.vm_host[v] != h) continue;
      if (mode_of(scenario, index, v) == engine::CacheMode::pass_through) continue;
      demand.vms.push_back(scenario.vms[v].name);
      for (const DiskSpec& disk : scenario.vms[v].disks) {
        disks.push_back(&disk.workload);
        demand.disk_bytes += disk.workload.synthetic.disk_bytes;
      }
    }
    CurveBuilder builder(options);
    engine::RequestAdmission admission(scenario.cache.admission);
    if (scenario.prewarm) warm(builder, admission, disks, options.block_bytes);
    WorkingSetWindows working_set(window_s, options.block_bytes);
    StreamMerge merge;
    for (const WorkloadSpec* disk : disks)
      merge.add(open_disk(*disk));
    const auto end_ns = static_cast<std::int64_t>(scenario.duration_s * 1e9);
    const auto warmup_ns = static_cast<std::int64_t>(scenario.warmup_s * 1e9);
    std::uint32_t disk = 0;
    models::StreamRequest r;
    while (merge.next(disk, r) && r.time_ns < end_ns) {
      const bool io = r.kind == engine::IoKind::read || r.kind == engine::IoKind::write;
      builder.request(disk, r, r.time_ns >= warmup_ns,
                      io && admission.admit(disk, r.offset_bytes, r.length_bytes));
      working_set.request(disk, r);
    }
    demand.curve = builder.curve();
    demand.working_set = working_set.total();
    for (const auto& [window, w] : demand.working_set)
      demand.footprint_blocks += w.new_blocks;
    out.push_back(std::move(demand));
  }
  return out;
}

double needed_read_hit(const SizingGoal& goal, const HostDemand& demand, double slow_share) {
  switch (goal.target) {
    case SizingTarget::read_hit:
      return goal.value;
    case SizingTarget::offload: {
      const MissRatioCurve& c = demand.curve;
      if (c.read_references == 0) return 2;  // nothing to offload by caching reads
      return goal.value * static_cast<double>(c.references) /
             static_cast<double>(c.read_references);
    }
    case SizingTarget::p99_read_ms:
      return slow_share <= 0.01 ? 0 : 1 - 0.01 / slow_share;
  }
  return 2;
}

double round_up_two_digits(double value) {
  if (value <= 0) return 0;
  const double unit = std::pow(10.0, std::floor(std::log10(value)) - 1);
  return std::ceil(value / unit - 1e-9) * unit;
}

std::optional<double> capacity_for_read_hit(const HostDemand& demand, double read_hit) {
  if (read_hit > 1) return std::nullopt;
  const std::optional<std::uint64_t> blocks = demand.curve.capacity_for_read_hit(read_hit);
  if (!blocks) return std::nullopt;
  const double gib = static_cast<double>(*blocks) * demand.curve.block_bytes / kGiB;
  return std::max(0.01, round_up_two_digits(gib));
}

double rule_of_thumb_gib(const HostDemand& demand) {
  return std::max(0.01, round_up_two_digits(0.1 * static_cast<double>(demand.disk_bytes) / kGiB));
}

}  // namespace flashtwin::sim
