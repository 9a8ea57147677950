// Helpers for the queue-model tests: Poisson arrivals driven through an EventLoop, and the
// closed forms they are compared with.
#pragma once

#include "flashtwin/models/event_scheduler.hpp"
#include "random_source.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <utility>

namespace flashtwin::models::testing {

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a =
// lambda / mu and c servers (a < c).
inline double erlang_c(std::uint32_t c, double a) {
  double term = 1.0;  // a^k / k!
  double sum = 0.0;
  for (std::uint32_t k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * c / (c - a);  // a^c / c! * c / (c - a)
  return last / (sum + last);
}

// Mean wait in queue of M/M/c: C(c, a) / (c mu - lambda).
inline double mmc_mean_wait_s(std::uint32_t c, double lambda, double mu) {
  return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

// Mean wait in queue of M/D/1: rho / (2 mu (1 - rho)).
inline double md1_mean_wait_s(double lambda, double service_s) {
  const double rho = lambda * service_s;
  return rho * service_s / (2.0 * (1.0 - rho));
}

// `count` Poisson arrivals of rate `lambda` on `loop`, calling `arrive(i)` at each. Keep it alive
// while the loop runs.
class PoissonArrivals {
 public:
  PoissonArrivals(EventLoop& loop, std::uint64_t seed, double lambda, std::uint64_t count,
                  std::function<void(std::uint64_t)> arrive)
      : loop_(loop), random_(seed), lambda_(lambda), count_(count), arrive_(std::move(arrive)) {
    if (count_ > 0) loop_.at(random_.exponential() / lambda_, [this] { next(0); });
  }

 private:
  void next(std::uint64_t i) {
    arrive_(i);
    if (i + 1 < count_) {
      loop_.at(loop_.now_s() + random_.exponential() / lambda_, [this, i] { next(i + 1); });
    }
  }
  EventLoop& loop_;
  RandomSource random_;
  double lambda_;
  std::uint64_t count_;
  std::function<void(std::uint64_t)> arrive_;
};

}  // namespace flashtwin::models::testing
