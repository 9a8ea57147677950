// Metrics: accumulation and interval rows (the with-flash / baseline comparison is
// metrics_comparison.cpp). See the header for the definitions.
#include "flashtwin/sim/metrics.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>
#include <variant>

namespace flashtwin::sim {

double per_second(std::uint64_t n, std::int64_t ns) {
  return ns <= 0 ? 0.0 : static_cast<double>(n) * 1e9 / static_cast<double>(ns);
}

double ratio(std::uint64_t num, std::uint64_t den) {
  return den == 0 ? std::numeric_limits<double>::quiet_NaN()
                  : static_cast<double>(num) / static_cast<double>(den);
}

void BlockSources::add(const engine::ServedBlocks& served) {
  local_flash += served.local_flash;
  remote_flash += served.remote_flash;
  array += served.array;
}

std::uint64_t NetworkBytes::total() const {
  std::uint64_t sum = 0;
  for (std::uint64_t b : by_purpose)
    sum += b;
  return sum;
}

const char* purpose_name(NetworkPurpose p) {
  switch (p) {
    case NetworkPurpose::array_read:
      return "array_read";
    case NetworkPurpose::array_write:
      return "array_write";
    case NetworkPurpose::destage:
      return "destage";
    case NetworkPurpose::replication:
      return "replication";
    case NetworkPurpose::remote_read:
      return "remote_read";
    case NetworkPurpose::vmotion:
      return "vmotion";
    case NetworkPurpose::remote_cache:
      return "remote_cache";
  }
  return "unknown";
}

double HostTotals::busy_slots() const {
  return duration_ns <= 0 ? std::numeric_limits<double>::quiet_NaN()
                          : static_cast<double>(service_ns) / static_cast<double>(duration_ns);
}

double HostTotals::utilisation() const {
  return duration_ns <= 0 ? std::numeric_limits<double>::quiet_NaN()
                          : channel_busy_s * 1e9 /
                                (static_cast<double>(channels) * static_cast<double>(duration_ns));
}

double HostTotals::drive_writes_per_day() const {
  if (flash_bytes == 0 || duration_ns <= 0) return std::numeric_limits<double>::quiet_NaN();
  constexpr double kDayNs = 86400e9;
  const double device = static_cast<double>(device_bytes > 0 ? device_bytes : flash_bytes);
  return static_cast<double>(flash_writes.bytes) * write_amplification / device /
         (static_cast<double>(duration_ns) / kDayNs);
}

namespace {

void add(KindCounts& counts, std::uint64_t bytes) {
  ++counts.ios;
  counts.bytes += bytes;
}

void sample(Level& level, std::uint64_t value) {
  level.last = value;
  level.max = std::max(level.max, value);
}

void set_percentiles(IntervalIo& io, const LatencyHistogram& latency) {
  io.p50_ns = latency.percentile(50);
  io.p95_ns = latency.percentile(95);
  io.p99_ns = latency.percentile(99);
  io.p999_ns = latency.percentile(99.9);
}

// Adds one successful request to per-run totals or to an interval's counters.
void count_request(Totals& totals, engine::IoKind kind, std::uint64_t bytes,
                   std::int64_t latency_ns, const engine::ServedBlocks& served) {
  switch (kind) {
    case engine::IoKind::read:
      add(totals.reads, bytes);
      totals.read_latency.record(latency_ns);
      totals.latency.record(latency_ns);
      totals.read_blocks.add(served);
      break;
    case engine::IoKind::write:
      add(totals.writes, bytes);
      totals.write_latency.record(latency_ns);
      totals.latency.record(latency_ns);
      totals.write_blocks.add(served);
      break;
    case engine::IoKind::flush:
      add(totals.flushes, bytes);
      break;
    case engine::IoKind::discard:
      add(totals.discards, bytes);
      break;
  }
}

void count_request(IntervalIo& io, LatencyHistogram& latency, engine::IoKind kind,
                   std::uint64_t bytes, std::int64_t latency_ns,
                   const engine::ServedBlocks& served) {
  if (kind == engine::IoKind::read) {
    add(io.reads, bytes);
    io.read_blocks.add(served);
  } else if (kind == engine::IoKind::write) {
    add(io.writes, bytes);
  } else {
    return;
  }
  latency.record(latency_ns);
}

void require_time(std::int64_t t, const char* what) {
  if (t < 0) {
    throw std::invalid_argument(std::string("Metrics::") + what + ": negative time " +
                                std::to_string(t) + " ns");
  }
}

}  // namespace

Metrics::Metrics(RunLayout layout)
    : interval_ns_(layout.interval_ns),
      warmup_ns_(layout.warmup_ns),
      workload_end_ns_(layout.workload_end_ns),
      link_names_(std::move(layout.links)) {
  rewarm_ = RewarmTracker(layout.vms.size(), layout.rewarm_share, layout.block_bytes);
  cluster_.rewarm_share = layout.rewarm_share;
  if (interval_ns_ <= 0) {
    throw std::invalid_argument("Metrics: the time-series interval must be > 0 ns, got " +
                                std::to_string(interval_ns_));
  }
  if (warmup_ns_ < 0) {
    throw std::invalid_argument("Metrics: warmup_ns must be >= 0, got " +
                                std::to_string(warmup_ns_));
  }
  if (workload_end_ns_ && *workload_end_ns_ <= warmup_ns_) {
    throw std::invalid_argument("Metrics: the warm-up (" + std::to_string(warmup_ns_) +
                                " ns) must end before the workload (" +
                                std::to_string(*workload_end_ns_) + " ns)");
  }
  vms_.reserve(layout.vms.size());
  for (std::string& name : layout.vms) {
    vms_.push_back(Vm{});
    vms_.back().name = std::move(name);
  }
  for (HostLayout& h : layout.hosts) {
    Host host;
    host.totals.name = std::move(h.name);
    host.totals.flash_bytes = h.flash_bytes;
    host.totals.device_bytes = h.device_bytes;
    host.totals.channels = std::max<std::uint32_t>(1, h.channels);
    host.totals.endurance_dwpd = h.endurance_dwpd;
    host.totals.volatile_cache = h.volatile_cache;
    host.interval.host = hosts_.size();
    host.interval.end_ns = interval_ns_;
    hosts_.push_back(std::move(host));
  }
  cluster_.window_start_ns = warmup_ns_;
  cluster_.window_end_ns = workload_end_ns_.value_or(0);
  open_.end_ns = interval_ns_;
}

Metrics::Metrics(std::vector<std::string> vm_names, std::int64_t interval_ns)
    : Metrics(RunLayout{std::move(vm_names), {}, {}, interval_ns, 0, std::nullopt}) {}

Metrics::Phase Metrics::phase_of(std::int64_t t) const {
  if (warmup_ns_ > 0 && t <= warmup_ns_) return Phase::warmup;
  if (workload_end_ns_ && t > *workload_end_ns_) return Phase::drain;
  return Phase::window;
}

bool Metrics::counts_request(std::int64_t completed_ns) const {
  return warmup_ns_ == 0 || completed_ns > warmup_ns_;
}

Metrics::Host& Metrics::host_at(std::size_t host, const char* what) {
  if (host >= hosts_.size()) {
    throw std::out_of_range(std::string("Metrics::") + what + ": host " + std::to_string(host) +
                            " does not exist (the run has " + std::to_string(hosts_.size()) +
                            " hosts)");
  }
  return hosts_[host];
}

void Metrics::record(const RunEvent& event) {
  std::visit([this](const auto& e) { on(e); }, event);
}

std::int64_t Metrics::interval_of(std::int64_t t) const {
  return t == 0 ? 0 : (t - 1) / interval_ns_;
}

void Metrics::advance_to(std::int64_t t, const char* what) {
  require_time(t, what);
  if (finished_) throw std::logic_error(std::string("Metrics::") + what + " after finish()");
  const std::int64_t index = interval_of(t);
  if (index < open_index_) {
    throw std::logic_error(std::string("Metrics::") + what + ": event at " + std::to_string(t) +
                           " ns is before the open interval (" + std::to_string(open_.start_ns) +
                           ", " + std::to_string(open_.end_ns) +
                           "] ns; events must come in time order");
  }
  while (open_index_ < index)
    close_interval(open_.end_ns);
  last_event_ns_ = std::max(last_event_ns_, t);
}

void Metrics::close_interval(std::int64_t end_ns) {
  open_.end_ns = end_ns;
  set_percentiles(open_.io, open_latency_);
  rows_.push_back(open_);
  for (std::size_t i = 0; i < vms_.size(); ++i) {
    Vm& vm = vms_[i];
    VmIntervalRow row;
    row.start_ns = open_.start_ns;
    row.end_ns = end_ns;
    row.vm = i;
    row.io = vm.interval;
    set_percentiles(row.io, vm.interval_latency);
    vm_rows_.push_back(row);
    rewarm_.interval_closed(i, row.start_ns, row.end_ns, row.io.read_blocks.local_flash,
                            row.io.read_blocks.total());
    vm.interval = IntervalIo{};
    vm.interval_latency.reset();
  }
  for (Host& host : hosts_) {
    HostIntervalRow& row = host.interval;
    row.end_ns = end_ns;
    host_rows_.push_back(row);
    row.start_ns = (open_index_ + 1) * interval_ns_;
    row.end_ns = row.start_ns + interval_ns_;
    for (Level* level : {&row.used_bytes, &row.dirty_bytes, &row.replica_bytes})
      level->max = level->last;
  }
  // The next interval starts with the levels where this one left them.
  IntervalRow next;
  ++open_index_;
  next.start_ns = open_index_ * interval_ns_;
  next.end_ns = next.start_ns + interval_ns_;
  next.dirty_bytes = Level{open_.dirty_bytes.last, open_.dirty_bytes.last};
  next.bytes_at_risk = Level{open_.bytes_at_risk.last, open_.bytes_at_risk.last};
  next.underprotected_bytes =
      Level{open_.underprotected_bytes.last, open_.underprotected_bytes.last};
  next.nvram_used_bytes = Level{open_.nvram_used_bytes.last, open_.nvram_used_bytes.last};
  next.array_requests_on_hold =
      Level{open_.array_requests_on_hold.last, open_.array_requests_on_hold.last};
  open_ = next;
  open_latency_.reset();
}

void Metrics::on(const RequestCompleted& e) {
  if (e.vm >= vms_.size()) {
    throw std::out_of_range("Metrics::request_completed: VM " + std::to_string(e.vm) +
                            " does not exist (the run has " + std::to_string(vms_.size()) +
                            " VMs)");
  }
  require_time(e.submitted_ns, "request_completed");
  if (e.completed_ns < e.submitted_ns) {
    throw std::invalid_argument("Metrics::request_completed: completed at " +
                                std::to_string(e.completed_ns) + " ns, before its submission at " +
                                std::to_string(e.submitted_ns) + " ns");
  }
  advance_to(e.completed_ns, "request_completed");
  Vm& v = vms_[e.vm];
  const bool counted = counts_request(e.completed_ns);
  if (!e.ok) {
    if (counted) {
      ++v.totals.failed;
      ++cluster_.io.failed;
    }
    ++v.interval.failed;
    ++open_.io.failed;
    return;
  }
  const std::int64_t latency_ns = e.completed_ns - e.submitted_ns;
  if (e.kind == engine::IoKind::read) rewarm_.read_completed(e.vm, e.served);
  if (counted) {
    count_request(v.totals, e.kind, e.bytes, latency_ns, e.served);
    count_request(cluster_.io, e.kind, e.bytes, latency_ns, e.served);
  }
  count_request(v.interval, v.interval_latency, e.kind, e.bytes, latency_ns, e.served);
  count_request(open_.io, open_latency_, e.kind, e.bytes, latency_ns, e.served);
}

void Metrics::on(const ArrayIo& e) {
  if (e.kind == engine::IoKind::flush) {
    throw std::invalid_argument("Metrics::array_io: a flush is not an array I/O");
  }
  advance_to(e.at_ns, "array_io");
  ArrayCounts* counted = nullptr;
  switch (phase_of(e.at_ns)) {
    case Phase::window:
      counted = &cluster_.array;
      break;
    case Phase::drain:
      counted = &cluster_.drain.array;
      break;
    case Phase::warmup:
      break;
  }
  for (ArrayCounts* counts : {counted, &open_.array}) {
    if (counts == nullptr) continue;
    if (e.kind == engine::IoKind::read) {
      add(counts->reads, e.bytes);
    } else if (e.kind == engine::IoKind::discard) {
      add(counts->discards, e.bytes);
    } else {
      add(counts->writes, e.bytes);
      if (e.destage) add(counts->destage_writes, e.bytes);
    }
  }
}

void Metrics::on(const NetworkTransfer& e) {
  advance_to(e.at_ns, "network_transfer");
  switch (phase_of(e.at_ns)) {
    case Phase::window:
      cluster_.network.add(e.purpose, e.bytes);
      break;
    case Phase::drain:
      cluster_.drain.network.add(e.purpose, e.bytes);
      break;
    case Phase::warmup:
      break;
  }
  open_.network.add(e.purpose, e.bytes);
}

void Metrics::on(const FlashIo& e) {
  Host& host = host_at(e.host, "flash_io");
  if (e.kind != engine::IoKind::read && e.kind != engine::IoKind::write) {
    throw std::invalid_argument("Metrics::flash_io: host " + host.totals.name +
                                ": a flash I/O is a read or a write");
  }
  require_time(e.submitted_ns, "flash_io");
  if (e.started_ns < e.submitted_ns || e.completed_ns < e.started_ns) {
    throw std::invalid_argument("Metrics::flash_io: host " + host.totals.name +
                                ": times must satisfy submitted <= started <= completed, got " +
                                std::to_string(e.submitted_ns) + ", " +
                                std::to_string(e.started_ns) + ", " +
                                std::to_string(e.completed_ns) + " ns");
  }
  advance_to(e.completed_ns, "flash_io");
  if (phase_of(e.completed_ns) != Phase::window) return;
  HostTotals& t = host.totals;
  const bool read = e.kind == engine::IoKind::read;
  add(read ? t.flash_reads : t.flash_writes, e.bytes);
  (read ? t.flash_read_latency : t.flash_write_latency).record(e.completed_ns - e.submitted_ns);
  t.service_ns += e.completed_ns - e.started_ns;
}

void Metrics::on(const ArrayGauges& e) {
  advance_to(e.at_ns, "array_gauges");
  const Phase phase = phase_of(e.at_ns);
  // The window's count starts from the last sample before it (or the first in it).
  if (phase == Phase::warmup) cluster_.array_first.emplace(e.at_ns, e.load);
  if (phase == Phase::window) {
    if (!cluster_.array_first) cluster_.array_first.emplace(e.at_ns, e.load);
    cluster_.array_last.emplace(e.at_ns, e.load);
    sample(cluster_.nvram_used_bytes, e.load.nvram_used_bytes);
  }
  sample(open_.nvram_used_bytes, e.load.nvram_used_bytes);
  sample(open_.array_requests_on_hold, e.load.requests_on_hold);
  open_.array_busy_server_s += e.load.backend_busy_server_s - array_busy_seen_s_;
  open_.array_sampled_ns += e.at_ns - array_seen_ns_;
  array_busy_seen_s_ = e.load.backend_busy_server_s;
  array_seen_ns_ = e.at_ns;
  open_.array_servers = e.load.backend_servers;
}

double IntervalRow::array_utilisation() const {
  const double capacity =
      static_cast<double>(array_servers) * static_cast<double>(array_sampled_ns);
  return capacity > 0 ? array_busy_server_s * 1e9 / capacity
                      : std::numeric_limits<double>::quiet_NaN();
}

models::ArraySaturation ClusterTotals::array_saturation() const {
  if (!array_first || !array_last || array_last->first <= array_first->first) return {};
  return models::assess_saturation(
      array_first->second, array_last->second,
      static_cast<double>(array_last->first - array_first->first) * 1e-9);
}

void Metrics::on(const ClusterGauges& e) {
  advance_to(e.at_ns, "gauges");
  if (phase_of(e.at_ns) == Phase::window) {
    sample(cluster_.dirty_bytes, e.dirty_bytes);
    sample(cluster_.bytes_at_risk, e.bytes_at_risk);
    sample(cluster_.underprotected_bytes, e.underprotected_bytes);
  }
  sample(open_.dirty_bytes, e.dirty_bytes);
  sample(open_.bytes_at_risk, e.bytes_at_risk);
  sample(open_.underprotected_bytes, e.underprotected_bytes);
}

void Metrics::on(const HostGauges& e) {
  Host& host = host_at(e.host, "host_gauges");
  advance_to(e.at_ns, "host_gauges");
  sample(host.interval.used_bytes, e.used_bytes);
  sample(host.interval.dirty_bytes, e.dirty_bytes);
  sample(host.interval.replica_bytes, e.replica_bytes);
  switch (phase_of(e.at_ns)) {
    case Phase::warmup:
      host.evictions_before_window = e.evictions;
      host.channel_busy_before_window_s = e.channel_busy_s;
      host.has_eviction_base = true;
      break;
    case Phase::window:
      if (!host.has_eviction_base) {  // the first sample opens the count (t = 0: after prewarm)
        host.evictions_before_window = e.evictions;
        host.channel_busy_before_window_s = e.channel_busy_s;
        host.has_eviction_base = true;
      }
      host.totals.channel_busy_s = e.channel_busy_s - host.channel_busy_before_window_s;
      host.totals.write_amplification = e.write_amplification;
      sample(host.totals.used_bytes, e.used_bytes);
      sample(host.totals.dirty_bytes, e.dirty_bytes);
      sample(host.totals.replica_bytes, e.replica_bytes);
      host.totals.evictions = e.evictions - std::min(e.evictions, host.evictions_before_window);
      break;
    case Phase::drain:
      break;
  }
}

void Metrics::on(const ConsistencyViolation& e) {
  if (finished_) throw std::logic_error("Metrics::violation after finish()");
  cluster_.violations.push_back(e.what);
}

void Metrics::on(const WritesLost& e) {
  if (finished_) throw std::logic_error("Metrics::acknowledged_writes_lost after finish()");
  cluster_.acknowledged_writes_lost += e.writes;
  cluster_.unexplained_writes_lost += e.writes;
}

void Metrics::on(const WriteBreakdown& e) {
  advance_to(e.at_ns, "write_breakdown");
  if (!counts_request(e.at_ns)) return;
  WriteBreakdownTotals& b = cluster_.write_breakdown;
  const engine::WriteTiming& t = e.timing;
  ++b.writes;
  if (t.replicas > 0) ++b.replicated_writes;
  b.total_ns += t.total_ns;
  b.waited_ns += t.waited_ns;
  b.local_flash_ns += t.local_flash_ns;
  b.network_ns += t.network_ns;
  b.peer_flash_ns += t.peer_flash_ns;
}

void Metrics::on(const ReplicaPlacement& e) {
  if (e.vm >= vms_.size() || e.placed > 2 || e.placed > e.asked) {
    throw std::out_of_range("Metrics::replica_placement: VM " + std::to_string(e.vm) + " with " +
                            std::to_string(e.placed) + " of " + std::to_string(e.asked) + " peers");
  }
  VmReplicas placement{e.vm, e.asked, {}};
  placement.peers.assign(e.peers, e.peers + e.placed);
  cluster_.replicas.push_back(std::move(placement));
}

void Metrics::on(const MigrationDone& e) {
  advance_to(e.at_ns, "migration");
  rewarm_.migrated(e.vm, e.from, e.to, e.at_ns,
                   {e.memory_copy_bytes, e.memory_copy_start_ns, e.memory_copy_end_ns});
}

void Metrics::on(const ReadsFailed& e) {
  if (finished_) throw std::logic_error("Metrics::reads_failed after finish()");
  cluster_.reads_failed += e.reads;
}

void Metrics::interrupt_at(std::int64_t end_ns) {
  if (finished_) throw std::logic_error("Metrics::interrupt_at after finish()");
  warmup_ns_ = std::min(warmup_ns_, end_ns);
  workload_end_ns_ = end_ns;
  cluster_.window_start_ns = warmup_ns_;
  cluster_.window_end_ns = end_ns;
}

void Metrics::finish(std::int64_t end_ns) {
  if (finished_) throw std::logic_error("Metrics::finish called twice");
  if (end_ns < last_event_ns_) {
    throw std::invalid_argument("Metrics::finish: end " + std::to_string(end_ns) +
                                " ns is before the last event at " +
                                std::to_string(last_event_ns_) + " ns");
  }
  if (workload_end_ns_ && end_ns < *workload_end_ns_) {
    throw std::invalid_argument("Metrics::finish: end " + std::to_string(end_ns) +
                                " ns is before the end of the workload at " +
                                std::to_string(*workload_end_ns_) + " ns");
  }
  if (!workload_end_ns_ && end_ns <= warmup_ns_ && warmup_ns_ > 0) {
    throw std::invalid_argument("Metrics::finish: end " + std::to_string(end_ns) +
                                " ns is within the warm-up of " + std::to_string(warmup_ns_) +
                                " ns");
  }
  advance_to(end_ns, "finish");
  close_interval(end_ns);
  finished_ = true;
  cluster_.migrations = rewarm_.migrations();
  const std::int64_t window_end = workload_end_ns_.value_or(end_ns);
  const std::int64_t window_ns = window_end - warmup_ns_;
  cluster_.window_end_ns = window_end;
  cluster_.drain.duration_ns = end_ns - window_end;
  cluster_.io.duration_ns = window_ns;
  for (Vm& vm : vms_)
    vm.totals.duration_ns = window_ns;
  for (Host& host : hosts_)
    host.totals.duration_ns = window_ns;
}

void Metrics::visit(MetricsVisitor& visitor) const {
  visitor.cluster(cluster_);
  for (std::size_t i = 0; i < vms_.size(); ++i)
    visitor.vm(i, vms_[i].name, vms_[i].totals);
  for (std::size_t i = 0; i < hosts_.size(); ++i)
    visitor.host(i, hosts_[i].totals);
  for (const IntervalRow& row : rows_)
    visitor.interval(row);
  for (const VmIntervalRow& row : vm_rows_)
    visitor.vm_interval(row, vms_[row.vm].name);
  for (const HostIntervalRow& row : host_rows_)
    visitor.host_interval(row, hosts_[row.host].totals.name);
}

}  // namespace flashtwin::sim
