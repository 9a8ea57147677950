// The with-flash run against its baseline without flash (sim::compare): latency gains, array
// offload and the array's mix. See metrics.hpp for the definitions.
#include "flashtwin/sim/metrics.hpp"

#include <limits>
#include <stdexcept>

namespace flashtwin::sim {

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
  c.with_flash_array = f.array_saturation();
  c.baseline_array = b.array_saturation();
  c.with_flash_nvram = f.nvram_used_bytes;
  c.baseline_nvram = b.nvram_used_bytes;
  if (b.array_last) c.nvram_bytes = b.array_last->second.nvram_bytes;
  if (b.array_first && b.array_last) {
    c.baseline_nvram_waits =
        b.array_last->second.writes_waited - b.array_first->second.writes_waited;
  }
  return c;
}

}  // namespace flashtwin::sim
