// The peak-memory estimate of a run (see design_memory.hpp).
#include "flashtwin/sim/design_memory.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace flashtwin::sim {

std::uint64_t touched_blocks_bound(const Scenario& scenario) {
  const double block = scenario.cache.block_bytes;
  std::map<std::string, double> disk_blocks_by_host;  // what prewarm can fill from, per host
  double touched = 0;
  for (const VmSpec& vm : scenario.vms) {
    for (const DiskSpec& disk : vm.disks) {
      const double disk_blocks = std::ceil(disk.size_gib * 1073741824.0 / block);
      double reach = disk_blocks;
      if (!disk.workload.trace) {
        const models::SyntheticWorkload& w = disk.workload.synthetic;
        std::uint64_t largest = 0;
        for (const models::SizeWeight& s : w.size_mix)
          largest = std::max(largest, s.length_bytes);
        const double blocks_per_request = std::ceil(static_cast<double>(largest) / block) + 1;
        reach = std::min(disk_blocks, w.iops * scenario.duration_s * blocks_per_request);
      }
      touched += reach;
      disk_blocks_by_host[vm.host] += disk_blocks;
    }
  }
  if (scenario.prewarm) {
    for (const HostSpec& host : scenario.cluster.hosts) {
      double capacity = 0;
      for (const FlashSpec& flash : host.flash)
        capacity += flash.capacity_gib * 1073741824.0 / block;
      touched += std::min(capacity, disk_blocks_by_host[host.name]);
    }
  }
  return static_cast<std::uint64_t>(touched);
}

std::uint64_t estimate_peak_memory_bytes(const Scenario& scenario) {
  return kBaseBytes + kBytesPerTouchedBlock * touched_blocks_bound(scenario);
}

}  // namespace flashtwin::sim
