// The storage array as queues: presets and validation, a closed loop at saturation served at
// exactly the backend's capacity, an open loop over capacity flagged as saturated, the backend as
// an M/M/c queue (Erlang C), NVRAM absorbing a burst smaller than itself and falling to backend
// speed at the predicted time for a longer one, and the read cache.
#include "flashtwin/models/array_model.hpp"

#include "queue_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t k4KiB = 4096;

// A small array whose backend is easy to reason about: `servers` servers of exactly 1 ms
// (negligible transfer time), no NVRAM unless given.
ArrayProfile small_array(std::uint32_t servers, double cv = 0.0, std::uint64_t nvram = 0) {
  return {.name = "small",
          .frontend_mbps = 1000,
          .controller_latency_us = 0,
          .nvram_bytes = nvram,
          .nvram_urgent_fill = 0.5,
          .read_cache_hit_ratio = 0,
          .backend_servers = servers,
          .backend_positioning_us = 1000,
          .backend_service_cv = cv,
          .backend_media_mbps = 1e9,
          .write_penalty = 2};
}

TEST(ArrayPresets, EveryPresetIsValidAndFoundByItsName) {
  const auto names = array_preset_names();
  ASSERT_GE(names.size(), 2u);
  for (const std::string& name : names) {
    EXPECT_EQ(array_preset(name).name, name);
    EXPECT_NO_THROW(validate(array_preset(name))) << name;
  }
}

// ../shared/DEVICE_FACTS.md: a 10k rpm SAS drive gives 125-150 random IOPS; RAID 10 costs two
// backend writes per write.
TEST(ArrayPresets, HybridDisksGiveThePlanningIopsOfTenThousandRpmDrives) {
  const ArrayProfile& hybrid = array_preset("hybrid-10k");
  const double per_drive = 1e6 / backend_service_us(hybrid, k4KiB);
  EXPECT_GE(per_drive, 125);
  EXPECT_LE(per_drive, 150);
  EXPECT_EQ(hybrid.write_penalty, 2);
  EXPECT_NEAR(backend_capacity_iops(hybrid, k4KiB, 0.0),
              backend_capacity_iops(hybrid, k4KiB, 1.0) / 2, 1e-6);
  EXPECT_GT(backend_capacity_iops(array_preset("all-flash"), k4KiB, 1.0),
            50 * backend_capacity_iops(hybrid, k4KiB, 1.0));
}

TEST(ArrayPresets, UnknownNameErrorListsEveryKnownName) {
  try {
    array_preset("tape-library");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "unknown array preset 'tape-library'; known presets: all-flash, hybrid-10k");
  }
}

TEST(ArrayProfileValidation, NamesTheArrayAndTheField) {
  ArrayProfile p = array_preset("all-flash");
  p.backend_servers = 0;
  try {
    validate(p);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "array 'all-flash': backend_servers: must be >= 1, got 0");
  }
  p = array_preset("all-flash");
  p.write_penalty = 0.5;
  EXPECT_THROW(validate(p), std::invalid_argument);
  p = array_preset("all-flash");
  p.read_cache_hit_ratio = 1.0;
  EXPECT_THROW(validate(p), std::invalid_argument);
}

// 64 clients each issuing a read as soon as the last one completes: the backend (4 servers of
// 1 ms) is the bottleneck and serves exactly 4000 reads per second.
TEST(StorageArray, ClosedLoopAtSaturationGetsExactlyTheBackendCapacity) {
  EventLoop loop;
  StorageArray array(small_array(4), loop, 1);
  std::uint64_t completed = 0;
  std::function<void()> client = [&] {
    array.read(k4KiB, [&] {
      ++completed;
      if (loop.now_s() < 10.0) client();
    });
  };
  for (int i = 0; i < 64; ++i)
    client();
  const ArrayLoad start = array.load();
  loop.run_until(10.0);
  const double iops = static_cast<double>(completed) / 10.0;
  EXPECT_NEAR(iops, 4000, 4000 * 1e-3);
  const ArraySaturation s = assess_saturation(start, array.load(), 10.0);
  EXPECT_TRUE(s.saturated);
  EXPECT_NEAR(s.utilisation, 1.0, 1e-3);
  EXPECT_NEAR(s.capacity_iops, 4000, 1);
}

// Poisson reads at 6000/s into a 4000/s backend: the queue grows without bound, latency with it,
// and the assessment says so with the offered and capacity figures.
TEST(StorageArray, OpenLoopOverCapacityBuildsAQueueAndIsFlaggedSaturated) {
  EventLoop loop;
  StorageArray array(small_array(4), loop, 1);
  std::vector<double> latency;
  testing::PoissonArrivals arrivals(loop, 7, 6000, 60'000, [&](std::uint64_t) {
    const double issued = loop.now_s();
    array.read(k4KiB, [&, issued] { latency.push_back(loop.now_s() - issued); });
  });
  const ArrayLoad start = array.load();
  loop.run_until(10.0);
  const ArraySaturation s = assess_saturation(start, array.load(), 10.0);
  EXPECT_TRUE(s.saturated);
  EXPECT_NEAR(s.offered_iops, 6000, 6000 * 0.02);
  EXPECT_NEAR(s.capacity_iops, 4000, 4000 * 0.01);
  EXPECT_GT(s.offered_load, 1.4);
  ASSERT_GT(latency.size(), 30'000u);
  EXPECT_GT(latency.back(), 100 * latency.front() + 1.0);  // seconds of queue by the end
}

TEST(StorageArray, BelowCapacityIsNotSaturatedAndMatchesErlangC) {
  EventLoop loop;
  StorageArray array(small_array(4, /*cv=*/1.0), loop, 3);
  const double lambda = 0.6 * 4000;
  double total_wait = 0;
  std::uint64_t done = 0;
  const std::uint64_t count = 600'000;
  testing::PoissonArrivals arrivals(loop, 11, lambda, count, [&](std::uint64_t) {
    const double issued = loop.now_s();
    array.read(k4KiB, [&, issued] {
      total_wait += loop.now_s() - issued;
      ++done;
    });
  });
  loop.run();
  ASSERT_EQ(done, count);
  // Response = wait + service (mean 1 ms): compare the mean response with Erlang C + 1 ms.
  const double expected = testing::mmc_mean_wait_s(4, lambda, 1000.0) + 1e-3;
  EXPECT_NEAR(total_wait / static_cast<double>(count) / expected, 1.0, 0.02);
  const ArraySaturation s = assess_saturation(ArrayLoad{}, array.load(), loop.now_s());
  EXPECT_FALSE(s.saturated);
  EXPECT_NEAR(s.utilisation, 0.6, 0.01);
}

// Writes of 4 KiB at 5000/s into 400 writes' worth of NVRAM drained by 2 servers at 2 x 1 ms per
// write (write penalty 2): 1000 drains/s, so NVRAM fills at 4000 writes/s and is full at 0.1 s.
struct WriteBurst {
  std::vector<double> latency;  // per write, in issue order
  std::vector<double> issued;
};

WriteBurst write_burst(std::uint64_t writes) {
  EventLoop loop;
  StorageArray array(small_array(2, 0.0, 400 * k4KiB), loop, 1);
  WriteBurst burst;
  burst.latency.resize(writes);
  for (std::uint64_t i = 0; i < writes; ++i) {
    const double at = static_cast<double>(i) / 5000.0;
    burst.issued.push_back(at);
    loop.at(at, [&, i, at] {
      array.write(k4KiB, [&, i, at] { burst.latency[i] = loop.now_s() - at; });
    });
  }
  loop.run();
  return burst;
}

TEST(StorageArray, BurstSmallerThanNvramSeesNoBackendTime) {
  const WriteBurst burst = write_burst(300);
  for (double l : burst.latency)
    EXPECT_EQ(l, 0.0);
}

TEST(StorageArray, LongerBurstFallsToBackendSpeedWhenNvramFillsAtThePredictedTime) {
  const WriteBurst burst = write_burst(2000);
  std::size_t first_wait = 0;
  while (first_wait < burst.latency.size() && burst.latency[first_wait] == 0.0)
    ++first_wait;
  // Predicted: NVRAM full at 400 / (5000 - 1000) s = 0.1 s (within one drain, 1 ms).
  EXPECT_NEAR(burst.issued[first_wait], 0.1, 0.0015);
  // From then on writes are acknowledged at the drain rate: the last of 2000 writes (issued at
  // 0.4 s) waits for 2000 - 400 drains at 1000/s = 1.6 s, i.e. is acknowledged at ~1.6 s.
  EXPECT_NEAR(burst.issued.back() + burst.latency.back(), 1.6, 0.003);
}

TEST(StorageArray, ReadCacheHitsNeedNoBackendWork) {
  EventLoop loop;
  ArrayProfile p = small_array(1);
  p.read_cache_hit_ratio = 0.25;
  StorageArray array(p, loop, 5);
  int instant = 0;
  for (int i = 0; i < 20'000; ++i)
    array.read(k4KiB, [&] { instant += loop.now_s() == 0.0 ? 1 : 0; });
  const ArrayLoad load = array.load();
  EXPECT_NEAR(static_cast<double>(load.read_cache_hits) / 20'000, 0.25, 0.01);
  EXPECT_EQ(instant, static_cast<int>(load.read_cache_hits));
  loop.run();
  EXPECT_NEAR(loop.now_s(), static_cast<double>(20'000 - load.read_cache_hits) * 1e-3, 1e-6);
}

TEST(StorageArray, WithoutNvramAWriteWaitsForItsPenaltyOfBackendOperations) {
  EventLoop loop;
  StorageArray array(small_array(1), loop, 1);
  double acked = -1;
  array.write(k4KiB, [&] { acked = loop.now_s(); });
  loop.run();
  EXPECT_NEAR(acked, 2e-3, 1e-9);
}

}  // namespace
}  // namespace flashtwin::models
