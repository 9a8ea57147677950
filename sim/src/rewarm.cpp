#include "flashtwin/sim/rewarm.hpp"

#include <stdexcept>
#include <string>

namespace flashtwin::sim {

RewarmTracker::RewarmTracker(std::size_t vms, double share, std::uint32_t block_bytes)
    : share_(share), block_bytes_(block_bytes), vms_(vms) {
  if (!(share > 0 && share <= 1))
    throw std::invalid_argument("re-warm share must be in (0, 1], got " + std::to_string(share));
}

void RewarmTracker::migrated(std::size_t vm, std::size_t from, std::size_t to, std::int64_t at_ns,
                             const MemoryCopyTotals& memory_copy) {
  if (vm >= vms_.size())
    throw std::out_of_range("Metrics::migration: VM " + std::to_string(vm) + " does not exist");
  if (memory_copy.start_ns > memory_copy.end_ns || memory_copy.end_ns > at_ns) {
    throw std::invalid_argument(
        "Metrics::migration: memory copy from " + std::to_string(memory_copy.start_ns) + " to " +
        std::to_string(memory_copy.end_ns) + " ns does not end by the switch-over at " +
        std::to_string(at_ns) + " ns");
  }
  Reads& reads = vms_[vm];
  MigrationTotals m;
  m.vm = vm;
  m.from = from;
  m.to = to;
  m.at_ns = at_ns;
  m.memory_copy = memory_copy;
  if (reads.last_total > 0) {
    m.local_hit_ratio_before =
        static_cast<double>(reads.last_local) / static_cast<double>(reads.last_total);
  } else if (reads.total > 0) {
    m.local_hit_ratio_before = static_cast<double>(reads.local) / static_cast<double>(reads.total);
  }
  reads.migration = migrations_.size();
  migrations_.push_back(m);
}

void RewarmTracker::read_completed(std::size_t vm, const engine::ServedBlocks& served) {
  Reads& reads = vms_[vm];
  reads.local += served.local_flash;
  reads.total += served.local_flash + served.remote_flash + served.array;
  if (reads.migration) {
    MigrationTotals& m = migrations_[*reads.migration];
    m.remote_hit_blocks += served.remote_flash;
    m.bytes_pulled += std::uint64_t{served.remote_flash} * block_bytes_;
  }
}

void RewarmTracker::interval_closed(std::size_t vm, std::int64_t start_ns, std::int64_t end_ns,
                                    std::uint64_t local_blocks, std::uint64_t total_blocks) {
  Reads& reads = vms_[vm];
  if (total_blocks > 0) {  // the "before" of the VM's next migration
    reads.last_local = local_blocks;
    reads.last_total = total_blocks;
  }
  if (!reads.migration) return;
  MigrationTotals& m = migrations_[*reads.migration];
  if (m.rewarm_ns || start_ns < m.at_ns || total_blocks == 0 ||
      !(m.local_hit_ratio_before == m.local_hit_ratio_before))  // NaN: no read before
    return;
  const double local = static_cast<double>(local_blocks) / static_cast<double>(total_blocks);
  if (local >= share_ * m.local_hit_ratio_before) m.rewarm_ns = end_ns - m.at_ns;
}

}  // namespace flashtwin::sim
