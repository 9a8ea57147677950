// Re-warm after a migration (docs/RESULTS.md, "Migrations"): per migrated VM, its local hit ratio
// before the move, the blocks its reads got from the old host's flash after it, and how long its
// local hit ratio took to come back to a stated share of the value before. Part of Metrics.
//
// Definitions: `local_hit_ratio_before` is the VM's local flash blocks / read blocks over its
// successful reads completed in the last time-series interval that ended before the migration
// and had reads (the steady value the cache had reached; with no such interval, over its reads
// from the run's start to the migration). The re-warm time is from the migration to the end of the
// first time-series interval that starts at or after it and whose local hit ratio (of the VM's
// reads completed in it) reaches share x before; none when that never happens within the run or
// when the VM had no read before it. Resolution: the output interval.
#pragma once

#include "flashtwin/engine/io.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace flashtwin::sim {

// A migration's memory copy from the old host to the new one (docs/CLUSTER.md, "Migration"):
// `bytes` crossed the network over (start_ns, end_ns]. 0 bytes: not modelled, and start_ns ==
// end_ns == the event's time.
struct MemoryCopyTotals {
  std::uint64_t bytes = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::int64_t duration_ns() const { return end_ns - start_ns; }
};

struct MigrationTotals {
  std::size_t vm = 0;
  std::size_t from = 0;
  std::size_t to = 0;
  std::int64_t at_ns = 0;  // the switch-over (after the memory copy, once the VM was quiet)
  MemoryCopyTotals memory_copy;
  double local_hit_ratio_before = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t remote_hit_blocks = 0;  // read blocks served by the old host after the move
  std::uint64_t bytes_pulled = 0;       // remote_hit_blocks x the cache block size
  std::optional<std::int64_t> rewarm_ns;
};

class RewarmTracker {
 public:
  // `share` in (0, 1]; `block_bytes` the cache block size.
  RewarmTracker(std::size_t vms, double share, std::uint32_t block_bytes);

  // VM vm switched over at at_ns; its memory copy (if any) ended at or before it.
  void migrated(std::size_t vm, std::size_t from, std::size_t to, std::int64_t at_ns,
                const MemoryCopyTotals& memory_copy = {});
  // A successful read of `vm` completed.
  void read_completed(std::size_t vm, const engine::ServedBlocks& served);
  // The VM's interval (start_ns, end_ns] closed with these read blocks: local of total.
  void interval_closed(std::size_t vm, std::int64_t start_ns, std::int64_t end_ns,
                       std::uint64_t local_blocks, std::uint64_t total_blocks);

  double share() const { return share_; }
  const std::vector<MigrationTotals>& migrations() const { return migrations_; }

 private:
  struct Reads {
    std::uint64_t local = 0, total = 0;            // since the run's start
    std::uint64_t last_local = 0, last_total = 0;  // the last closed interval with reads
    std::optional<std::size_t> migration;          // index in migrations_
  };
  double share_;
  std::uint32_t block_bytes_;
  std::vector<Reads> vms_;
  std::vector<MigrationTotals> migrations_;
};

}  // namespace flashtwin::sim
