// The oracle must catch what it exists for: stale reads, invented versions, reads going back.
#include "flashtwin/sim/consistency_oracle.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

TEST(ConsistencyOracle, AcceptsTheLastAcknowledgedWrite) {
  ConsistencyOracle oracle;
  oracle.write_submitted(1, 5, 10, 2, 7);
  oracle.write_completed(1, true);
  oracle.read_submitted(2, 5, 10, 2);
  const std::vector<engine::Version> got = {7, 7};
  EXPECT_FALSE(oracle.read_completed(2, got).has_value());
  EXPECT_EQ(oracle.last_acknowledged(5, 11), 7u);
}

TEST(ConsistencyOracle, RejectsAStaleRead) {
  ConsistencyOracle oracle;
  oracle.write_submitted(1, 5, 0, 1, 3);
  oracle.write_completed(1, true);
  oracle.read_submitted(2, 5, 0, 1);
  const std::vector<engine::Version> got = {0};
  auto violation = oracle.read_completed(2, got);
  ASSERT_TRUE(violation.has_value());
  EXPECT_NE(violation->reason.find("stale"), std::string::npos);
}

TEST(ConsistencyOracle, AcceptsAnInFlightNewerWriteButNotAnInventedVersion) {
  ConsistencyOracle oracle;
  oracle.write_submitted(1, 5, 0, 1, 3);
  oracle.write_completed(1, true);
  oracle.write_submitted(2, 5, 0, 1, 4);  // still in flight
  oracle.read_submitted(3, 5, 0, 1);
  const std::vector<engine::Version> newer = {4};
  EXPECT_FALSE(oracle.read_completed(3, newer).has_value());
  oracle.read_submitted(4, 5, 0, 1);
  const std::vector<engine::Version> invented = {9};
  EXPECT_TRUE(oracle.read_completed(4, invented).has_value());
}

TEST(ConsistencyOracle, ReadsNeverGoBackOnceANewerVersionWasReturned) {
  ConsistencyOracle oracle;
  oracle.write_submitted(1, 5, 0, 1, 3);
  oracle.write_completed(1, true);
  oracle.write_submitted(2, 5, 0, 1, 4);
  oracle.read_submitted(3, 5, 0, 1);
  const std::vector<engine::Version> newer = {4};
  ASSERT_FALSE(oracle.read_completed(3, newer).has_value());
  oracle.read_submitted(4, 5, 0, 1);  // submitted after version 4 was seen
  const std::vector<engine::Version> older = {3};
  EXPECT_TRUE(oracle.read_completed(4, older).has_value());
}

TEST(ConsistencyOracle, AFailedWriteIsNotAcknowledged) {
  ConsistencyOracle oracle;
  oracle.write_submitted(1, 5, 0, 1, 3);
  oracle.write_completed(1, false);
  EXPECT_EQ(oracle.last_acknowledged(5, 0), 0u);
  oracle.read_submitted(2, 5, 0, 1);
  const std::vector<engine::Version> old = {0};
  EXPECT_FALSE(oracle.read_completed(2, old).has_value());
}

}  // namespace
}  // namespace flashtwin::sim
