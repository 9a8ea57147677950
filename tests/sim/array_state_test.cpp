// ArrayState: the NVRAM absorbs writes up to its size and drains at its destage rate; the backend's
// latency follows the load of the previous window.
#include "array_state.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

models::ArrayProfile small_array() {
  models::ArrayProfile p;
  p.name = "test";
  p.frontend_mbps = 1000;
  p.controller_latency_us = 100;
  p.nvram_bytes = 1'000'000;
  p.destage_mbps = 1;  // 10^6 bytes per second
  p.backend_iops = 1000;
  p.backend_base_latency_us = 5000;
  return p;
}

TEST(ArrayState, NvramAbsorbsWritesUntilFullThenTheBackendTakesThem) {
  ArrayState array(small_array());
  EXPECT_EQ(array.write_delay_s(0, 600'000), 0);
  EXPECT_EQ(array.write_delay_s(0, 400'000), 0);  // exactly full
  EXPECT_EQ(array.nvram_used_bytes(), 1'000'000u);
  EXPECT_NEAR(array.write_delay_s(0, 1), 5000e-6, 1e-12);  // full: unloaded backend time
}

TEST(ArrayState, NvramDrainsAtTheDestageRate) {
  ArrayState array(small_array());
  array.write_delay_s(0, 1'000'000);
  EXPECT_EQ(array.write_delay_s(0.25, 250'000), 0);  // 250 kB drained in 0.25 s
  EXPECT_GT(array.write_delay_s(0.25, 1), 0);        // and no more room than that
}

TEST(ArrayState, BackendLatencyFollowsThePreviousWindowsLoad) {
  ArrayState array(small_array());
  // 50 reads in the first 0.1 s window: 500 IOPS, half the ceiling.
  for (int i = 0; i < 50; ++i)
    array.read_delay_s(0.001 * i);
  const double loaded = array.read_delay_s(0.15);
  EXPECT_NEAR(loaded, models::backend_latency_us(small_array(), 500) * 1e-6, 1e-12);
  EXPECT_NEAR(loaded, 2 * 5000e-6, 1e-12);  // base / (1 - 0.5)
  // A quiet window later the load has decayed to zero.
  EXPECT_NEAR(array.read_delay_s(0.5), 5000e-6, 1e-12);
}

TEST(ArrayState, SaturatedBackendIsCappedNotInfinite) {
  ArrayState array(small_array());
  for (int i = 0; i < 500; ++i)
    array.read_delay_s(0.0001 * i);  // 5000 IOPS, 5x the ceiling
  const double delay = array.read_delay_s(0.15);
  EXPECT_NEAR(delay, ArrayState::kSaturatedFactor * 5000e-6, 1e-12);
}

}  // namespace
}  // namespace flashtwin::sim
