// Configuration validation and misuse: clear exceptions naming the culprit.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

std::string error_of(const EngineConfig& config) {
  try {
    HostEngine engine(config);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

TEST(Config, BlockSizesFrom4KiBTo1MiBAnd512AreAccepted) {
  for (std::uint32_t bytes : {512u, 4096u, 8192u, 65536u, 1u << 20}) {
    EngineConfig config = small_config();
    config.block_bytes = bytes;
    EXPECT_EQ(error_of(config), "") << bytes;
  }
}

TEST(Config, OtherBlockSizesAreRejectedNamingTheField) {
  for (std::uint32_t bytes : {0u, 1024u, 2048u, 6000u, 2u << 20}) {
    EngineConfig config = small_config();
    config.block_bytes = bytes;
    EXPECT_NE(error_of(config).find("block_bytes"), std::string::npos) << bytes;
  }
}

TEST(Config, WatermarksMustBeOrdered) {
  EngineConfig config = small_config();
  config.destage.low_watermark = 0.6;
  config.destage.high_watermark = 0.5;
  EXPECT_NE(error_of(config).find("low_watermark"), std::string::npos);
}

TEST(Config, UnknownEvictionPolicyIsRejected) {
  EngineConfig config = small_config();
  config.eviction = "fifo-ish";
  EXPECT_NE(error_of(config).find("fifo-ish"), std::string::npos);
}

TEST(Config, TinyCapacityIsRejected) {
  EngineConfig config = small_config();
  config.capacity_blocks = 3;
  EXPECT_NE(error_of(config).find("capacity_blocks"), std::string::npos);
}

TEST(Misuse, UnknownDiskAndOutOfRangeRequestsThrow) {
  FakeRuntime rt(small_config());
  EXPECT_THROW(rt.engine().submit(0, IoRequest{99, 12345, IoKind::read, 0, kBlock, 0}),
               std::invalid_argument);
  EXPECT_THROW(rt.engine().submit(0, IoRequest{99, FakeRuntime::kDisk, IoKind::read,
                                               (1ull << 30) - 512, kBlock, 0}),
               std::out_of_range);
  EXPECT_THROW(rt.engine().submit(0, IoRequest{99, FakeRuntime::kDisk, IoKind::write, 0, 0, 1}),
               std::out_of_range);
}

TEST(Misuse, CompletionOfAnUnknownCommandThrows) {
  FakeRuntime rt(small_config());
  EXPECT_THROW(rt.engine().completed(0, 424242, Status::ok), std::invalid_argument);
  rt.read(0, kBlock);
  const CommandId id = rt.pending()[0].id;
  rt.complete(0);
  EXPECT_THROW(rt.engine().completed(0, id, Status::ok, {}), std::invalid_argument);  // twice
}

// A rejected completion changes nothing: the command stays pending, counters stay put, and the
// correct completion afterwards works (it used to free the command and count the error first).
TEST(Misuse, BadCompletionIsRejectedBeforeAnyStateChanges) {
  FakeRuntime rt(small_config(), CacheMode::write_back);
  const RequestId r = rt.read(0, 2 * kBlock);  // one array read of 2 blocks
  ASSERT_EQ(rt.pending().size(), 1u);
  const CommandId id = rt.pending()[0].id;
  const Version one[] = {5};
  EXPECT_THROW(rt.engine().completed(0, id, Status::ok, one), std::invalid_argument);
  EXPECT_THROW(rt.engine().completed(0, id, static_cast<Status>(7)), std::invalid_argument);
  EXPECT_EQ(rt.counter("io_errors"), 0u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
  rt.complete(0);  // the real completion is still accepted
  ASSERT_TRUE(rt.done(r));
  EXPECT_EQ(rt.result(r).status, Status::ok);

  rt.write(0, kBlock);  // a flash write: its completion carries no versions
  ASSERT_EQ(rt.count(PendingIo::Kind::flash_write), 1u);
  const Version some[] = {1};
  EXPECT_THROW(rt.engine().completed(0, rt.pending()[0].id, Status::ok, some),
               std::invalid_argument);
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 1u);
  EXPECT_TRUE(rt.violations().empty());
}

// Replication and migration messages are handled (replication_test.cpp, migration_test.cpp);
// recovery ones are not yet, and a malformed or self-sent message is refused before anything
// changes.
TEST(Misuse, RecoveryMessagesAreNotHandledYet) {
  FakeRuntime rt(small_config());
  EXPECT_THROW(rt.engine().received(0, 2, PeerMessage{RecoveryQuery{}}), std::logic_error);
  EXPECT_THROW(rt.engine().received(0, 2,
                                    PeerMessage{RemoteRead{FakeRuntime::kVm, 2,
                                                           BlockRun{FakeRuntime::kDisk, 0, 0}, 1}}),
               std::invalid_argument);  // an empty run
  ReplicaWrite bad;
  bad.run = BlockRun{FakeRuntime::kDisk, 0, 2};
  bad.versions = {5};
  EXPECT_THROW(rt.engine().received(0, 2, PeerMessage{bad}), std::invalid_argument);
  EXPECT_THROW(rt.engine().received(0, 0, PeerMessage{ReplicaAck{}}), std::invalid_argument);
  EXPECT_EQ(rt.engine().drain().size(), 0u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

TEST(Misuse, ReplicaPeersAreAtMostTwoOtherHostsOfAKnownVm) {
  FakeRuntime rt(small_config());  // host 0
  const std::vector<HostId> three = {1, 2, 3}, self = {0}, twice = {1, 1}, two = {1, 2};
  EXPECT_THROW(rt.engine().set_replica_peers(FakeRuntime::kVm, three), std::invalid_argument);
  EXPECT_THROW(rt.engine().set_replica_peers(FakeRuntime::kVm, self), std::invalid_argument);
  EXPECT_THROW(rt.engine().set_replica_peers(FakeRuntime::kVm, twice), std::invalid_argument);
  EXPECT_THROW(rt.engine().set_replica_peers(FakeRuntime::kVm + 1, two), std::invalid_argument);
  rt.write(0, kBlock);  // no peers were set: nothing is sent
  EXPECT_TRUE(rt.sent().empty());
  rt.complete_all();  // peers change only while the VM has no write-back write in flight
  EXPECT_THROW(rt.engine().set_replica_peers(FakeRuntime::kVm, two), std::logic_error);  // dirty
  rt.flush();
  rt.complete_all();
  rt.engine().set_replica_peers(FakeRuntime::kVm, two);
  rt.write(kBlock, kBlock);
  EXPECT_EQ(rt.sent().size(), 2u);
}

TEST(Counters, VisitorReportsEveryCounterOnceInAFixedOrder) {
  FakeRuntime rt(small_config());
  struct Names final : CounterVisitor {
    std::vector<std::string> seen;
    void counter(std::string_view name, std::uint64_t) override { seen.emplace_back(name); }
  } first, second;
  rt.engine().visit_counters(first);
  rt.read(0, kBlock);
  rt.complete_all();
  rt.engine().visit_counters(second);
  EXPECT_EQ(first.seen, second.seen);
  for (const char* name : {"read_hit_blocks", "read_miss_blocks", "write_hit_blocks",
                           "write_miss_blocks", "evictions", "admissions_refused_blocks",
                           "destaged_blocks", "destaged_bytes", "dirty_blocks", "cached_blocks"}) {
    EXPECT_EQ(std::count(first.seen.begin(), first.seen.end(), name), 1) << name;
  }
  EXPECT_EQ(rt.counter("read_bytes"), kBlock);
}

}  // namespace
}  // namespace flashtwin::testing
