// ZipfSampler and zeta, white-box. rank_for is monotone in u, so the exact probability it gives
// each rank is the length of the u-interval mapping to it, found by bisection: these tests check
// the implemented distribution itself, without sampling noise.
#include "zipf_sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace flashtwin::models {
namespace {

double summed_zeta(std::uint64_t n, double theta) {
  double sum = 0;
  for (std::uint64_t i = n; i >= 1; --i) {
    sum += std::pow(static_cast<double>(i), -theta);
  }
  return sum;
}

// Smallest u (to double precision) with rank_for(u) >= rank.
double first_u_of(const ZipfSampler& sampler, std::uint64_t rank) {
  double low = 0.0;  // rank_for(low) < rank, unless rank == 0
  double high = 1.0;
  if (rank == 0) return 0.0;
  for (int i = 0; i < 64; ++i) {
    const double mid = (low + high) / 2;
    (sampler.rank_for(mid) >= rank ? high : low) = mid;
  }
  return high;
}

double implemented_probability(const ZipfSampler& sampler, std::uint64_t rank) {
  const double end = rank + 1 == sampler.item_count() ? 1.0 : first_u_of(sampler, rank + 1);
  return end - first_u_of(sampler, rank);
}

void expect_close_to_zipf(std::uint64_t n, double theta, double relative_tolerance) {
  const ZipfSampler sampler(n, theta);
  const double zeta_n = summed_zeta(n, theta);
  std::vector<std::uint64_t> ranks;
  for (std::uint64_t r = 0; r < std::min<std::uint64_t>(n, 200); ++r) {
    ranks.push_back(r);
  }
  if (n > 400) {
    for (const std::uint64_t r : {n / 10, n / 2, n - 2, n - 1}) {
      ranks.push_back(r);
    }
  }
  double previous = 2.0;
  for (const std::uint64_t r : ranks) {
    const double exact = std::pow(static_cast<double>(r + 1), -theta) / zeta_n;
    const double got = implemented_probability(sampler, r);
    // u has 53 bits, so ranks rarer than ~1e-13 are quantised: compare those absolutely.
    if (exact > 1e-11) {
      EXPECT_NEAR(got / exact, 1.0, relative_tolerance)
          << "n " << n << " theta " << theta << " rank " << r;
    } else {
      EXPECT_NEAR(got, exact, 1e-14) << "n " << n << " theta " << theta << " rank " << r;
    }
    if (r < 200) {
      EXPECT_LT(got, previous) << "probabilities must decrease with rank; rank " << r;
      previous = got;
    }
  }
}

TEST(ZipfSampler, RankProbabilitiesMatchZipfBelowThetaOne) {
  expect_close_to_zipf(100'000, 0.2, 1e-3);
  expect_close_to_zipf(100'000, 0.5, 1e-3);
  expect_close_to_zipf(100'000, 0.99, 1e-3);
}

TEST(ZipfSampler, RankProbabilitiesMatchZipfAtAndAboveThetaOne) {
  expect_close_to_zipf(100'000, 1.0, 1e-3);
  expect_close_to_zipf(100'000, 1.2, 1e-3);
  expect_close_to_zipf(100'000, 2.0, 1e-3);
  expect_close_to_zipf(100'000, 3.0, 1e-3);
}

TEST(ZipfSampler, SmallDomainsAreExact) {
  for (const std::uint64_t n : {1, 2, 3, 16, 17}) {
    expect_close_to_zipf(n, 0.99, 1e-9);
  }
}

TEST(ZipfSampler, ThetaNearOneIsStable) {
  expect_close_to_zipf(100'000, 1.0 - 1e-9, 1e-3);
  expect_close_to_zipf(100'000, 1.0 + 1e-9, 1e-3);
}

TEST(ZipfSampler, DrawsStayInRange) {
  const ZipfSampler sampler(1000, 0.8);
  EXPECT_EQ(sampler.rank_for(0.0), 0U);
  EXPECT_EQ(sampler.rank_for(std::nextafter(1.0, 0.0)), 999U);
  RandomSource random(7);
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_LT(sampler.draw(random), 1000U);
  }
}

TEST(Zeta, EulerMaclaurinMatchesSummation) {
  for (const double theta : {0.2, 0.99, 1.0, 1.5, 3.0}) {
    const double summed = summed_zeta(2'000'000, theta);
    EXPECT_NEAR(zeta_euler_maclaurin(2'000'000, theta) / summed, 1.0, 1e-12) << theta;
  }
}

TEST(Zeta, IsContinuousAcrossTheSummationLimit) {
  const double theta = 0.99;
  const double below = zeta(kZetaSummationLimit, theta);
  const double above = zeta(kZetaSummationLimit + 1, theta);
  const double next_term = std::pow(static_cast<double>(kZetaSummationLimit + 1), -theta);
  EXPECT_NEAR((above - below) / next_term, 1.0, 1e-4);
}

TEST(Zeta, LargeDisksUseEulerMaclaurin) {
  // 300 million 4 KiB blocks (1.2 TB): O(1) via Euler-Maclaurin; harmonic number check at theta 1.
  const double n = 300e6;
  const double harmonic = std::log(n) + 0.5772156649015329 + 1 / (2 * n);
  EXPECT_NEAR(zeta(300'000'000, 1.0), harmonic, 1e-9);
  const ZipfSampler sampler(300'000'000, 0.99);
  EXPECT_LT(sampler.rank_for(0.999999), 300'000'000U);
}

}  // namespace
}  // namespace flashtwin::models
