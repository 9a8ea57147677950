#include "arrival_process.hpp"

#include <algorithm>
#include <cmath>

namespace flashtwin::models {

ArrivalProcess::ArrivalProcess(const SyntheticWorkload& workload)
    : poisson_(workload.arrivals == ArrivalKind::poisson),
      on_period_ns_(1e9 / workload.iops),
      bursts_(workload.burst_on_s > 0.0 && workload.burst_off_s > 0.0) {
  if (!bursts_) return;
  on_ns_ = std::round(workload.burst_on_s * 1e9);
  cycle_ns_ = on_ns_ + std::round(workload.burst_off_s * 1e9);
  off_factor_ = workload.burst_off_rate_factor;
  on_requests_ = on_ns_ / on_period_ns_;
  cycle_requests_ = on_requests_ + (cycle_ns_ - on_ns_) * off_factor_ / on_period_ns_;
}

double ArrivalProcess::next_time_ns(RandomSource& random) {
  double operational = 0.0;
  if (poisson_) {
    operational_ += random.exponential();
    operational = operational_;
  } else {
    operational = requests_done_;
    requests_done_ += 1.0;
  }
  return real_time_ns(operational);
}

double ArrivalProcess::real_time_ns(double operational) const {
  if (!bursts_) return std::floor(operational * on_period_ns_);
  const double cycles = std::floor(operational / cycle_requests_);
  const double within = operational - cycles * cycle_requests_;
  double offset_ns = 0.0;
  if (within < on_requests_ || off_factor_ == 0.0) {
    offset_ns = std::min(std::floor(within * on_period_ns_), on_ns_ - 1.0);
  } else {
    const double off_ns = (within - on_requests_) * on_period_ns_ / off_factor_;
    offset_ns = std::min(on_ns_ + std::floor(off_ns), cycle_ns_ - 1.0);
  }
  return cycles * cycle_ns_ + std::max(offset_ns, 0.0);
}

}  // namespace flashtwin::models
