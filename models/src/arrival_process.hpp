// ArrivalProcess: the issue times of a synthetic stream, constant or Poisson at a rate that may
// alternate between "on" and "off" periods (bursts). Internal to models/.
//
// Method: arrivals are spaced in "operational time" (expected number of requests since the start),
// at unit rate: 0, 1, 2, ... for constant arrivals, partial sums of unit exponentials for Poisson.
// Operational time maps to real time through the inverse of the cumulative rate function, which is
// piecewise linear with bursts. This makes the Poisson case an exact non-homogeneous Poisson
// process and keeps constant arrivals free of accumulated rounding: the i-th time is floor(i * 1e9
// / iops) ns without bursts, so the gaps are exactly periodic when 1e9 / iops is a whole number of
// nanoseconds (within 1 ns otherwise).
//
// Bursts: cycles of burst_on_s at iops then burst_off_s at iops * burst_off_rate_factor, starting
// "on"; the period lengths are rounded to whole nanoseconds. With a factor of 0 no time ever falls
// in [on, on + off) of a cycle (times are floored to the nanosecond, so they stay below the end of
// the "on" period).
//
// Not thread-safe; the caller provides the randomness.
#pragma once

#include "flashtwin/models/synthetic_workload.hpp"
#include "random_source.hpp"

namespace flashtwin::models {

class ArrivalProcess {
 public:
  // Requires a valid workload (see validate).
  explicit ArrivalProcess(const SyntheticWorkload& workload);

  // Time of the next request in nanoseconds since the start, a whole number as a double (it may
  // exceed the int64 range for absurdly long streams; the caller checks). Never decreases.
  double next_time_ns(RandomSource& random);

 private:
  double real_time_ns(double operational) const;

  bool poisson_;
  double requests_done_ = 0.0;  // constant arrivals: index of the next request
  double operational_ = 0.0;    // Poisson arrivals: operational time of the last request
  double on_period_ns_;         // 1e9 / iops: ns per request while "on"
  bool bursts_;
  double on_ns_ = 0.0;
  double cycle_ns_ = 0.0;
  double off_factor_ = 0.0;
  double on_requests_ = 0.0;     // expected requests in one "on" period
  double cycle_requests_ = 0.0;  // expected requests in one on + off cycle
};

}  // namespace flashtwin::models
