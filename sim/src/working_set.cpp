#include "flashtwin/sim/working_set.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace flashtwin::sim {

WorkingSetWindows::WorkingSetWindows(double window_s, std::uint32_t block_bytes)
    : window_s_(window_s), block_bytes_(block_bytes) {
  if (!(window_s > 0) || !std::isfinite(window_s)) {
    throw std::invalid_argument("working set: window: must be finite and > 0 seconds");
  }
  if (block_bytes == 0) throw std::invalid_argument("working set: block_bytes: must be > 0");
}

void WorkingSetWindows::request(std::uint32_t disk, const models::StreamRequest& r) {
  if (r.length_bytes == 0) return;
  if (r.kind != engine::IoKind::read && r.kind != engine::IoKind::write) return;
  const double t_s = static_cast<double>(std::max<std::int64_t>(r.time_ns, 0)) / 1e9;
  const auto window = static_cast<std::uint64_t>(t_s / window_s_);
  // Stored as 1 + window, in 32 bits: a window index beyond that (a corrupt timestamp) is
  // clamped, which can only merge such far windows.
  const auto mark = static_cast<std::uint32_t>(std::min<std::uint64_t>(window, 0xFFFFFFFEu) + 1);
  WorkingSetWindow& w = by_disk_[disk][window];
  const std::uint64_t last_block = (r.offset_bytes + r.length_bytes - 1) / block_bytes_;
  for (std::uint64_t b = r.offset_bytes / block_bytes_; b <= last_block; ++b) {
    std::uint32_t& seen = last_window_[disk_block_key(disk, b)];
    if (seen == mark) continue;
    ++w.blocks;
    if (seen == 0) ++w.new_blocks;
    seen = mark;
  }
}

std::map<std::uint64_t, WorkingSetWindow> WorkingSetWindows::total() const {
  std::map<std::uint64_t, WorkingSetWindow> out;
  for (const auto& [disk, windows] : by_disk_) {
    for (const auto& [index, w] : windows) {
      out[index].blocks += w.blocks;
      out[index].new_blocks += w.new_blocks;
    }
  }
  return out;
}

}  // namespace flashtwin::sim
