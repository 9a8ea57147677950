// Metrics: accumulation, interval rows and the with-flash / baseline comparison. See the header
// for the definitions.
#include "flashtwin/sim/metrics.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

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

Metrics::Metrics(std::vector<std::string> vm_names, std::int64_t interval_ns)
    : interval_ns_(interval_ns) {
  if (interval_ns <= 0) {
    throw std::invalid_argument("Metrics: the time-series interval must be > 0 ns, got " +
                                std::to_string(interval_ns));
  }
  vms_.reserve(vm_names.size());
  for (std::string& name : vm_names) {
    vms_.push_back(Vm{});
    vms_.back().name = std::move(name);
  }
  open_.end_ns = interval_ns_;
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
    vm.interval = IntervalIo{};
    vm.interval_latency.reset();
  }
  // The next interval starts with the levels where this one left them.
  IntervalRow next;
  ++open_index_;
  next.start_ns = open_index_ * interval_ns_;
  next.end_ns = next.start_ns + interval_ns_;
  next.dirty_bytes = Level{open_.dirty_bytes.last, open_.dirty_bytes.last};
  next.bytes_at_risk = Level{open_.bytes_at_risk.last, open_.bytes_at_risk.last};
  open_ = next;
  open_latency_.reset();
}

void Metrics::request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                                std::int64_t submitted_ns, std::int64_t completed_ns,
                                const engine::ServedBlocks& served, bool ok) {
  if (vm >= vms_.size()) {
    throw std::out_of_range("Metrics::request_completed: VM " + std::to_string(vm) +
                            " does not exist (the run has " + std::to_string(vms_.size()) +
                            " VMs)");
  }
  require_time(submitted_ns, "request_completed");
  if (completed_ns < submitted_ns) {
    throw std::invalid_argument("Metrics::request_completed: completed at " +
                                std::to_string(completed_ns) + " ns, before its submission at " +
                                std::to_string(submitted_ns) + " ns");
  }
  advance_to(completed_ns, "request_completed");
  Vm& v = vms_[vm];
  if (!ok) {
    ++v.totals.failed;
    ++cluster_.io.failed;
    ++v.interval.failed;
    ++open_.io.failed;
    return;
  }
  const std::int64_t latency_ns = completed_ns - submitted_ns;
  count_request(v.totals, kind, bytes, latency_ns, served);
  count_request(cluster_.io, kind, bytes, latency_ns, served);
  count_request(v.interval, v.interval_latency, kind, bytes, latency_ns, served);
  count_request(open_.io, open_latency_, kind, bytes, latency_ns, served);
}

void Metrics::array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                       bool destage) {
  if (kind == engine::IoKind::flush) {
    throw std::invalid_argument("Metrics::array_io: a flush is not an array I/O");
  }
  advance_to(now_ns, "array_io");
  for (ArrayCounts* counts : {&cluster_.array, &open_.array}) {
    if (kind == engine::IoKind::read) {
      add(counts->reads, bytes);
    } else if (kind == engine::IoKind::discard) {
      add(counts->discards, bytes);
    } else {
      add(counts->writes, bytes);
      if (destage) add(counts->destage_writes, bytes);
    }
  }
}

void Metrics::network_bytes(std::uint64_t bytes, std::int64_t now_ns) {
  advance_to(now_ns, "network_bytes");
  cluster_.network_bytes += bytes;
  open_.network_bytes += bytes;
}

void Metrics::gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk) {
  advance_to(now_ns, "gauges");
  sample(cluster_.dirty_bytes, dirty_bytes);
  sample(cluster_.bytes_at_risk, bytes_at_risk);
  sample(open_.dirty_bytes, dirty_bytes);
  sample(open_.bytes_at_risk, bytes_at_risk);
}

void Metrics::violation(std::string what) {
  if (finished_) throw std::logic_error("Metrics::violation after finish()");
  cluster_.violations.push_back(std::move(what));
}

void Metrics::acknowledged_writes_lost(std::uint64_t writes) {
  if (finished_) throw std::logic_error("Metrics::acknowledged_writes_lost after finish()");
  cluster_.acknowledged_writes_lost += writes;
}

void Metrics::reads_failed(std::uint64_t reads) {
  if (finished_) throw std::logic_error("Metrics::reads_failed after finish()");
  cluster_.reads_failed += reads;
}

void Metrics::finish(std::int64_t end_ns) {
  if (finished_) throw std::logic_error("Metrics::finish called twice");
  if (end_ns < last_event_ns_) {
    throw std::invalid_argument("Metrics::finish: end " + std::to_string(end_ns) +
                                " ns is before the last event at " +
                                std::to_string(last_event_ns_) + " ns");
  }
  advance_to(end_ns, "finish");
  close_interval(end_ns);
  finished_ = true;
  cluster_.io.duration_ns = end_ns;
  for (Vm& vm : vms_)
    vm.totals.duration_ns = end_ns;
}

void Metrics::visit(MetricsVisitor& visitor) const {
  visitor.cluster(cluster_);
  for (std::size_t i = 0; i < vms_.size(); ++i)
    visitor.vm(i, vms_[i].name, vms_[i].totals);
  for (const IntervalRow& row : rows_)
    visitor.interval(row);
  for (const VmIntervalRow& row : vm_rows_)
    visitor.vm_interval(row, vms_[row.vm].name);
}

namespace {

LatencyGain gain(double baseline_ns, double with_flash_ns, bool defined) {
  LatencyGain g;
  g.baseline_ns = baseline_ns;
  g.with_flash_ns = with_flash_ns;
  g.gain = defined && with_flash_ns > 0 ? baseline_ns / with_flash_ns
                                        : std::numeric_limits<double>::quiet_NaN();
  return g;
}

LatencyComparison compare_latency(const LatencyHistogram& with_flash,
                                  const LatencyHistogram& baseline) {
  const bool defined = !with_flash.empty() && !baseline.empty();
  auto at = [&](double q) {
    return gain(static_cast<double>(baseline.percentile(q)),
                static_cast<double>(with_flash.percentile(q)), defined);
  };
  LatencyComparison c;
  c.mean = gain(baseline.mean(), with_flash.mean(), defined);
  c.p50 = at(50);
  c.p95 = at(95);
  c.p99 = at(99);
  c.p999 = at(99.9);
  return c;
}

// 1 - (array / vm) / (baseline_array / baseline_vm), NaN when not defined.
double offload(std::uint64_t array, std::uint64_t vm, std::uint64_t baseline_array,
               std::uint64_t baseline_vm) {
  if (vm == 0 || baseline_array == 0 || baseline_vm == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return 1.0 - ratio(array, vm) / ratio(baseline_array, baseline_vm);
}

ArrayMix mix(const ArrayCounts& array) {
  return ArrayMix{ratio(array.reads.ios, array.reads.ios + array.writes.ios),
                  ratio(array.reads.bytes, array.reads.bytes + array.writes.bytes)};
}

}  // namespace

Comparison compare(const Metrics& with_flash, const Metrics& baseline) {
  if (!with_flash.finished() || !baseline.finished()) {
    throw std::invalid_argument("compare: both runs must be finished");
  }
  bool same_vms = with_flash.vm_count() == baseline.vm_count();
  for (std::size_t i = 0; same_vms && i < with_flash.vm_count(); ++i) {
    same_vms = with_flash.vm_name(i) == baseline.vm_name(i);
  }
  if (!same_vms) {
    throw std::invalid_argument(
        "compare: the runs do not have the same VMs (not the same "
        "workload)");
  }
  const ClusterTotals& f = with_flash.cluster();
  const ClusterTotals& b = baseline.cluster();
  Comparison c;
  c.all = compare_latency(f.io.latency, b.io.latency);
  c.reads = compare_latency(f.io.read_latency, b.io.read_latency);
  c.writes = compare_latency(f.io.write_latency, b.io.write_latency);
  c.read_offload = offload(f.array.reads.ios, f.io.reads.ios, b.array.reads.ios, b.io.reads.ios);
  c.write_offload =
      offload(f.array.writes.ios, f.io.writes.ios, b.array.writes.ios, b.io.writes.ios);
  c.byte_offload = offload(f.array.reads.bytes + f.array.writes.bytes, f.io.bytes(),
                           b.array.reads.bytes + b.array.writes.bytes, b.io.bytes());
  c.with_flash_mix = mix(f.array);
  c.baseline_mix = mix(b.array);
  return c;
}

}  // namespace flashtwin::sim
