// A device with queue depth 1 under Poisson arrivals of same-size reads is an M/D/1 queue: its
// mean waiting time matches Wq = rho / (2 mu (1 - rho)) (one Engine per TEST: see
// platform_test_engine.hpp).
//
// In SimGrid 3.32 the link concurrency limit serializes the transfer (bandwidth) phases only; the
// latency phases overlap (see simgrid_platform.hpp). So the service time is D = S / bandwidth,
// the device latency L is a constant added to every response, and
//     waiting = completion - arrival - (L + D).
// Arrivals come from our own sampler (mt19937_64, -log1p(-u) / lambda, fixed seed), each started
// from a kernel timer at its arrival date.
//
// Two checks per load:
//   - exact: every request's waiting time equals the Lindley recursion W(n) = max(0, W(n-1) + D -
//     (t(n) - t(n-1))) on the same arrival dates (FIFO M/D/1), to 1e-8 s. SimGrid 3.32 settles
//     event dates to surf/precision (1e-9 s by default): measured worst deviations 4e-14 s, 7e-10 s
//     and 9e-10 s at 30, 60 and 90 % load (and ~4e-12 s with surf/precision at 1e-12, which shows
//     where they come from); 1e-8 s is 1e-4 of a service time;
//   - statistical: the mean waiting time is within the stated tolerance of the closed form. The
//     tolerance is about 4-5 standard deviations of the sample mean at that load and run length
//     (measured over 40 seeds with a plain Lindley simulation: 0.6 % at rho 0.3 / 200k requests,
//     ~0.6 % at rho 0.6 / 400k, 1.3 % at rho 0.9 / 1M).
#include "platform_test_engine.hpp"

#include <simgrid/kernel/Timer.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

namespace flashtwin::models {
namespace {

constexpr double kLatencyUs = 50;
constexpr double kMbps = 100;            // 10^8 B/s
constexpr std::uint64_t kBytes = 10000;  // D = 100 us, mu = 10 000 / s
constexpr double kServiceS = kBytes / (kMbps * 1e6);
constexpr std::uint64_t kSeed = 20240601;

DeviceProfile single_queue_device() {
  return {.name = "md1",
          .read_latency_us = kLatencyUs,
          .write_latency_us = kLatencyUs,
          .read_mbps = kMbps,
          .write_mbps = kMbps,
          .queue_depth = 1,
          .is_volatile = false,
          .gc = {}};
}

class ExponentialGaps {
 public:
  ExponentialGaps(std::uint64_t seed, double rate) : random_(seed), rate_(rate) {}
  double next() {
    const double u = static_cast<double>(random_() >> 11) * 0x1.0p-53;  // [0, 1)
    return -std::log1p(-u) / rate_;
  }

 private:
  std::mt19937_64 random_;
  double rate_;
};

struct QueueRun {
  std::vector<double> arrival_s;
  std::vector<double> waiting_s;
};

QueueRun run_poisson_reads(double rho, std::size_t requests) {
  testing::QuietEngine engine;
  SingleSwitchSpec single;
  single.hosts = {{"esx1", "r1"}};
  PlatformSpec spec;
  spec.topology = make_single_switch(single);
  spec.array = array_preset("all-flash");
  spec.devices.push_back({.host = "esx1", .name = "dev0", .profile = single_queue_device()});
  const SimPlatform platform = build_platform(spec);
  const SimDevice& device = platform.device("esx1", "dev0");
  CommStarter comms;

  QueueRun run;
  run.arrival_s.reserve(requests);
  run.waiting_s.assign(requests, -1.0);
  ExponentialGaps gaps(kSeed, rho / kServiceS);
  double next_arrival = 0;
  std::function<void()> arrive = [&] {
    const std::size_t i = run.arrival_s.size();
    run.arrival_s.push_back(simgrid::s4u::Engine::get_clock());
    comms.start_device_io(device, DeviceOp::read, kBytes, [&run, i](const CommResult& r) {
      run.waiting_s[i] = r.finish_s - run.arrival_s[i] - (kLatencyUs * 1e-6 + kServiceS);
    });
    if (run.arrival_s.size() < requests) {
      next_arrival += gaps.next();
      simgrid::kernel::timer::Timer::set(next_arrival, [&arrive] { arrive(); });
    }
  };
  next_arrival = gaps.next();
  simgrid::kernel::timer::Timer::set(next_arrival, [&arrive] { arrive(); });
  engine->run();
  EXPECT_EQ(comms.in_flight(), 0u);
  return run;
}

void expect_md1(double rho, std::size_t requests, double relative_tolerance) {
  const QueueRun run = run_poisson_reads(rho, requests);
  ASSERT_EQ(run.arrival_s.size(), requests);

  double lindley = 0;
  double worst_deviation = 0;
  double sum = 0;
  for (std::size_t i = 0; i < requests; ++i) {
    if (i > 0) {
      lindley = std::max(0.0, lindley + kServiceS - (run.arrival_s[i] - run.arrival_s[i - 1]));
    }
    worst_deviation = std::max(worst_deviation, std::abs(run.waiting_s[i] - lindley));
    sum += run.waiting_s[i];
  }
  const double mu = 1 / kServiceS;
  const double closed_form = rho / (2 * mu * (1 - rho));
  const double measured = sum / static_cast<double>(requests);
  std::printf(
      "M/D/1 rho %.1f, %zu requests: mean wait %.3f us, closed form %.3f us (%+.2f %%), "
      "worst deviation from Lindley %.3g s\n",
      rho, requests, measured * 1e6, closed_form * 1e6, 100 * (measured / closed_form - 1),
      worst_deviation);
  EXPECT_LT(worst_deviation, 1e-8);
  EXPECT_NEAR(measured / closed_form, 1.0, relative_tolerance);
}

TEST(PlatformQueue, DeviceQueueMatchesMD1At30PercentLoad) {
  expect_md1(0.3, 200'000, 0.03);
}

TEST(PlatformQueue, DeviceQueueMatchesMD1At60PercentLoad) {
  expect_md1(0.6, 400'000, 0.03);
}

TEST(PlatformQueue, DeviceQueueMatchesMD1At90PercentLoad) {
  expect_md1(0.9, 1'000'000, 0.05);
}

}  // namespace
}  // namespace flashtwin::models
