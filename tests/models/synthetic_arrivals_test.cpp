// Issue times of synthetic streams: Poisson statistics, exact periodic constant arrivals, bursts.
// Statistical tolerances are about 5 standard deviations, so they hold for any seed.
#include "collect_requests.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace flashtwin::models {
namespace {

using testing::collect;
using testing::small_workload;

std::vector<double> gaps_ns(const std::vector<StreamRequest>& requests) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < requests.size(); ++i) {
    gaps.push_back(static_cast<double>(requests[i].time_ns - requests[i - 1].time_ns));
  }
  return gaps;
}

TEST(PoissonArrivals, MeanGapIsOneOverIopsAndCoefficientOfVariationIsOne) {
  SyntheticWorkload workload = small_workload();
  workload.iops = 2500;
  const std::vector<double> gaps = gaps_ns(collect(workload));
  double sum = 0;
  double sum_squares = 0;
  for (const double gap : gaps) {
    ASSERT_GE(gap, 0.0);
    sum += gap;
    sum_squares += gap * gap;
  }
  const double n = static_cast<double>(gaps.size());
  const double mean = sum / n;
  const double cv = std::sqrt(sum_squares / n - mean * mean) / mean;
  // Mean of 1e5 exponentials: relative sigma 1/sqrt(1e5) = 0.32% -> 1.6%. The sample CV of an
  // exponential has sigma sqrt(8 / (4 n)) = 0.0045 -> 0.025.
  EXPECT_NEAR(mean, 1e9 / 2500, 0.016 * 1e9 / 2500);
  EXPECT_NEAR(cv, 1.0, 0.025);
}

TEST(ConstantArrivals, AreExactlyPeriodicFromZero) {
  SyntheticWorkload workload = small_workload();
  workload.arrivals = ArrivalKind::constant;
  workload.iops = 4000;
  const auto requests = collect(workload);
  ASSERT_EQ(requests.size(), 100'000U);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(requests[i].time_ns, static_cast<std::int64_t>(i) * 250'000) << i;
  }
}

TEST(ConstantArrivals, NonIntegralPeriodStaysWithinOneNanosecondWithoutDrift) {
  SyntheticWorkload workload = small_workload();
  workload.arrivals = ArrivalKind::constant;
  workload.iops = 3;  // 333333333.33 ns
  const auto requests = collect(workload);
  for (const double gap : gaps_ns(requests)) {
    ASSERT_TRUE(gap == 333'333'333 || gap == 333'333'334) << gap;
  }
  const auto last = static_cast<double>(requests.back().time_ns);
  EXPECT_NEAR(last, 99'999 * 1e9 / 3, 1.0);
}

// Requests per phase of a 100 ms on / 200 ms off cycle.
struct PhaseCounts {
  double on = 0;
  double off = 0;
};

PhaseCounts count_phases(const std::vector<StreamRequest>& requests) {
  PhaseCounts counts;
  for (const StreamRequest& r : requests) {
    (r.time_ns % 300'000'000 < 100'000'000 ? counts.on : counts.off) += 1;
  }
  return counts;
}

SyntheticWorkload bursty(ArrivalKind arrivals, double off_factor) {
  SyntheticWorkload workload = small_workload();
  workload.arrivals = arrivals;
  workload.burst_on_s = 0.1;
  workload.burst_off_s = 0.2;
  workload.burst_off_rate_factor = off_factor;
  workload.max_requests = 0;
  workload.duration_s = 30;
  return workload;
}

TEST(BurstyArrivals, NoRequestsInOffPeriods) {
  const auto constant = collect(bursty(ArrivalKind::constant, 0.0));
  EXPECT_EQ(count_phases(constant).off, 0);
  EXPECT_EQ(constant.size(), 100U * 100U);        // 100 per on period, 100 cycles
  EXPECT_EQ(constant[100].time_ns, 300'000'000);  // the second on period starts on time

  const auto poisson = collect(bursty(ArrivalKind::poisson, 0.0));
  EXPECT_EQ(count_phases(poisson).off, 0);
  EXPECT_NEAR(static_cast<double>(poisson.size()), 10'000.0, 5 * std::sqrt(10'000.0));
}

TEST(BurstyArrivals, OffPeriodsRunAtTheReducedRate) {
  // Off periods last twice as long at half the rate: as many requests as the on periods.
  const PhaseCounts constant = count_phases(collect(bursty(ArrivalKind::constant, 0.5)));
  EXPECT_EQ(constant.on, 10'000);
  EXPECT_EQ(constant.off, 10'000);

  const PhaseCounts poisson = count_phases(collect(bursty(ArrivalKind::poisson, 0.5)));
  const double total = poisson.on + poisson.off;
  EXPECT_NEAR(total, 20'000.0, 5 * std::sqrt(20'000.0));
  EXPECT_NEAR(poisson.off / total, 0.5, 5 * std::sqrt(0.25 / 20'000.0));  // 0.018
}

TEST(BurstyArrivals, TimesNeverDecrease) {
  for (const double factor : {0.0, 0.3}) {
    for (const ArrivalKind kind : {ArrivalKind::constant, ArrivalKind::poisson}) {
      const auto requests = collect(bursty(kind, factor));
      for (std::size_t i = 1; i < requests.size(); ++i) {
        ASSERT_LE(requests[i - 1].time_ns, requests[i].time_ns) << i;
      }
    }
  }
}

}  // namespace
}  // namespace flashtwin::models
