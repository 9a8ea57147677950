// TimestampResync: a lenient reader gets past one corrupt timestamp, forward or back, instead of
// dropping everything after a jump forward.
#include "timestamp_resync.hpp"

#include "flashtwin/models/request_stream.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flashtwin::models::detail {
namespace {

// The times that come out of a resync fed `times` in order.
std::vector<std::int64_t> resync(const std::vector<std::int64_t>& times, std::uint64_t& dropped) {
  TimestampResync<StreamRequest> r;
  std::vector<std::int64_t> out;
  StreamRequest ready;
  for (std::size_t i = 0; i < times.size(); ++i) {
    StreamRequest in;
    in.time_ns = times[i];
    in.offset_bytes = i;  // the record's position in the file
    if (r.push(static_cast<std::uint64_t>(in.time_ns), in, ready)) out.push_back(ready.time_ns);
  }
  if (r.finish(ready)) out.push_back(ready.time_ns);
  EXPECT_FALSE(r.finish(ready));
  dropped = r.dropped();
  return out;
}

TEST(TimestampResync, InOrderTimesPassUnchanged) {
  std::uint64_t dropped = 0;
  EXPECT_EQ(resync({1, 2, 2, 7}, dropped), (std::vector<std::int64_t>{1, 2, 2, 7}));
  EXPECT_EQ(dropped, 0u);
  EXPECT_TRUE(resync({}, dropped).empty());
}

TEST(TimestampResync, OneJumpForwardDropsOnlyThatRecord) {
  std::uint64_t dropped = 0;
  EXPECT_EQ(resync({1, 2, 3, 1'000'000'000'000, 4, 5}, dropped),
            (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(dropped, 1u);
}

TEST(TimestampResync, OneJumpBackDropsOnlyThatRecord) {
  std::uint64_t dropped = 0;
  EXPECT_EQ(resync({10, 20, 30, 0, 40}, dropped), (std::vector<std::int64_t>{10, 20, 30, 40}));
  EXPECT_EQ(dropped, 1u);
  // At the start nothing tells which of the first two is wrong: the later one goes.
  EXPECT_EQ(resync({5, 4, 9}, dropped), (std::vector<std::int64_t>{5, 9}));
  EXPECT_EQ(dropped, 1u);
}

}  // namespace
}  // namespace flashtwin::models::detail
