// WorkingSetWindows: the working set of each virtual disk over time — in every window of
// window_s seconds, the distinct blocks read or written (the working set) and, of them, the
// blocks never touched before (new: the footprint's growth). What an architect reads to see
// whether a workload's hot data fits a cache, and whether it drifts (docs/SIZING.md).
//
// Blocks are block_bytes wide, keyed by (disk, block); flushes and discards touch none. Windows
// start at time 0 of the stream and are kept sparse (a window without requests has no entry).
// Memory: a few bytes per distinct block (one BlockMap entry). Not thread-safe.
#pragma once

#include "flashtwin/models/request_stream.hpp"
#include "flashtwin/sim/block_map.hpp"

#include <cstdint>
#include <map>

namespace flashtwin::sim {

struct WorkingSetWindow {
  std::uint64_t blocks = 0;      // distinct blocks touched in the window
  std::uint64_t new_blocks = 0;  // of them, touched for the first time
};

class WorkingSetWindows {
 public:
  // window_s > 0 and block_bytes > 0 (std::invalid_argument otherwise).
  explicit WorkingSetWindows(double window_s, std::uint32_t block_bytes = 4096);

  void request(std::uint32_t disk, const models::StreamRequest& request);

  double window_s() const { return window_s_; }
  std::uint32_t block_bytes() const { return block_bytes_; }
  // Per disk, per window index (window k covers [k * window_s, (k + 1) * window_s)).
  const std::map<std::uint32_t, std::map<std::uint64_t, WorkingSetWindow>>& by_disk() const {
    return by_disk_;
  }
  // Every disk together (their blocks are distinct).
  std::map<std::uint64_t, WorkingSetWindow> total() const;

 private:
  double window_s_;
  std::uint32_t block_bytes_;
  BlockMap<std::uint32_t> last_window_;  // block -> 1 + index of the last window touching it
  std::map<std::uint32_t, std::map<std::uint64_t, WorkingSetWindow>> by_disk_;
};

}  // namespace flashtwin::sim
