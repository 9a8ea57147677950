// Service-time sampling for the queue models: a mean with a coefficient of variation cv
// (standard deviation / mean) in [0, 1]. cv 0 is deterministic, cv 1 exponential, in between a
// gamma distribution of shape k = 1 / cv^2 (scale mean / k), drawn by Marsaglia and Tsang's
// method (2000) from our own RandomSource, so the sequence is the same on every platform.
#pragma once

#include "random_source.hpp"

namespace flashtwin::models {

// Requires mean_s >= 0 and 0 <= cv <= 1 (the callers validate their profiles).
double sample_service_s(double mean_s, double cv, RandomSource& random);

}  // namespace flashtwin::models
