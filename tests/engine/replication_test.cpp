// Write-back replication across engines (docs/CLUSTER.md), on the multi-host fake: several
// engines on one clock, messages delivered late, reordered, twice or never.
#include "engine_test_config.hpp"
#include "fake_cluster.hpp"

#include <gtest/gtest.h>

#include <random>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;
constexpr std::size_t npos = FakeCluster::npos;

// The index of the first message of type M on the network to host `to`.
template <class M>
std::size_t message_to(FakeCluster& c, HostId to) {
  const auto& net = c.network();
  for (std::size_t i = 0; i < net.size(); ++i)
    if (net[i].to == to && std::holds_alternative<M>(net[i].message)) return i;
  return npos;
}

// 64 slots; dirty limit 12 blocks, high watermark 13 (so nothing destages unasked below it).
EngineConfig tight_config() {
  EngineConfig config = small_config(64);
  config.destage.low_watermark = 0.1;
  config.destage.high_watermark = 0.2;
  config.destage.dirty_limit = 0.2;
  return config;
}

// Two hosts, host 0's VM replicated on host 1, its blocks [0, blocks) written and replicated.
FakeCluster replicated_writes(const EngineConfig& config, std::uint64_t blocks) {
  FakeCluster c(2, config);
  c.set_peers(0, {1});
  c.host(0).write(0, blocks * kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), blocks);
  return c;
}

TEST(Replication, WriteIsAcknowledgedOnlyOnceLocalFlashAndThePeerAreDone) {
  FakeCluster c(2, small_config());
  c.set_peers(0, {1});
  const RequestId w = c.host(0).write(0, kBlock);
  ASSERT_EQ(c.host(0).count(Kind::flash_write), 1u);
  ASSERT_NE(c.find<ReplicaWrite>(), npos);  // sent beside the local write, not after it
  c.host(0).complete(pending_index(c.host(0), Kind::flash_write));
  EXPECT_FALSE(c.host(0).done(w));
  c.deliver(c.find<ReplicaWrite>());
  // The copy goes through the peer's own device queue.
  ASSERT_EQ(c.host(1).count(Kind::flash_write), 1u);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 1u);
  EXPECT_FALSE(c.host(0).done(w));
  c.host(1).complete(0);
  EXPECT_FALSE(c.host(0).done(w));  // the ack is still on the network
  c.deliver(c.find<ReplicaAck>());
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).result(w).status, Status::ok);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 1u);
  EXPECT_EQ(c.host(1).counter("dirty_blocks"), 0u);  // a replica is not the peer's dirty data
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, TwoReplicasNeedBothAcksInWhateverOrderTheyArrive) {
  FakeCluster c(3, small_config());
  c.set_peers(0, {1, 2});
  const RequestId w = c.host(0).write(0, 2 * kBlock);
  c.host(0).complete(0);
  c.deliver(message_to<ReplicaWrite>(c, 2));
  c.deliver(message_to<ReplicaWrite>(c, 1));
  c.host(2).complete(0);
  c.host(1).complete(0);
  c.deliver(message_to<ReplicaAck>(c, 0) + 1);  // host 1's ack overtakes host 2's
  EXPECT_FALSE(c.host(0).done(w));
  c.deliver(message_to<ReplicaAck>(c, 0));
  EXPECT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 2u);
  EXPECT_EQ(c.host(2).counter("replica_blocks"), 2u);
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, ADroppedReplicaWriteOrAckNeverLeadsToAnAcknowledgement) {
  FakeCluster c(3, small_config());
  c.set_peers(0, {1, 2});
  const RequestId lost_write = c.host(0).write(0, kBlock);
  c.drop(message_to<ReplicaWrite>(c, 2));
  c.run_until_quiet();
  EXPECT_FALSE(c.host(0).done(lost_write));
  EXPECT_EQ(c.host(0).counter("replica_acks"), 1u);
  EXPECT_EQ(c.host(0).counter("replica_acks_pending"), 1u);

  const RequestId lost_ack = c.host(0).write(8 * kBlock, kBlock);
  c.host(0).complete(0);
  c.deliver(message_to<ReplicaWrite>(c, 1));
  c.deliver(message_to<ReplicaWrite>(c, 2));
  c.host(1).complete(0);
  c.host(2).complete(0);
  c.drop(c.find<ReplicaAck>());
  c.run_until_quiet();
  EXPECT_FALSE(c.host(0).done(lost_ack));
  // A read of the block waits behind the unacknowledged write; the oracle has no complaint.
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, DuplicateUnknownAndMisaddressedAcksAreIgnored) {
  FakeCluster c(3, small_config());
  c.set_peers(0, {1});
  const RequestId w = c.host(0).write(0, kBlock);
  c.host(0).complete(0);
  c.deliver(c.find<ReplicaWrite>());
  c.host(1).complete(0);
  const PeerMessage ack = c.network()[c.find<ReplicaAck>()].message;
  c.host(0).receive(2, ack);  // host 2 was never asked
  EXPECT_FALSE(c.host(0).done(w));
  ReplicaAck unknown = std::get<ReplicaAck>(ack);
  unknown.sequence += 1000;
  c.host(0).receive(1, PeerMessage{unknown});
  EXPECT_FALSE(c.host(0).done(w));
  c.deliver(c.find<ReplicaAck>());
  EXPECT_TRUE(c.host(0).done(w));
  c.host(0).receive(1, ack);  // a duplicate of the real one
  EXPECT_EQ(c.host(0).counter("replica_messages_ignored"), 3u);
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, DestageHoldsTheBlockUntilThePeerDroppedItsCopyAndALateReleaseKeepsNewer) {
  FakeCluster c(2, small_config());
  c.set_peers(0, {1});
  const RequestId w1 = c.host(0).write(0, kBlock);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w1));
  // Destage v1 (a flush); its release is on the network.
  c.host(0).flush();
  c.host(0).complete_all();
  const std::size_t release_v1 = c.find<ReplicaRelease>();
  ASSERT_NE(release_v1, npos);
  const PeerMessage late_copy = c.network()[release_v1].message;
  // A write of the block waits: the destage holds it until the peer answered the release, so no
  // newer version reaches the array while the peer still holds v1 (recovery would write v1 back).
  const RequestId w2 = c.host(0).write(0, kBlock);
  EXPECT_EQ(pending_index(c.host(0), PendingIo::Kind::flash_write), npos);
  c.deliver(release_v1);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  c.deliver(c.find<ReplicaAck>());
  EXPECT_EQ(c.host(0).counter("release_acks"), 1u);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w2));
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 1u);  // v2's copy
  // The old release delivered again, late: versions decide, the newer copy stays.
  c.host(1).receive(0, late_copy);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 1u);
  EXPECT_EQ(c.host(1).counter("replica_blocks_released"), 1u);
  // Destaging v2 releases it.
  c.host(0).flush();
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(1).counter("replica_blocks_released"), 2u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, APeerWithoutRoomRefusesAndTheWriteGoesThroughToTheArray) {
  FakeCluster c(2, tight_config());
  c.set_peers(0, {1});
  // 13 blocks: more than the peer's dirty limit of 12 (the owner's own gate lets a first write
  // through whatever its size).
  const RequestId w = c.host(0).write(0, 13 * kBlock);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).result(w).status, Status::ok);
  EXPECT_EQ(c.host(1).counter("replica_writes_refused"), 1u);
  EXPECT_EQ(c.host(0).counter("replica_refusals"), 1u);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);  // written through: clean
  EXPECT_EQ(c.host(0).counter("cached_blocks"), 13u);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, APeersFailedFlashWriteMakesTheWriteGoThrough) {
  FakeCluster c(2, small_config());
  c.set_peers(0, {1});
  const RequestId w = c.host(0).write(0, kBlock);
  c.deliver(c.find<ReplicaWrite>());
  c.host(1).complete(0, Status::io_error);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).result(w).status, Status::ok);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, ReplicasCountAgainstThePeersDirtyLimitAreNeverEvictedNorDestaged) {
  FakeCluster c = replicated_writes(tight_config(), 12);
  // The peer's reads fill and evict its clean blocks, never a replica.
  for (int i = 0; i < 80; ++i) {
    c.host(1).read(static_cast<std::uint64_t>(100 + i) * kBlock, kBlock);
    c.run_until_quiet();
  }
  EXPECT_GT(c.host(1).counter("evictions"), 0u);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 12u);
  // The peer's own write-back write finds its dirty limit taken by the replicas and waits, even
  // through the peer's flush: a peer never destages a replica.
  const RequestId own = c.host(1).write(0, kBlock);
  EXPECT_EQ(c.host(1).counter("writes_throttled"), 1u);
  const RequestId peer_flush = c.host(1).flush();
  c.run_until_quiet();
  EXPECT_TRUE(c.host(1).done(peer_flush));
  EXPECT_FALSE(c.host(1).done(own));
  EXPECT_EQ(c.host(1).counter("destage_writes"), 0u);
  // The owner destages: the releases make room and the peer's write goes on.
  c.host(0).flush();
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_TRUE(c.host(1).done(own));
  EXPECT_EQ(c.host(1).counter("destage_writes"), 0u);
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, TimingSplitsTheWriteIntoLocalFlashNetworkAndPeerFlash) {
  FakeCluster c(2, small_config());
  c.set_peers(0, {1});
  c.advance_to(1'000);
  const RequestId w = c.host(0).write(0, kBlock);
  c.advance_to(11'000);
  c.host(0).complete(0);
  c.advance_to(21'000);
  c.deliver(c.find<ReplicaWrite>());
  c.advance_to(51'000);
  c.host(1).complete(0);
  c.advance_to(61'000);
  c.deliver(c.find<ReplicaAck>());
  ASSERT_TRUE(c.host(0).done(w));
  const WriteTiming& t = c.host(0).result(w).timing;
  EXPECT_EQ(t.total_ns, 60'000);
  EXPECT_EQ(t.waited_ns, 0);
  EXPECT_EQ(t.local_flash_ns, 10'000);
  EXPECT_EQ(t.peer_flash_ns, 30'000);
  EXPECT_EQ(t.network_ns, 30'000);
  EXPECT_EQ(t.replicas, 1u);
}

TEST(Replication, PartialWriteOfACleanBlockGoesThroughSoNoReplicaLacksBytes) {
  FakeCluster c(2, small_config());
  c.set_peers(0, {1});
  c.host(0).read(0, kBlock);  // cached clean
  c.run_until_quiet();
  const RequestId w = c.host(0).write(512, 512);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).counter("replica_writes_sent"), 0u);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
  // A partial write of a dirty (replicated) block sends only its bytes.
  c.host(0).write(0, kBlock);
  c.run_until_quiet();
  c.host(0).write(512, 512);
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).counter("replica_bytes_sent"), kBlock + 512u);
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, LeavingWriteBackReleasesEveryReplicaAndWritesThroughSendNone) {
  FakeCluster c = replicated_writes(small_config(), 4);
  c.host(0).set_vm_mode(CacheMode::write_through);  // drains: destage, then releases
  c.run_until_quiet();
  ASSERT_EQ(c.host(0).modes_applied().size(), 1u);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  const std::uint64_t sent = c.host(0).counter("replica_writes_sent");
  c.host(0).write(0, kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).counter("replica_writes_sent"), sent);
  EXPECT_EQ(c.check(), "");
}

TEST(Replication, DiscardingADirtyBlockReleasesItsReplica) {
  FakeCluster c = replicated_writes(small_config(), 2);
  c.host(0).discard(0, kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 1u);
  c.host(0).flush();
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

// Three hosts replicating to each other, random requests, every device completion and message
// delivery in random order: every read is judged by each host's oracle, invariants hold after
// every step, and once everything is flushed the array has every acknowledged write and no
// replica is left anywhere. Odd seeds run with a dirty limit of 12 blocks, so peers refuse and
// writes go through.
TEST(Replication, RandomInterleavingsKeepEveryHostConsistentAndReleaseEveryReplica) {
  std::uint64_t refusals = 0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FakeCluster c(3, seed % 2 == 1 ? tight_config() : small_config());
    c.set_peers(0, {1, 2});
    c.set_peers(1, {2});
    c.set_peers(2, {0});
    std::mt19937_64 rng(seed);
    for (int step = 0; step < 600; ++step) {
      if (rng() % 3 == 0) {
        FakeRuntime& host = c.host(static_cast<HostId>(rng() % 3));
        const std::uint64_t block = rng() % 24;
        const std::uint64_t blocks = 1 + rng() % 3;
        const std::uint64_t offset = block * kBlock + (rng() % 4 == 0 ? 512 : 0);
        const std::uint64_t length = blocks * kBlock - (rng() % 4 == 0 ? 1024 : 0);
        switch (rng() % 9) {
          case 0:
            host.flush();
            break;
          case 8:
            host.discard(offset, length);
            break;
          case 1:
          case 2:
          case 3:
            host.read(offset, length);
            break;
          default:
            host.write(offset, length);
            break;
        }
      } else {
        c.step_random(rng);
      }
      ASSERT_EQ(c.check(), "") << "step " << step;
    }
    c.run_until_quiet();
    for (HostId h = 0; h < 3; ++h)
      c.host(h).flush();
    c.run_until_quiet();
    for (HostId h = 0; h < 3; ++h) {
      EXPECT_EQ(c.host(h).counter("dirty_blocks"), 0u);
      EXPECT_EQ(c.host(h).counter("replica_blocks"), 0u);
      EXPECT_EQ(c.host(h).counter("replica_acks_pending"), 0u);
      EXPECT_EQ(c.host(h).array_matches_acknowledged(), "");
      refusals += c.host(h).counter("replica_refusals");
    }
    EXPECT_EQ(c.check(), "");
  }
  EXPECT_GT(refusals, 0u);  // the write-through fallback was exercised
}

}  // namespace
}  // namespace flashtwin::testing
