#include "destage_pacer.hpp"

#include "block_key.hpp"  // Uint128

#include <algorithm>

namespace flashtwin::engine {

DestagePacer::DestagePacer(const DestageConfig& config, std::uint64_t low_blocks,
                           std::uint64_t high_blocks)
    : min_rate_(config.min_rate_bytes_per_s),
      max_rate_(config.max_rate_bytes_per_s),
      low_blocks_(low_blocks),
      high_blocks_(high_blocks),
      retry_after_ns_(config.retry_after_ns),
      max_tries_(config.max_tries) {}

std::uint64_t DestagePacer::rate(std::uint64_t dirty, bool full) const {
  if (full || urgent_ || dirty >= high_blocks_) return max_rate_;
  if (dirty <= low_blocks_) return min_rate_;
  // low < dirty < high here, so high > low.
  const std::uint64_t span = max_rate_ - min_rate_;
  return min_rate_ + static_cast<std::uint64_t>(static_cast<Uint128>(span) * (dirty - low_blocks_) /
                                                (high_blocks_ - low_blocks_));
}

TimeNs DestagePacer::next_start(std::uint64_t rate) const {
  if (last_bytes_ == 0) return last_start_;
  const auto spacing_ns =
      static_cast<TimeNs>((static_cast<Uint128>(last_bytes_) * 1'000'000'000u + rate - 1) / rate);
  return last_start_ + spacing_ns;
}

void DestagePacer::started(TimeNs now, std::uint64_t bytes) {
  last_start_ = now;
  last_bytes_ = bytes;
}

bool DestagePacer::failed(TimeNs now) {
  if (now < retry_until_) return false;  // same outage as the failure that started this back-off
  if (failures_in_a_row_ < 0xFFFFFFFFu) ++failures_in_a_row_;
  const std::uint32_t doublings = std::min<std::uint32_t>(failures_in_a_row_ - 1, 6);
  retry_until_ = now + (retry_after_ns_ << doublings);
  return true;
}

}  // namespace flashtwin::engine
