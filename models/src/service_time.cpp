// Gamma-distributed service times (see service_time.hpp).
#include "service_time.hpp"

#include <cmath>
#include <numbers>

namespace flashtwin::models {
namespace {

// A standard normal draw (Box-Muller, one of the pair).
double standard_normal(RandomSource& random) {
  const double u1 = 1.0 - random.uniform();  // in (0, 1]
  const double u2 = random.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// Gamma(shape k >= 1, scale 1), Marsaglia and Tsang.
double standard_gamma(double k, RandomSource& random) {
  const double d = k - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0;
    double v = 0;
    do {
      x = standard_normal(random);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - random.uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace

double sample_service_s(double mean_s, double cv, RandomSource& random) {
  if (cv <= 0.0 || mean_s <= 0.0) return mean_s;
  if (cv >= 1.0) return mean_s * random.exponential();
  const double k = 1.0 / (cv * cv);
  return standard_gamma(k, random) * mean_s / k;
}

}  // namespace flashtwin::models
