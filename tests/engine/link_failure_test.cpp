// Link cuts between engines (docs/CLUSTER.md, "Link cuts and partitions"), on the multi-host fake
// with one VM whose hosts share one array and one oracle: a replica message whose ack does not
// come is waited for again after the timeout, the peer is given up on after the last retry (the
// write goes to the array too, PeerUnreachable), a release is sent again, late answers and
// duplicates change nothing, and random drops and cuts with timeouts lose no acknowledged write.
#include "engine_test_config.hpp"
#include "fake_cluster.hpp"
#include "random_request.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;
constexpr std::size_t npos = FakeCluster::npos;
constexpr TimeNs kTimeout = 50'000'000;  // EngineConfig's default

// Host 0 owns the VM and copies its write-back writes to `peers`.
FakeCluster owner_with_peers(const std::vector<HostId>& peers, TimeNs timeout = kTimeout) {
  EngineConfig config = small_config();
  config.replica_timeout_ns = timeout;
  FakeCluster c(3, config, CacheMode::write_back, true);
  c.set_peers(0, peers);
  return c;
}

TEST(LinkFailures, AnUnansweredReplicaWriteIsWaitedForThenGoesToTheArray) {
  FakeCluster c = owner_with_peers({1});
  EXPECT_EQ(small_config().replica_timeout_ns, kTimeout);
  EXPECT_EQ(small_config().replica_retries, 2u);
  const RequestId w = c.host(0).write(0, 2 * kBlock);
  c.host(0).complete(pending_index(c.host(0), Kind::flash_write));
  c.drop(c.find<ReplicaWrite>());  // the link to host 1 is cut
  // Each timeout is waited out (a ReplicaWrite is not sent twice: a late second copy could land
  // after the block's release); after the last the peer is given up on.
  for (int wait = 1; wait <= 2; ++wait) {
    c.advance_to(c.now() + kTimeout);
    EXPECT_EQ(c.find<ReplicaWrite>(), npos) << "wait " << wait;
    EXPECT_FALSE(c.host(0).done(w));
    EXPECT_TRUE(c.host(0).unreachable().empty());
  }
  c.advance_to(3 * kTimeout - 1);
  EXPECT_TRUE(c.host(0).unreachable().empty());  // not before three timeouts
  c.advance_to(3 * kTimeout);
  // Given up: the write goes to the array too, and the runtime is told.
  ASSERT_EQ(c.host(0).unreachable().size(), 1u);
  EXPECT_EQ(c.host(0).unreachable()[0].peer, 1u);
  EXPECT_EQ(c.host(0).unreachable()[0].acks_abandoned, 1u);
  EXPECT_EQ(c.host(0).counter("peers_unreachable"), 1u);
  EXPECT_EQ(c.host(0).counter("peers_down"), 0u);  // not declared down
  ASSERT_EQ(c.host(0).count(Kind::array_write), 1u);
  EXPECT_FALSE(c.host(0).done(w));
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).result(w).status, Status::ok);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
  EXPECT_EQ(c.host(0).counter("replica_acks_pending"), 0u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  // Later writes are not copied to it. Until the runtime gives the VM peers again they go to the
  // array too and are acknowledged only once there: never with fewer copies than asked.
  const RequestId later = c.host(0).write(4 * kBlock, kBlock);
  EXPECT_EQ(c.find<ReplicaWrite>(), npos);
  c.host(0).complete(pending_index(c.host(0), Kind::flash_write));
  EXPECT_FALSE(c.host(0).done(later));  // its flash copy alone does not acknowledge it
  ASSERT_EQ(c.host(0).count(Kind::array_write), 1u);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(later));
  EXPECT_EQ(c.host(0).result(later).status, Status::ok);
  EXPECT_EQ(c.host(0).counter("underprotected_dirty_blocks"), 0u);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);  // on the array: clean
  // If the array cannot take it either, the write fails; its flash copy stays dirty.
  const RequestId failed = c.host(0).write(6 * kBlock, kBlock);
  c.host(0).complete(pending_index(c.host(0), Kind::array_write), Status::io_error);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(failed));
  EXPECT_EQ(c.host(0).result(failed).status, Status::io_error);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 1u);
  // A destage later writes it to the array.
  c.advance_to(c.now() + kTimeout);
  c.run_until_quiet();
  // Nothing is awaited any more: time passes without anything more happening.
  c.advance_to(c.now() + 10 * kTimeout);
  EXPECT_EQ(c.host(0).counter("peers_unreachable"), 1u);
  EXPECT_EQ(c.host(0).counter("replica_resends"), 0u);
  EXPECT_EQ(c.check(), "");
}

TEST(LinkFailures, LateAnswersAfterGivingUpAreIgnoredAndTheStaleCopiesForgotten) {
  FakeCluster c = owner_with_peers({1});
  const RequestId w = c.host(0).write(0, 2 * kBlock);
  c.host(0).complete(pending_index(c.host(0), Kind::flash_write));
  // The copy stays on the network (a slow link) until the owner gave up.
  for (int i = 0; i < 3; ++i)
    c.advance_to(c.now() + kTimeout);
  ASSERT_EQ(c.host(0).unreachable().size(), 1u);
  c.run_until_quiet();  // the copy lands; its ack comes back late
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(1).counter("replica_writes_taken"), 1u);
  EXPECT_GE(c.host(0).counter("replica_messages_ignored"), 1u);  // the late ack matched nothing
  EXPECT_EQ(c.host(0).counter("replica_acks"), 0u);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);  // written through
  // Host 1 holds copies its owner no longer releases: the runtime has it forget them.
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 2u);
  EXPECT_EQ(c.host(1).forget_replicas(0), 2u);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(1).counter("replicas_forgotten"), 2u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

TEST(LinkFailures, ADuplicateReplicaWriteIsAnsweredOnceItsCopyIsOnFlash) {
  FakeCluster c = owner_with_peers({1});
  const RequestId w = c.host(0).write(0, kBlock);
  c.host(0).complete(pending_index(c.host(0), Kind::flash_write));
  const InFlightMessage copy = c.network().at(c.find<ReplicaWrite>());
  c.deliver(c.find<ReplicaWrite>());  // on host 1's flash queue
  ASSERT_EQ(c.host(1).count(Kind::flash_write), 1u);
  c.host(1).receive(copy.from, copy.message);  // the network delivers it twice
  // Not written twice and not answered before the copy is on flash.
  EXPECT_EQ(c.host(1).count(Kind::flash_write), 1u);
  EXPECT_EQ(c.host(1).counter("replica_duplicates_waiting"), 1u);
  EXPECT_EQ(c.find<ReplicaAck>(), npos);
  EXPECT_FALSE(c.host(0).done(w));
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).counter("replica_acks"), 1u);
  // Once landed, a third delivery is answered at once and writes nothing; the owner ignores the
  // answer (its sequence is no longer awaited).
  c.host(1).receive(copy.from, copy.message);
  EXPECT_EQ(c.host(1).count(Kind::flash_write), 0u);
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).counter("replica_messages_ignored"), 1u);
  EXPECT_EQ(c.host(1).counter("replica_blocks_written"), 1u);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 1u);  // acknowledged with its copy
  EXPECT_TRUE(c.host(0).unreachable().empty());
  EXPECT_EQ(c.check(), "");
}

TEST(LinkFailures, AnUnansweredReleaseIsSentAgainThenTheDestageEnds) {
  FakeCluster c = owner_with_peers({1, 2});
  c.host(0).write(0, kBlock);
  c.run_until_quiet();
  const RequestId f = c.host(0).flush();
  c.host(0).complete(pending_index(c.host(0), Kind::flash_read));
  c.host(0).complete(pending_index(c.host(0), Kind::array_write));
  // Host 2 answers its release; host 1's link is cut.
  for (int round = 0; round < 3; ++round) {
    for (std::size_t i = c.find<ReplicaRelease>(); i != npos; i = c.find<ReplicaRelease>()) {
      if (c.network()[i].to == 1) {
        c.drop(i);
      } else {
        c.deliver(i);
      }
    }
    if (const std::size_t ack = c.find<ReplicaAck>(); ack != npos) c.deliver(ack);
    // The destage keeps its lock until host 1 answers.
    EXPECT_EQ(c.host(0).counter("replica_acks_pending"), 1u) << "round " << round;
    c.advance_to(c.now() + kTimeout);
  }
  EXPECT_EQ(c.host(0).counter("replica_resends"), 2u);
  ASSERT_EQ(c.host(0).unreachable().size(), 1u);
  EXPECT_EQ(c.host(0).unreachable()[0].peer, 1u);
  c.run_until_quiet();
  ASSERT_TRUE(c.host(0).done(f));
  EXPECT_EQ(c.host(2).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 1u);  // never released: stale from now on
  c.host(1).forget_replicas(0);
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.check(), "");
}

TEST(LinkFailures, WithoutATimeoutALostAckIsWaitedForForever) {
  FakeCluster c = owner_with_peers({1}, 0);
  const RequestId w = c.host(0).write(0, kBlock);
  c.drop(c.find<ReplicaWrite>());
  c.run_until_quiet();
  c.advance_to(1'000'000'000'000);
  EXPECT_FALSE(c.host(0).done(w));
  EXPECT_EQ(c.host(0).counter("replica_resends"), 0u);
  EXPECT_TRUE(c.host(0).unreachable().empty());
  EngineConfig bad = small_config();
  bad.replica_timeout_ns = -1;
  EXPECT_THROW(HostEngine engine(bad), std::invalid_argument);
  bad = small_config();
  bad.replica_retries = 101;
  EXPECT_THROW(HostEngine engine(bad), std::invalid_argument);
}

// After giving up on a peer, the runtime drains the VM out of write-back, has the peer forget its
// copies, and names it again once its link is back: it serves as before.
TEST(LinkFailures, APeerGivenUpOnServesAgainOnceDrainedAndForgotten) {
  FakeCluster c = owner_with_peers({1});
  c.host(0).write(0, kBlock);
  c.run_until_quiet();
  c.host(0).write(kBlock, kBlock);
  c.drop(c.find<ReplicaWrite>());
  for (int i = 0; i < 3; ++i) {
    c.advance_to(c.now() + kTimeout);
    if (const std::size_t m = c.find<ReplicaWrite>(); m != npos) c.drop(m);
  }
  ASSERT_EQ(c.host(0).unreachable().size(), 1u);
  c.run_until_quiet();
  c.host(0).set_vm_mode(CacheMode::write_through);
  c.run_until_quiet();
  ASSERT_FALSE(c.host(0).modes_applied().empty());
  EXPECT_EQ(c.host(1).forget_replicas(0), 1u);  // block 0, never released
  const std::vector<HostId> peers = {1};
  c.host(0).engine().set_replica_peers(FakeRuntime::kVm, peers);
  c.host(0).set_vm_mode(std::nullopt);
  c.run_until_quiet();
  c.host(0).write(0, 2 * kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 2u);
  EXPECT_EQ(c.host(0).counter("underprotected_dirty_blocks"), 0u);
  c.host(0).flush();
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

// Random requests on an owner with one or two peers; every completion and message in random
// order; time passing at random (so answers come late and releases are sent again); messages
// dropped at random, replica writes delivered twice; and one peer's link cut for a random stretch
// (every message to or from it dropped, those on their way too). When the owner gives up on a peer,
// the runtime has that peer forget the owner's copies once its link is back and nothing is on its
// way. Then everything settles: every acknowledged write on the array, no replica left.
// FLASHTWIN_FAILURE_SEEDS as in failure_test.cpp.
TEST(LinkFailures, RandomDropsCutsAndTimeoutsLoseNoAcknowledgedWrite) {
  std::uint64_t seeds = 1000;
  if (const char* text = std::getenv("FLASHTWIN_FAILURE_SEEDS")) seeds = std::stoull(text);
  std::uint64_t resends = 0, unreachable = 0, duplicates = 0, ignored = 0, forgotten = 0;
  std::uint64_t acked = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed * 104729);
    const bool two = rng() % 2 == 0;
    FakeCluster c = owner_with_peers(two ? std::vector<HostId>{1, 2} : std::vector<HostId>{1});
    const HostId cut = two && rng() % 2 == 0 ? 2 : 1;
    const int cut_at = 10 + static_cast<int>(rng() % 150);
    const int restore_at = cut_at + static_cast<int>(rng() % 80);
    SCOPED_TRACE(std::string(two ? "2 peers, " : "1 peer, ") + "host " + std::to_string(cut) +
                 " cut from step " + std::to_string(cut_at) + " to " + std::to_string(restore_at));
    auto on_cut_link = [&](const InFlightMessage& m) { return m.from == cut || m.to == cut; };
    auto drop_cut = [&] {
      for (std::size_t i = 0; i < c.network().size();) {
        if (on_cut_link(c.network()[i])) {
          c.drop(i);
        } else {
          ++i;
        }
      }
    };
    for (int step = 0; step < 240; ++step) {
      const bool is_cut = step >= cut_at && step < restore_at;
      if (is_cut) drop_cut();
      const std::uint64_t roll = rng() % 30;
      if (roll == 0 && !c.network().empty()) {
        c.drop(rng() % c.network().size());
      } else if (roll == 1 && c.find<ReplicaWrite>() != npos) {
        // Delivered twice in a row (the second while the first is on the peer's flash queue).
        const InFlightMessage copy = c.network()[c.find<ReplicaWrite>()];
        c.deliver(c.find<ReplicaWrite>());
        c.host(copy.to).receive(copy.from, copy.message);
      } else if (roll <= 3) {
        c.advance_to(c.now() + 20'000'000);  // time passes with answers on their way
      } else if (roll <= 11) {
        random_request(c.host(0), rng);
      } else if (!c.step_random(rng)) {
        c.advance_to(c.now() + 5'000'000);
      }
      if (is_cut) drop_cut();
      ASSERT_EQ(c.check(), "") << "step " << step;
    }
    c.run_until_quiet();
    c.host(0).flush();
    for (int i = 0; i < 8; ++i) {  // acks still awaited: answered, or their peer given up on
      c.run_until_quiet();
      c.advance_to(c.now() + kTimeout);
    }
    // The runtime's part: a peer given up on forgets the owner's copies (its link is back and
    // nothing is on its way: the owner sends it nothing more).
    for (const PeerUnreachable& given_up : c.host(0).unreachable())
      forgotten += c.host(given_up.peer).forget_replicas(0);
    c.run_until_quiet();
    EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
    EXPECT_EQ(c.host(0).counter("replica_acks_pending"), 0u);
    for (HostId h = 1; h < 3; ++h)
      EXPECT_EQ(c.host(h).counter("replica_blocks"), 0u)
          << "host " << h << ", given up on " << c.host(0).unreachable().size() << " peers, first "
          << (c.host(0).unreachable().empty() ? 9 : c.host(0).unreachable()[0].peer);
    EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
    EXPECT_EQ(c.check(), "");
    resends += c.host(0).counter("replica_resends");
    unreachable += c.host(0).counter("peers_unreachable");
    ignored += c.host(0).counter("replica_messages_ignored");
    acked += c.host(0).counter("replica_acks");
    for (HostId h = 1; h < 3; ++h)
      duplicates += c.host(h).counter("replica_duplicates_waiting");
  }
  // Coverage: every path ran.
  EXPECT_GT(acked, 0u);
  EXPECT_GT(resends, 0u);
  EXPECT_GT(unreachable, 0u);
  EXPECT_GT(duplicates, 0u);
  EXPECT_GT(ignored, 0u);
  EXPECT_GT(forgotten, 0u);
}

}  // namespace
}  // namespace flashtwin::testing
