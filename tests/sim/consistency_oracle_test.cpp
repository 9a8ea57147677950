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

// A failed write whose version a read saw: later reads must not go back before it, although it was
// never acknowledged (the block stays unsettled for good).
TEST(ConsistencyOracle, ReadsNeverGoBackBeforeAFailedWriteTheySaw) {
  ConsistencyOracle oracle;
  oracle.write_submitted(1, 5, 0, 1, 3);
  oracle.write_completed(1, true);
  oracle.write_submitted(2, 5, 0, 1, 4);
  oracle.read_submitted(3, 5, 0, 1);
  const std::vector<engine::Version> seen = {4};
  ASSERT_FALSE(oracle.read_completed(3, seen).has_value());
  oracle.write_completed(2, false);
  EXPECT_EQ(oracle.blocks_unsettled(), 1u);
  oracle.read_submitted(4, 5, 0, 1);
  const std::vector<engine::Version> older = {3};
  EXPECT_TRUE(oracle.read_completed(4, older).has_value());
}

// After a reboot of the VM (its host failed or was fenced), a failed write it saw binds no more:
// reads go back to the acknowledged version, on its disks only.
TEST(ConsistencyOracle, AfterARebootOnlyAcknowledgedWritesBind) {
  ConsistencyOracle oracle;
  for (const engine::DiskId disk : {5u, 6u}) {
    oracle.write_submitted(disk * 10, disk, 0, 1, disk * 10);
    oracle.write_completed(disk * 10, true);
    oracle.write_submitted(disk * 10 + 1, disk, 0, 1, disk * 10 + 1);
    oracle.read_submitted(disk * 10 + 2, disk, 0, 1);
    const std::vector<engine::Version> seen = {disk * 10 + 1};
    ASSERT_FALSE(oracle.read_completed(disk * 10 + 2, seen).has_value());
    oracle.write_completed(disk * 10 + 1, false);
  }
  const std::vector<engine::DiskId> rebooted = {5};
  oracle.forget_returned(rebooted);
  oracle.read_submitted(100, 5, 0, 1);
  const std::vector<engine::Version> acked5 = {50};
  EXPECT_FALSE(oracle.read_completed(100, acked5).has_value());
  oracle.read_submitted(101, 6, 0, 1);
  const std::vector<engine::Version> acked6 = {60};
  EXPECT_TRUE(oracle.read_completed(101, acked6).has_value());  // not rebooted: still stale
  EXPECT_EQ(oracle.last_acknowledged(5, 0), 50u);               // acknowledged writes still bind
}

// Memory: what a block has beyond its acknowledged version is dropped once the writes in flight
// complete, whatever order they complete in; only the acknowledged version stays.
TEST(ConsistencyOracle, SettledBlocksKeepOnlyTheirAcknowledgedVersion) {
  ConsistencyOracle oracle;
  engine::Version version = 0;
  for (engine::BlockNo block = 0; block < 1000; ++block) {
    oracle.write_submitted(3 * block, 5, block, 1, ++version);
    oracle.write_submitted(3 * block + 1, 5, block, 1, ++version);
    oracle.read_submitted(3 * block + 2, 5, block, 1);
    const std::vector<engine::Version> newest = {version};
    ASSERT_FALSE(oracle.read_completed(3 * block + 2, newest).has_value());
    oracle.write_completed(3 * block + 1, true);  // the newer write first
    oracle.write_completed(3 * block, true);
  }
  EXPECT_EQ(oracle.blocks_unsettled(), 0u);
  EXPECT_EQ(oracle.blocks_tracked(), 1000u);
  EXPECT_EQ(oracle.last_acknowledged(5, 999), version);
  // The older write completing last did not lower what a read must see.
  oracle.read_submitted(9000, 5, 999, 1);
  const std::vector<engine::Version> older = {version - 1};
  EXPECT_TRUE(oracle.read_completed(9000, older).has_value());
}

}  // namespace
}  // namespace flashtwin::sim
