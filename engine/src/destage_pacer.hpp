// DestagePacer: when the next destage operation may start — the destage rate controller, the
// watermark hysteresis and the back-off after failures (docs/ENGINE.md, "Destage rate" and
// "Destage failures").
//
// Owned by HostEngine::Core, which tells it the dirty level, each destage started, each destage
// that succeeded or failed, and asks it for the rate and the earliest start time. It holds no
// clock: time comes in with every call. Invariants: urgent() only between a rise to the high
// watermark and the next fall to the low one; failures_in_a_row() counts failed rounds (failures
// inside one back-off window count once) and is 0 after any success.
#pragma once

#include "flashtwin/engine/config.hpp"
#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <optional>

namespace flashtwin::engine {

class DestagePacer {
 public:
  // `low_blocks` < `high_blocks`, or equal; watermarks in blocks of the cache.
  DestagePacer(const DestageConfig& config, std::uint64_t low_blocks, std::uint64_t high_blocks);

  // ---- watermarks and rate
  // Updates the hysteresis with the current dirty level: urgent from the high watermark down to
  // the low one.
  void observe_dirty(std::uint64_t dirty_blocks) {
    if (dirty_blocks >= high_blocks_) urgent_ = true;
    if (dirty_blocks <= low_blocks_) urgent_ = false;
  }
  bool urgent() const { return urgent_; }
  // Pacing on (max rate > 0)? Unpaced destage runs only when urgent, for waiters and when idle.
  bool paced() const { return max_rate_ > 0; }
  // Bytes per second for `dirty_blocks`: the max rate when `full` (something waits, the host is
  // idle) or urgent; else from the min rate at the low watermark, in proportion, to the max rate
  // at the high one. 0 when not paced.
  std::uint64_t rate(std::uint64_t dirty_blocks, bool full) const;
  // The earliest time the next operation may start at `rate` (> 0): the last one's bytes take
  // their time at that rate from its start. Earlier than or equal to any `now`: at once.
  TimeNs next_start(std::uint64_t rate) const;
  void started(TimeNs now, std::uint64_t bytes);

  // ---- failures
  bool backing_off(TimeNs now) const { return now < retry_until_; }
  TimeNs retry_until() const { return retry_until_; }
  void succeeded() { failures_in_a_row_ = 0; }
  // A destage failed at `now`: outside a back-off it starts a new one, twice as long as the last
  // (retry_after_ns, at most 64 times it). Returns true if it counted as a new failure in a row.
  bool failed(TimeNs now);
  // max_tries failures in a row: waiters should fail instead of waiting.
  bool gave_up() const { return failures_in_a_row_ >= max_tries_; }
  std::uint32_t failures_in_a_row() const { return failures_in_a_row_; }

 private:
  std::uint64_t min_rate_, max_rate_;
  std::uint64_t low_blocks_, high_blocks_;
  TimeNs retry_after_ns_;
  std::uint32_t max_tries_;

  bool urgent_ = false;
  TimeNs last_start_ = 0;
  std::uint64_t last_bytes_ = 0;  // 0: no destage yet
  std::uint32_t failures_in_a_row_ = 0;
  TimeNs retry_until_ = 0;
};

}  // namespace flashtwin::engine
