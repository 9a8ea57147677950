#include "flashtwin/sim/flash_sizing.hpp"

#include "flashtwin/engine/request_admission.hpp"
#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/sim/stream_merge.hpp"
#include "prewarm.hpp"
#include "scenario_index.hpp"
#include "workload_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

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
    const double hit_ratio = sampled == 0
                                 ? 0
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
      merge.add(open_workload(*disk));
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

double needed_read_hits(const SizingGoal& goal, const std::vector<HostDemand>& demands,
                        double slow_share) {
  double reads = 0, references = 0;
  for (const HostDemand& d : demands) {
    reads += static_cast<double>(d.curve.read_references);
    references += static_cast<double>(d.curve.references);
  }
  switch (goal.target) {
    case SizingTarget::read_hit:
      return goal.value * reads;
    case SizingTarget::offload:
      return goal.value * references;
    case SizingTarget::p99_read_ms:
      return slow_share <= 0.01 ? 0 : (1 - 0.01 / slow_share) * reads;
  }
  return 0;
}

double round_up_two_digits(double value) {
  if (value <= 0) return 0;
  const double unit = std::pow(10.0, std::floor(std::log10(value)) - 1);
  return std::ceil(value / unit - 1e-9) * unit;
}

namespace {

double gib_of(const HostDemand& d, std::uint64_t blocks) {
  return static_cast<double>(blocks) * d.curve.block_bytes / kGiB;
}

std::uint64_t blocks_of(const HostDemand& d, double gib) {
  return static_cast<std::uint64_t>(gib * kGiB / d.curve.block_bytes);
}

double read_hits_at(const HostDemand& d, std::uint64_t blocks) {
  return d.curve.read_hit_ratio(blocks) * static_cast<double>(d.curve.read_references);
}

}  // namespace

double predicted_read_hit_ratio(const std::vector<HostDemand>& demands,
                                const std::vector<double>& gib) {
  double hits = 0, reads = 0;
  for (std::size_t i = 0; i < demands.size(); ++i) {
    hits += read_hits_at(demands[i], blocks_of(demands[i], gib[i]));
    reads += static_cast<double>(demands[i].curve.read_references);
  }
  return reads > 0 ? hits / reads : 0;
}

Allocation allocate(const std::vector<HostDemand>& demands, double read_hits) {
  struct Grid {
    std::vector<std::uint64_t> blocks;  // capacities, the last the curve's extent or the device
    std::vector<double> hits;
    std::size_t at = 0;
  };
  std::vector<Grid> grids;
  double total = 0;
  for (const HostDemand& d : demands) {
    Grid g;
    const auto device = static_cast<std::uint64_t>(d.device_bytes / d.curve.block_bytes);
    const auto extent =
        std::min(device, static_cast<std::uint64_t>(std::ceil(d.curve.footprint_blocks)));
    for (int k = 0; k <= kAllocationSteps; ++k) {
      g.blocks.push_back(extent * static_cast<std::uint64_t>(k) / kAllocationSteps);
      g.hits.push_back(read_hits_at(d, g.blocks.back()));
    }
    total += g.hits[0];
    grids.push_back(std::move(g));
  }
  // Greedy: the span (any host, from where it is to any capacity ahead) with the most hits per
  // block; when it would pass the goal, the cheapest span that reaches it instead.
  while (total < read_hits) {
    double best_ratio = 0;
    std::size_t best_host = 0, best_to = 0;
    std::uint64_t cheapest = ~std::uint64_t{0};
    std::size_t reach_host = 0, reach_to = 0;
    for (std::size_t h = 0; h < grids.size(); ++h) {
      const Grid& g = grids[h];
      for (std::size_t j = g.at + 1; j < g.blocks.size(); ++j) {
        const double gain = g.hits[j] - g.hits[g.at];
        const std::uint64_t cost = g.blocks[j] - g.blocks[g.at];
        if (gain <= 0 || cost == 0) continue;
        if (gain / static_cast<double>(cost) > best_ratio) {
          best_ratio = gain / static_cast<double>(cost);
          best_host = h;
          best_to = j;
        }
        if (total + gain >= read_hits && cost < cheapest) {
          cheapest = cost;
          reach_host = h;
          reach_to = j;
        }
      }
    }
    if (best_ratio <= 0) break;  // no curve gives more
    Grid& best = grids[best_host];
    const std::uint64_t best_cost = best.blocks[best_to] - best.blocks[best.at];
    if (cheapest <= best_cost) {
      best_host = reach_host;
      best_to = reach_to;
    }
    Grid& g = grids[best_host];
    total += g.hits[best_to] - g.hits[g.at];
    g.at = best_to;
  }
  Allocation out;
  for (std::size_t h = 0; h < grids.size(); ++h) {
    const HostDemand& d = demands[h];
    const Grid& g = grids[h];
    const double device_gib = static_cast<double>(d.device_bytes) / kGiB;
    double gib = std::max(0.01, round_up_two_digits(gib_of(d, g.blocks[g.at])));
    if (gib > device_gib) gib = std::floor(device_gib * 100) / 100;
    out.gib.push_back(gib);
    // Nothing ahead on its grid gives more: its curve (or its device) is spent.
    out.at_most.push_back(
        g.hits[g.at] >=
        *std::max_element(g.hits.begin() + static_cast<std::ptrdiff_t>(g.at), g.hits.end()));
  }
  out.read_hits = 0;
  for (std::size_t h = 0; h < demands.size(); ++h)
    out.read_hits += read_hits_at(demands[h], blocks_of(demands[h], out.gib[h]));
  out.reaches = out.read_hits >= read_hits;
  return out;
}

double rule_of_thumb_gib(const HostDemand& demand) {
  return std::max(0.01, round_up_two_digits(0.1 * static_cast<double>(demand.disk_bytes) / kGiB));
}

}  // namespace flashtwin::sim
