// Destage control: the rate controller that paces destage (continuous trickle, rising with the
// dirty fraction, the max rate for waiters and the final drain), and the back-off and bounded
// retries of a destage that keeps failing.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <variant>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

constexpr std::uint64_t kPerSecond = 1'000'000'000;

// 64 slots: low watermark 16 blocks, high 32. Min rate 100 blocks/s (10 ms apart), max 1000
// blocks/s (1 ms apart); one block per destage.
EngineConfig paced_config() {
  EngineConfig config = small_config(64);
  config.destage.low_watermark = 0.25;
  config.destage.high_watermark = 0.5;
  config.destage.dirty_limit = 0.75;
  config.destage.max_coalesce_bytes = kBlock;
  config.destage.min_rate_bytes_per_s = 100 * kBlock;
  config.destage.max_rate_bytes_per_s = 1000 * kBlock;
  config.destage.idle_after_ns = 1'000'000'000;  // out of the way unless a test waits for it
  return config;
}

void write_scattered(FakeRuntime& rt, int count, int start = 0) {
  for (int i = 0; i < count; ++i) {
    rt.write(static_cast<std::uint64_t>(2 * (start + i)) * kBlock, kBlock);
    rt.complete_all();
  }
}

TEST(DestageRate, DirtyDataTricklesOutAtTheMinRateBelowTheLowWatermark) {
  FakeRuntime rt(paced_config());
  write_scattered(rt, 3);  // the first block's destage starts at once; the others wait their turn
  EXPECT_EQ(rt.counter("destaged_blocks"), 1u);
  ASSERT_TRUE(rt.timer().has_value());
  EXPECT_EQ(*rt.timer(), 10'000'000);  // 4 KiB at 100 blocks/s
  rt.advance_to(*rt.timer() - 1);
  EXPECT_TRUE(rt.pending().empty());
  rt.advance_to(10'000'000);
  EXPECT_EQ(rt.count(Kind::flash_read), 1u);
  rt.complete_all();
  rt.advance_to(*rt.timer());
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(DestageRate, RateRisesInProportionToTheDirtyFraction) {
  FakeRuntime rt(paced_config());
  write_scattered(rt, 1);  // destaged at once: the next destage is paced from t = 0
  write_scattered(rt, 24, 1);
  ASSERT_EQ(rt.counter("dirty_blocks"), 24u);
  // Halfway between the watermarks: 100 + 900 * 8 / 16 = 550 blocks/s.
  ASSERT_TRUE(rt.timer().has_value());
  EXPECT_EQ(*rt.timer(), static_cast<TimeNs>((kPerSecond + 549) / 550));
  rt.flush();  // something waits: the max rate
  EXPECT_EQ(*rt.timer(), 1'000'000);
}

// Idle destage (the final drain of a run) is paced by the max rate, not a storm of max_in_flight
// operations at once.
TEST(DestageRate, FinalDrainIsBoundedByTheMaxRate) {
  EngineConfig config = paced_config();
  config.destage.idle_after_ns = 1'000'000;
  FakeRuntime rt(config);
  write_scattered(rt, 20);
  std::vector<TimeNs> starts;
  for (int guard = 0; guard < 1000 && rt.counter("dirty_blocks") > 0; ++guard) {
    if (!rt.pending().empty()) {
      starts.push_back(rt.now());
      EXPECT_EQ(rt.count(Kind::flash_read), 1u) << "at " << rt.now();
      rt.complete_all();
    } else {
      ASSERT_TRUE(rt.timer().has_value());
      rt.advance_to(*rt.timer());
    }
  }
  ASSERT_EQ(rt.counter("dirty_blocks"), 0u);
  for (std::size_t i = 1; i < starts.size(); ++i)
    EXPECT_GE(starts[i] - starts[i - 1], 1'000'000) << "destage " << i;
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

// The one-timer contract: a timer that fires with nothing due (a runtime firing early, or a
// deadline that moved later) changes nothing and the engine asks again for its earliest deadline.
TEST(EngineTimer, FiringWithNothingDueIsHarmlessAndTheEngineAsksAgain) {
  FakeRuntime rt(paced_config());
  write_scattered(rt, 3);
  ASSERT_EQ(rt.timer(), std::optional<TimeNs>(10'000'000));
  HostEngine& engine = rt.engine();
  engine.timer_fired(5'000'000, 1);  // early
  bool asked = false;
  for (const Command& command : engine.drain()) {
    const auto* timer = std::get_if<SetTimer>(&command);
    ASSERT_NE(timer, nullptr) << "an early timer started work";
    EXPECT_EQ(timer->timer, 1u);
    EXPECT_EQ(timer->at, 10'000'000);
    asked = true;
  }
  EXPECT_TRUE(asked);
  EXPECT_THROW(engine.timer_fired(5'000'000, 2), std::invalid_argument);
  EXPECT_EQ(rt.counter("destaged_blocks"), 1u);
}

TEST(DestageRate, BadRatesAreRejectedNamingTheField) {
  EngineConfig config = paced_config();
  config.destage.min_rate_bytes_per_s = config.destage.max_rate_bytes_per_s + 1;
  try {
    HostEngine engine(config);
    FAIL() << "min rate above max rate accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("min_rate_bytes_per_s"), std::string::npos);
  }
  config = paced_config();
  config.destage.max_tries = 0;
  EXPECT_THROW(HostEngine{config}, std::invalid_argument);
}

// 16 slots, unpaced, retry after 1 ms doubling, three tries.
EngineConfig retry_config() {
  EngineConfig config = small_config(16);
  config.destage.retry_after_ns = 1'000'000;
  config.destage.max_tries = 3;
  config.destage.idle_after_ns = 1'000'000'000;
  return config;
}

// Fails the pending destage (its flash read, or its array write once the read is done).
void fail_destage(FakeRuntime& rt) {
  ASSERT_EQ(rt.pending().size(), 1u);
  rt.complete(0, Status::io_error);
}

TEST(DestageRetry, AFailedDestageBacksOffDoublingInsteadOfSpinning) {
  FakeRuntime rt(retry_config());
  rt.write(0, kBlock);
  rt.complete_all();
  const RequestId f = rt.flush();
  ASSERT_EQ(rt.count(Kind::flash_read), 1u);
  rt.complete(0);  // read ok; the array write fails
  fail_destage(rt);
  EXPECT_TRUE(rt.pending().empty()) << "retried at once";
  ASSERT_TRUE(rt.timer().has_value());
  EXPECT_EQ(*rt.timer(), 1'000'000);
  rt.advance_to(999'999);
  EXPECT_TRUE(rt.pending().empty());
  rt.advance_to(1'000'000);
  fail_destage(rt);  // second failure: twice as long
  EXPECT_EQ(*rt.timer(), 1'000'000 + 2'000'000);
  EXPECT_EQ(rt.counter("destage_failures"), 2u);
  EXPECT_FALSE(rt.done(f));
  rt.advance_to(3'000'000);
  rt.complete_all();  // this time it works
  ASSERT_TRUE(rt.done(f));
  EXPECT_EQ(rt.result(f).status, Status::ok);
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(DestageRetry, AfterMaxTriesWaitingFlushesAndThrottledWritesFail) {
  EngineConfig config = retry_config();
  config.destage.low_watermark = config.destage.high_watermark = 0.25;
  config.destage.dirty_limit = 0.25;  // 4 blocks
  config.destage.max_in_flight = 1;
  config.destage.max_coalesce_bytes = 4 * kBlock;
  FakeRuntime rt(config);
  rt.write(0, 4 * kBlock);  // 4 dirty blocks, one run
  rt.complete_all();
  const RequestId flush = rt.flush();
  const RequestId gated = rt.write(100 * kBlock, kBlock);
  ASSERT_EQ(rt.counter("writes_throttled"), 1u);
  fail_destage(rt);
  rt.advance_to(*rt.timer());
  fail_destage(rt);
  rt.advance_to(*rt.timer());
  EXPECT_FALSE(rt.done(flush));
  fail_destage(rt);  // the third failure in a row: give up on the waiters
  ASSERT_TRUE(rt.done(flush));
  ASSERT_TRUE(rt.done(gated));
  EXPECT_EQ(rt.result(flush).status, Status::io_error);
  EXPECT_EQ(rt.result(gated).status, Status::io_error);
  EXPECT_EQ(rt.counter("destage_waiters_failed"), 2u);
  EXPECT_EQ(rt.counter("dirty_blocks"), 4u);  // the data is still on flash
  EXPECT_EQ(rt.engine().check_invariants(), "");
  const RequestId again = rt.flush();  // until a destage works, new ones fail too
  ASSERT_TRUE(rt.done(again));
  EXPECT_EQ(rt.result(again).status, Status::io_error);

  // Destage keeps trying at the longest back-off; once it works, all is as before.
  ASSERT_TRUE(rt.timer().has_value());
  rt.advance_to(*rt.timer());
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  const RequestId later = rt.flush();
  EXPECT_EQ(rt.result(later).status, Status::ok);
  EXPECT_TRUE(rt.violations().empty());
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

// A block whose destage fails max_tries times fails the flush waiting for it even when destages of
// other blocks succeed in between (the failures are then not in a row host-wide).
TEST(DestageRetry, AFlushWaitingForABlockThatKeepsFailingFails) {
  EngineConfig config = retry_config();
  config.destage.max_in_flight = 1;
  config.destage.max_coalesce_bytes = kBlock;
  FakeRuntime rt(config);
  rt.write(0, kBlock);           // block 0: its destages will fail
  rt.write(2 * kBlock, kBlock);  // block 2: its destage works
  rt.complete_all();
  const RequestId flush = rt.flush();
  fail_destage(rt);  // block 0, try 1
  rt.advance_to(*rt.timer());
  rt.complete(0);  // block 2: flash read
  ASSERT_EQ(rt.pending().size(), 1u);
  ASSERT_EQ(rt.pending()[0].first_block, 2u);
  rt.complete(0);  // block 2 on the array: the failures in a row start again from zero
  EXPECT_EQ(rt.counter("dirty_blocks"), 1u);
  fail_destage(rt);  // block 0, try 2
  rt.advance_to(*rt.timer());
  EXPECT_FALSE(rt.done(flush));
  fail_destage(rt);  // block 0, try 3: only two in a row, but this block has had its three
  ASSERT_TRUE(rt.done(flush));
  EXPECT_EQ(rt.result(flush).status, Status::io_error);
  EXPECT_EQ(rt.counter("dirty_blocks"), 1u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

}  // namespace
}  // namespace flashtwin::testing
