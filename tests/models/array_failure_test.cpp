// The storage array slowed down and in an outage (array_model.hpp, "Two controls"), against
// closed forms and exact dates: with a service factor k on one exponential server the array is an
// M/M/1 queue of service rate mu / k (mean response within 2 %); the factor applies to operations
// that start while it is set; during an outage nothing starts, completions and arrivals are held,
// and at its end they come out in order: a request arriving during the outage completes at the
// outage's end plus its service, a write NVRAM has room for is acknowledged exactly at the end.
#include "flashtwin/models/array_model.hpp"

#include "queue_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t k4KiB = 4096;
constexpr double kMs = 1e-3;

// One backend server of 1 ms (negligible transfer time), no read cache, NVRAM if given.
ArrayProfile one_disk(double cv, std::uint64_t nvram = 0) {
  return {.name = "one-disk",
          .frontend_mbps = 1000,
          .controller_latency_us = 0,
          .nvram_bytes = nvram,
          .nvram_urgent_fill = 0.5,
          .read_cache_hit_ratio = 0,
          .backend_servers = 1,
          .backend_positioning_us = 1000,
          .backend_service_cv = cv,
          .backend_media_mbps = 1e12,
          .write_penalty = 1};
}

// Poisson reads at half the slowed server's rate: M/M/1 with mu' = mu / k, mean response
// 1 / (mu' - lambda). 300,000 reads make 2 % several standard deviations of the sample mean.
TEST(ArraySlowdown, OneExponentialServerIsMM1WithTheSlowedRate) {
  for (const double k : {2.0, 5.0}) {
    EventLoop loop;
    StorageArray array(one_disk(/*cv=*/1.0), loop, 17);
    array.set_service_factor(k);
    const double mu = 1.0 / (k * kMs);
    const double lambda = 0.5 * mu;
    double total_s = 0;
    std::uint64_t done = 0;
    const std::uint64_t count = 300'000;
    testing::PoissonArrivals arrivals(loop, 23, lambda, count, [&](std::uint64_t) {
      const double issued = loop.now_s();
      array.read(k4KiB, [&, issued] {
        total_s += loop.now_s() - issued;
        ++done;
      });
    });
    loop.run();
    ASSERT_EQ(done, count);
    const double expected = 1.0 / (mu - lambda);
    EXPECT_NEAR(total_s / static_cast<double>(count) / expected, 1.0, 0.02) << "k " << k;
    EXPECT_EQ(array.load().service_factor, k);
  }
}

// A read in service keeps its time; the next one starts slowed; back at 1 the next is not.
TEST(ArraySlowdown, AppliesToOperationsThatStartWhileItIsSet) {
  EventLoop loop;
  StorageArray array(one_disk(0.0), loop, 1);
  std::vector<double> done(3, -1);
  array.read(k4KiB, [&] { done[0] = loop.now_s(); });  // 0 -> 1 ms
  array.read(k4KiB, [&] { done[1] = loop.now_s(); });  // starts at 1 ms, slowed: 4 ms
  loop.at(0.5 * kMs, [&] { array.set_service_factor(4); });
  loop.at(2 * kMs, [&] {
    array.set_service_factor(1);
    array.read(k4KiB, [&] { done[2] = loop.now_s(); });  // starts at 5 ms: 1 ms
  });
  loop.run();
  EXPECT_NEAR(done[0], 1 * kMs, 1e-12);
  EXPECT_NEAR(done[1], 5 * kMs, 1e-12);
  EXPECT_NEAR(done[2], 6 * kMs, 1e-12);
}

TEST(ArraySlowdown, RefusesAFactorBelowOneOrNotFinite) {
  EventLoop loop;
  StorageArray array(one_disk(0.0), loop, 1);
  EXPECT_THROW(array.set_service_factor(0.5), std::invalid_argument);
  EXPECT_THROW(array.set_service_factor(std::numeric_limits<double>::infinity()),
               std::invalid_argument);
  EXPECT_NO_THROW(array.set_service_factor(1.0));
}

// Outage over [1 s, 3 s] on one server of exactly 1 ms.
struct OutageRun {
  EventLoop loop;
  StorageArray array;
  explicit OutageRun(const ArrayProfile& profile) : array(profile, loop, 1) {
    loop.at(1.0, [this] { array.begin_outage(); });
    loop.at(3.0, [this] { array.end_outage(); });
  }
};

TEST(ArrayOutage, ARequestArrivingDuringItCompletesAtItsEndPlusItsService) {
  OutageRun run(one_disk(0.0));
  double during = -1, in_service = -1;
  // In service at the outage's start: it ends at 1.0005 s, but nobody hears of it until 3 s.
  run.loop.at(1.0 - 0.5 * kMs,
              [&] { run.array.read(k4KiB, [&] { in_service = run.loop.now_s(); }); });
  run.loop.at(2.0, [&] { run.array.read(k4KiB, [&] { during = run.loop.now_s(); }); });
  run.loop.run_until(2.5);
  const ArrayLoad load = run.array.load();
  EXPECT_TRUE(load.outage);
  EXPECT_EQ(load.requests_on_hold, 1u);
  EXPECT_EQ(load.requests_held, 1u);
  EXPECT_EQ(in_service, -1);
  run.loop.run();
  EXPECT_EQ(in_service, 3.0);
  EXPECT_NEAR(during, 3.0 + 1 * kMs, 1e-12);
  EXPECT_FALSE(run.array.load().outage);
  EXPECT_EQ(run.array.load().requests_on_hold, 0u);
}

// Reads and writes (NVRAM with room) arriving during the outage, interleaved: every write is
// acknowledged at 3 s, the reads then complete one per ms, all in arrival order.
TEST(ArrayOutage, HeldRequestsComeOutInArrivalOrder) {
  OutageRun run(one_disk(0.0, /*nvram=*/1 << 20));
  std::vector<int> order;
  std::vector<double> at(10, -1);
  for (int i = 0; i < 10; ++i) {
    run.loop.at(1.1 + 0.1 * i, [&, i] {
      auto done = [&, i] {
        order.push_back(i);
        at[static_cast<std::size_t>(i)] = run.loop.now_s();
      };
      if (i % 2 == 0) {
        run.array.write(k4KiB, done);
      } else {
        run.array.read(k4KiB, done);
      }
    });
  }
  run.loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}));
  for (int i = 0; i < 10; i += 2)
    EXPECT_EQ(at[static_cast<std::size_t>(i)], 3.0) << "write " << i;
  // The first write's drain takes the idle server at 3 s; the reads then take it one after the
  // other (they go before drains that are not urgent: NVRAM is nearly empty), one per ms.
  for (std::size_t i = 1; i < 10; i += 2) {
    EXPECT_GT(at[i], 3.0) << "read " << i;
    if (i > 1) {
      EXPECT_NEAR(at[i] - at[i - 2], kMs, 1e-9) << "read " << i;
    }
  }
  EXPECT_EQ(run.array.load().requests_held, 10u);
}

TEST(ArrayOutage, AWriteWithNvramRoomIsAcknowledgedOnlyAfterIt) {
  OutageRun run(one_disk(0.0, /*nvram=*/1 << 20));
  double before = -1, during = -1;
  run.loop.at(0.5, [&] { run.array.write(k4KiB, [&] { before = run.loop.now_s(); }); });
  run.loop.at(1.5, [&] { run.array.write(k4KiB, [&] { during = run.loop.now_s(); }); });
  run.loop.run_until(2.0);
  EXPECT_EQ(before, 0.5);
  EXPECT_EQ(during, -1);
  EXPECT_EQ(run.array.load().nvram_used_bytes, 0u);  // the first write drained before the outage
  run.loop.run();
  EXPECT_EQ(during, 3.0);
}

// NVRAM stops draining: what it held at the outage's start is still there at its end (the drain
// in service at the start ends, but frees its room only at the end), and nothing is lost.
TEST(ArrayOutage, NvramKeepsItsDataAndStopsDraining) {
  OutageRun run(one_disk(0.0, /*nvram=*/64 * k4KiB));
  std::uint64_t acked = 0;
  for (int i = 0; i < 40; ++i)
    run.loop.at(1.0 - 5.5 * kMs, [&] { run.array.write(k4KiB, [&] { ++acked; }); });
  run.loop.run_until(1.0);
  const std::uint64_t at_start = run.array.load().nvram_used_bytes;
  EXPECT_EQ(acked, 40u);
  EXPECT_EQ(at_start, 35 * k4KiB);  // 5 drains of 1 ms ended in 5.5 ms; the 6th is in service
  run.loop.run_until(2.99);
  EXPECT_EQ(run.array.load().nvram_used_bytes, at_start);
  run.loop.run();
  EXPECT_EQ(run.array.load().nvram_used_bytes, 0u);
  EXPECT_NEAR(run.loop.now_s(), 3.0 + 34 * kMs, 1e-9);  // the 6th drain ended at 1.0005 s
}

// The read cache is the controller's: a cached read does not answer during an outage either.
TEST(ArrayOutage, TheReadCacheDoesNotAnswer) {
  ArrayProfile p = one_disk(0.0);
  p.read_cache_hit_ratio = 0.9;
  OutageRun run(p);
  std::vector<double> done;
  for (int i = 0; i < 100; ++i)
    run.loop.at(2.0, [&] { run.array.read(k4KiB, [&] { done.push_back(run.loop.now_s()); }); });
  run.loop.run();
  ASSERT_EQ(done.size(), 100u);
  for (double t : done)
    EXPECT_GE(t, 3.0);
  EXPECT_GT(run.array.load().read_cache_hits, 50u);
}

TEST(ArrayOutage, BeginTwiceOrEndOutsideOneIsMisuse) {
  EventLoop loop;
  StorageArray array(one_disk(0.0), loop, 1);
  EXPECT_THROW(array.end_outage(), std::logic_error);
  array.begin_outage();
  EXPECT_THROW(array.begin_outage(), std::logic_error);
  array.end_outage();
}

}  // namespace
}  // namespace flashtwin::models
