#include "zipf_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t kExactHead = 1000;  // terms summed exactly before the Euler-Maclaurin tail

void require_arguments(std::uint64_t n, double theta) {
  if (n == 0) throw std::invalid_argument("zipf: item count must be >= 1");
  if (!(theta > 0.0) || !std::isfinite(theta)) {
    throw std::invalid_argument("zipf: theta must be finite and > 0, got " + std::to_string(theta));
  }
}

// Sum of i^-theta for i in [first, last], smallest terms first to limit rounding error.
double sum_terms(std::uint64_t first, std::uint64_t last, double theta) {
  double sum = 0.0;
  for (std::uint64_t i = last; i >= first; --i) {
    sum += std::pow(static_cast<double>(i), -theta);
  }
  return sum;
}

// Integral of x^-theta over [a, b], stable for theta near 1: a^s * expm1(s ln(b/a)) / s, s =
// 1-theta.
double power_integral(double a, double b, double theta) {
  const double s = 1.0 - theta;
  const double log_ratio = std::log(b / a);
  if (s == 0.0) return log_ratio;
  return std::pow(a, s) * std::expm1(s * log_ratio) / s;
}

}  // namespace

double zeta_euler_maclaurin(std::uint64_t n, double theta) {
  require_arguments(n, theta);
  if (n <= kExactHead) return sum_terms(1, n, theta);
  const double a = static_cast<double>(kExactHead + 1);
  const double b = static_cast<double>(n);
  const auto f = [theta](double x) { return std::pow(x, -theta); };
  const auto f1 = [theta](double x) { return -theta * std::pow(x, -theta - 1.0); };
  const auto f3 = [theta](double x) {
    return -theta * (theta + 1.0) * (theta + 2.0) * std::pow(x, -theta - 3.0);
  };
  const double tail = power_integral(a, b, theta) + (f(a) + f(b)) / 2.0 + (f1(b) - f1(a)) / 12.0 -
                      (f3(b) - f3(a)) / 720.0;
  return tail + sum_terms(1, kExactHead, theta);
}

double zeta(std::uint64_t n, double theta) {
  require_arguments(n, theta);
  if (n > kZetaSummationLimit) return zeta_euler_maclaurin(n, theta);
  // Disks of one size share their sum (a scenario's VMs often do, and prewarm draws from a second
  // sampler of each disk): computed once per process, since a sum of millions of terms costs as
  // much as simulating a hundred thousand I/Os.
  static std::mutex mutex;
  static std::map<std::pair<std::uint64_t, double>, double> sums;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto [it, added] = sums.try_emplace({n, theta}, 0.0);
  if (added) it->second = sum_terms(1, n, theta);
  return it->second;
}

ZipfSampler::ZipfSampler(std::uint64_t item_count, double theta)
    : item_count_(item_count),
      theta_(theta),
      zeta_n_(zeta(item_count, theta)),
      one_minus_theta_(1.0 - theta),
      tail_start_(0.0),
      tail_log_ratio_(0.0),
      tail_expm1_(0.0) {
  const std::uint64_t head = std::min(item_count_, kExactRanks);
  double sum = 0.0;
  for (std::uint64_t rank = 0; rank < head; ++rank) {
    sum += std::pow(static_cast<double>(rank + 1), -theta);
    head_cumulative_.push_back(sum);
  }
  if (head == item_count_) return;  // every rank is in the exact table
  tail_start_ = static_cast<double>(head) + 0.5;
  tail_log_ratio_ = std::log((static_cast<double>(item_count_) + 0.5) / tail_start_);
  tail_expm1_ = std::expm1(one_minus_theta_ * tail_log_ratio_);
}

std::uint64_t ZipfSampler::rank_for(double u) const {
  const double scaled = u * zeta_n_;
  const auto head = std::upper_bound(head_cumulative_.begin(), head_cumulative_.end(), scaled);
  if (head != head_cumulative_.end()) {
    return static_cast<std::uint64_t>(head - head_cumulative_.begin());
  }
  if (head_cumulative_.size() == item_count_) return item_count_ - 1;  // rounding at u ~ 1
  // v uniform on [0, 1) over the tail; invert the cumulative mass of x^-theta on [A, B):
  // x = A * (1 + v ((B/A)^s - 1))^(1/s), or A * (B/A)^v when s = 0. Rank r covers [r + 0.5, r
  // + 1.5).
  const double head_mass = head_cumulative_.back();
  const double v = std::clamp((scaled - head_mass) / (zeta_n_ - head_mass), 0.0, 1.0);
  const double log_x_over_a = one_minus_theta_ == 0.0
                                  ? v * tail_log_ratio_
                                  : std::log1p(v * tail_expm1_) / one_minus_theta_;
  const double x = tail_start_ * std::exp(log_x_over_a);
  const double first = static_cast<double>(head_cumulative_.size());
  const double last = static_cast<double>(item_count_ - 1);
  return static_cast<std::uint64_t>(std::clamp(std::floor(x - 0.5), first, last));
}

}  // namespace flashtwin::models
