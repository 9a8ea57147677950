#include "array_state.hpp"

#include <algorithm>
#include <cmath>

namespace flashtwin::sim {

void ArrayState::advance(double now_s) {
  nvram_used_ = std::max(0.0, nvram_used_ - (now_s - last_s_) * profile_.destage_mbps * 1e6);
  last_s_ = now_s;
  if (now_s - window_start_s_ >= kWindowS) {
    // A window with no I/O at all also counts: the load decays to zero.
    const double windows = std::floor((now_s - window_start_s_) / kWindowS);
    load_iops_ = windows == 1 ? static_cast<double>(window_ios_) / kWindowS : 0.0;
    window_start_s_ += windows * kWindowS;
    window_ios_ = 0;
  }
}

double ArrayState::backend_delay_s() {
  ++window_ios_;
  const double unloaded = profile_.backend_base_latency_us;
  const double latency = models::backend_latency_us(profile_, load_iops_);
  return std::min(latency, unloaded * kSaturatedFactor) * 1e-6;
}

double ArrayState::write_delay_s(double now_s, std::uint64_t bytes) {
  advance(now_s);
  const auto size = static_cast<double>(bytes);
  if (nvram_used_ + size <= static_cast<double>(profile_.nvram_bytes)) {
    nvram_used_ += size;
    return 0;
  }
  return backend_delay_s();
}

double ArrayState::read_delay_s(double now_s) {
  advance(now_s);
  return backend_delay_s();
}

}  // namespace flashtwin::sim
