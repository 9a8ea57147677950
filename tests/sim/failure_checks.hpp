// Checks shared by the whole-run failure tests (failure_run_test.cpp, power_run_test.cpp).
#pragma once

#include "flashtwin/sim/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace flashtwin::sim::testing {

// The timeline holds `event` (at `host`, when given).
inline bool has_event(const FailureTotals& f, const std::string& event,
                      const std::string& host = "") {
  return std::any_of(f.timeline.begin(), f.timeline.end(), [&](const TimelineEntry& e) {
    return e.event == event && (host.empty() || e.host == host);
  });
}

// The run's only outage `o` lost acknowledged writes (`loses`: some, counted in blocks of 4 KiB
// and in the run's total) or none.
inline void expect_losses(const ClusterTotals& c, const OutageTotals& o, bool loses) {
  if (loses) {
    EXPECT_GT(o.writes_lost, 0u);
    EXPECT_GE(o.blocks_lost, o.writes_lost);
    EXPECT_EQ(o.bytes_lost, o.blocks_lost * 4096);
    EXPECT_EQ(c.acknowledged_writes_lost, o.writes_lost);
  } else {
    EXPECT_EQ(o.writes_lost, 0u);
    EXPECT_EQ(c.acknowledged_writes_lost, 0u);
  }
}

}  // namespace flashtwin::sim::testing
