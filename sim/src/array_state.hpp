// ArrayState: what the array does behind its front-end link, which the SimGrid platform models
// (bandwidth and controller latency). Two pieces of state:
//   - the NVRAM write cache: a write is absorbed (no extra time) while the cache has room; the
//     cache drains to the backend at destage_mbps; a write that finds it full waits for the
//     backend like a read;
//   - the backend: its latency rises with load as models::backend_latency_us describes; the load
//     is the rate of backend I/Os (reads and writes that missed the NVRAM) over the previous
//     window of kWindowS seconds. At or above the backend's IOPS ceiling its latency is capped at
//     kSaturatedFactor x the unloaded latency (the formula's infinity cannot be simulated).
// Internal to sim/. Deterministic; time is given, never read.
#pragma once

#include "flashtwin/models/array_model.hpp"

#include <cstdint>

namespace flashtwin::sim {

class ArrayState {
 public:
  static constexpr double kWindowS = 0.1;
  static constexpr double kSaturatedFactor = 100;

  explicit ArrayState(const models::ArrayProfile& profile) : profile_(profile) {}

  // Seconds a write of `bytes` arriving at `now_s` spends beyond the front end.
  double write_delay_s(double now_s, std::uint64_t bytes);
  // Seconds a read arriving at `now_s` spends in the backend.
  double read_delay_s(double now_s);

  std::uint64_t nvram_used_bytes() const { return static_cast<std::uint64_t>(nvram_used_); }

 private:
  void advance(double now_s);
  double backend_delay_s();

  models::ArrayProfile profile_;
  double nvram_used_ = 0;
  double last_s_ = 0;
  double window_start_s_ = 0;
  std::uint64_t window_ios_ = 0;
  double load_iops_ = 0;
};

}  // namespace flashtwin::sim
