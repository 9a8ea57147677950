// WindowedTrace: window, speed and looping of a replayed trace.
#include "flashtwin/models/trace_window.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flashtwin::models {
namespace {

// Ten reads at 0, 1, ..., 9 ms.
class TenReads final : public RequestStream {
 public:
  bool next(StreamRequest& out) override {
    if (i_ == 10) return false;
    out = StreamRequest{static_cast<std::int64_t>(i_) * 1'000'000, engine::IoKind::read, i_ * 4096,
                        4096, 0};
    ++i_;
    return true;
  }
  std::string describe() const override { return "ten reads"; }

 private:
  std::uint64_t i_ = 0;
};

std::vector<std::int64_t> times(TraceWindow window, std::size_t at_most = 100) {
  WindowedTrace trace([] { return std::make_unique<TenReads>(); }, window);
  std::vector<std::int64_t> out;
  StreamRequest r;
  while (out.size() < at_most && trace.next(r))
    out.push_back(r.time_ns);
  return out;
}

TEST(WindowedTrace, WholeTraceAsIs) {
  const auto t = times({});
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t.front(), 0);
  EXPECT_EQ(t.back(), 9'000'000);
}

TEST(WindowedTrace, WindowStartsAtZeroAndEndsOnTime) {
  const auto t = times({.start_s = 0.003, .duration_s = 0.004});
  EXPECT_EQ(t, (std::vector<std::int64_t>{0, 1'000'000, 2'000'000, 3'000'000}));
}

TEST(WindowedTrace, TimeScaleTwoReplaysTwiceAsFast) {
  const auto t = times({.time_scale = 2});
  EXPECT_EQ(t[1], 500'000);
  EXPECT_EQ(t.back(), 4'500'000);
}

TEST(WindowedTrace, LoopRestartsAfterTheLastRequest) {
  const auto t = times({.loop = true}, 25);
  ASSERT_EQ(t.size(), 25u);
  EXPECT_EQ(t[10], 9'000'000 + 1'000'000);  // one millisecond after the last request
  EXPECT_EQ(t[20], 2 * 10'000'000);
}

TEST(WindowedTrace, EmptyWindowEndsEvenWhenLooping) {
  EXPECT_TRUE(times({.start_s = 1.0, .loop = true}).empty());
}

TEST(WindowedTrace, BadWindowsAreRejected) {
  auto open = [] { return std::make_unique<TenReads>(); };
  EXPECT_THROW(WindowedTrace(open, {.time_scale = 0}), std::invalid_argument);
  EXPECT_THROW(WindowedTrace(open, {.start_s = -1}), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::models
