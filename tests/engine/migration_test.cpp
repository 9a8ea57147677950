// Migration across engines (docs/CLUSTER.md, "Migration"), on the multi-host fake with one VM
// whose hosts share one array and one oracle: remote flash reads, invalidation before the new
// owner's writes, epochs, and messages delivered late, reordered, twice or never.
#include "engine_test_config.hpp"
#include "fake_cluster.hpp"
#include "random_request.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;
constexpr std::size_t npos = FakeCluster::npos;

// Two hosts sharing the VM; host 0 wrote blocks [0, blocks) (dirty, below the watermarks) and the
// VM migrated to host 1 (epoch 2).
FakeCluster written_then_migrated(std::uint64_t blocks) {
  FakeCluster c(2, small_config(), CacheMode::write_back, true);
  c.host(0).write(0, blocks * kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), blocks);
  EXPECT_EQ(c.migrate(0, 1), 2u);
  return c;
}

TEST(Migration, MissAtTheNewOwnerIsServedFromTheOldOwnersFlashAndInstalledLocally) {
  FakeCluster c = written_then_migrated(4);
  const RequestId r = c.host(1).read(0, 4 * kBlock);
  ASSERT_NE(c.find<RemoteRead>(), npos);
  EXPECT_EQ(c.host(1).count(Kind::array_read), 0u);  // the array is stale for dirty blocks
  c.deliver(c.find<RemoteRead>());
  ASSERT_EQ(c.host(0).count(Kind::flash_read), 1u);  // the old owner reads its own flash
  c.host(0).complete(0);
  EXPECT_FALSE(c.host(1).done(r));  // the answer is still on the network
  c.deliver(c.find<RemoteReadReply>());
  ASSERT_TRUE(c.host(1).done(r));
  EXPECT_EQ(c.host(1).result(r).status, Status::ok);
  EXPECT_EQ(c.host(1).result(r).served.remote_flash, 4u);
  EXPECT_EQ(c.host(1).result(r).served.array, 0u);
  EXPECT_EQ(c.host(1).counter("remote_hit_blocks"), 4u);
  EXPECT_EQ(c.host(1).counter("remote_read_bytes"), 4u * kBlock);
  EXPECT_EQ(c.host(0).counter("remote_bytes_served"), 4u * kBlock);
  // Installed locally (clean: the old owner keeps destage duty), so the next read is a local hit.
  ASSERT_EQ(c.host(1).count(Kind::flash_write), 1u);
  c.host(1).complete(0);
  EXPECT_EQ(c.host(1).counter("dirty_blocks"), 0u);
  const RequestId again = c.host(1).read(0, 4 * kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).result(again).served.local_flash, 4u);
  EXPECT_EQ(c.host(1).counter("remote_reads_sent"), 1u);
  EXPECT_EQ(c.check(), "");
}

TEST(Migration, BlocksTheOldOwnerDoesNotHoldComeFromTheArrayAndAreNeverAskedForAgain) {
  FakeCluster c = written_then_migrated(2);
  // Blocks 1..3: block 1 is on host 0, blocks 2 and 3 are not.
  const RequestId r = c.host(1).read(kBlock, 3 * kBlock);
  c.deliver(c.find<RemoteRead>());
  c.host(0).complete(0);
  c.deliver(c.find<RemoteReadReply>());
  ASSERT_EQ(c.host(1).count(Kind::array_read), 1u);
  EXPECT_EQ(c.host(1).pending()[pending_index(c.host(1), Kind::array_read)].first_block, 2u);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).result(r).served.remote_flash, 1u);
  EXPECT_EQ(c.host(1).result(r).served.array, 2u);
  EXPECT_EQ(c.host(1).counter("remote_absent_blocks"), 2u);
  // Settled: a write of blocks 2..3 needs no Invalidate, a write of block 1 does.
  c.host(1).write(2 * kBlock, 2 * kBlock);
  EXPECT_EQ(c.find<Invalidate>(), npos);
  c.host(1).write(kBlock, kBlock);
  EXPECT_NE(c.find<Invalidate>(), npos);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("invalidates_sent"), 1u);
  EXPECT_EQ(c.check(), "");
}

// The new owner's write of a block dirty on the old owner starts only once the old owner has
// destaged its copy and dropped it: the old version can never land on the array after the new.
TEST(Migration, WriteAtTheNewOwnerWaitsUntilTheOldOwnerHasDestagedAndDroppedItsCopy) {
  FakeCluster c = written_then_migrated(1);
  const RequestId w = c.host(1).write(0, kBlock);
  ASSERT_NE(c.find<Invalidate>(), npos);
  EXPECT_TRUE(c.host(1).pending().empty());  // not started: no flash write yet
  c.deliver(c.find<Invalidate>());
  // The old owner destages the block at once (an Invalidate waits on it, as a flush would).
  ASSERT_EQ(c.host(0).count(Kind::flash_read), 1u);
  c.host(0).complete(0);
  ASSERT_EQ(c.host(0).count(Kind::array_write), 1u);
  EXPECT_EQ(c.find<InvalidateAck>(), npos);  // not before the destage is on the array
  c.host(0).complete(0);
  ASSERT_NE(c.find<InvalidateAck>(), npos);
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
  EXPECT_EQ(c.host(0).counter("cached_blocks"), 0u);
  EXPECT_FALSE(c.host(1).done(w));
  c.deliver(c.find<InvalidateAck>());
  ASSERT_EQ(c.host(1).count(Kind::flash_write), 1u);
  c.host(1).complete(0);
  ASSERT_TRUE(c.host(1).done(w));
  EXPECT_EQ(c.host(1).counter("dirty_blocks"), 1u);
  c.host(1).flush();
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

TEST(Migration, AnswersThatMatchNoQuestionAreIgnoredAndWrongEpochsAreRejected) {
  FakeCluster c(3, small_config(), CacheMode::write_back, true);
  c.host(0).write(0, kBlock);
  c.run_until_quiet();
  c.migrate(0, 1);
  const RequestId r = c.host(1).read(0, kBlock);
  c.deliver(c.find<RemoteRead>());
  c.host(0).complete(0);
  const InFlightMessage reply = c.network().at(c.find<RemoteReadReply>());
  // From the wrong host, then twice: only the first from the old owner is taken.
  c.host(1).receive(2, reply.message);
  EXPECT_EQ(c.host(1).counter("migration_messages_ignored"), 1u);
  EXPECT_FALSE(c.host(1).done(r));
  c.deliver(c.find<RemoteReadReply>());
  c.host(1).receive(0, reply.message);
  EXPECT_EQ(c.host(1).counter("migration_messages_ignored"), 2u);
  c.run_until_quiet();
  EXPECT_TRUE(c.host(1).done(r));
  // A question of an older epoch, or from a host that is not the successor, is rejected; the
  // rejection is no answer.
  c.host(0).receive(
      1, PeerMessage{RemoteRead{FakeRuntime::kVm, 1, BlockRun{FakeRuntime::kDisk, 0, 1}, 99}});
  c.host(0).receive(
      2, PeerMessage{Invalidate{FakeRuntime::kVm, 2, BlockRun{FakeRuntime::kDisk, 0, 1}, 98}});
  EXPECT_EQ(c.host(0).counter("migration_messages_rejected"), 2u);
  ASSERT_NE(c.find<PeerReject>(), npos);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).counter("migration_messages_ignored"), 3u);
  EXPECT_EQ(c.check(), "");
}

TEST(Migration, TheOldOwnerServesNoMoreRequestsAndAVmMovesOnlyWhenQuiet) {
  FakeCluster c(2, small_config(), CacheMode::write_back, true);
  c.host(0).write(0, kBlock);  // in flight
  EXPECT_THROW(c.migrate(0, 1), std::logic_error);
  c.run_until_quiet();
  c.migrate(0, 1);
  EXPECT_THROW(c.host(0).read(0, kBlock), std::logic_error);
  EXPECT_THROW(c.host(0).engine().migrate_out(0, FakeRuntime::kVm, 0, 3), std::invalid_argument);
  EXPECT_THROW(c.host(1).engine().migrate_out(0, FakeRuntime::kVm, 0, 3), std::logic_error);
}

// The old owner keeps destage duty: its dirty blocks reach the array on its own destage (here
// when idle), its replicas are released then, and the new owner replicates its own new writes.
TEST(Migration, OldOwnerDestagesWhatWasDirtyAndReleasesItsReplicasNewOwnerReplicatesNewWrites) {
  FakeCluster c(3, small_config(), CacheMode::write_back, true);
  c.set_peers(0, {2});
  c.set_peers(1, {2});
  c.host(0).write(0, 2 * kBlock);
  c.run_until_quiet();
  EXPECT_EQ(c.host(2).counter("replica_blocks"), 2u);
  c.migrate(0, 1);
  c.host(1).write(8 * kBlock, kBlock);  // a block host 0 never held
  c.run_until_quiet();
  EXPECT_EQ(c.host(2).counter("replica_blocks"), 3u);
  c.advance_to(10'000'000);  // both idle
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
  EXPECT_EQ(c.host(1).counter("dirty_blocks"), 0u);
  EXPECT_EQ(c.host(2).counter("replica_blocks"), 0u);
  EXPECT_EQ(c.host(1).array_matches_acknowledged(), "");
  EXPECT_EQ(c.check(), "");
}

// Random requests on the VM's owner, one migration (once the VM is quiet), every completion and
// message in random order, replicas on a third host: every read is judged by the shared oracle,
// invariants hold after every step, and at the end every acknowledged write is on the array and
// no replica and no question is left.
TEST(Migration, RandomInterleavingsAcrossAMigrationStayConsistent) {
  std::uint64_t remote_hits = 0, invalidates = 0;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FakeCluster c(3, small_config(), CacheMode::write_back, true);
    c.set_peers(0, {2});
    c.set_peers(1, {2});
    std::mt19937_64 rng(seed);
    HostId owner = 0;
    std::set<RequestId> open;
    bool want_to_move = false;
    for (int step = 0; step < 700; ++step) {
      FakeRuntime& host = c.host(owner);
      for (auto it = open.begin(); it != open.end();)
        it = host.done(*it) ? open.erase(it) : std::next(it);
      if (owner == 0 && step >= 250) want_to_move = true;
      if (want_to_move && open.empty()) {
        c.migrate(0, 1);
        owner = 1;
        want_to_move = false;
      } else if (!want_to_move && rng() % 3 == 0) {
        const std::uint64_t block = rng() % 24;
        const std::uint64_t blocks = 1 + rng() % 3;
        const std::uint64_t offset = block * kBlock + (rng() % 4 == 0 ? 512 : 0);
        const std::uint64_t length = blocks * kBlock - (rng() % 4 == 0 ? 1024 : 0);
        switch (rng() % 9) {
          case 0:
            open.insert(host.flush());
            break;
          case 8:
            open.insert(host.discard(offset, length));
            break;
          case 1:
          case 2:
          case 3:
          case 4:
            open.insert(host.read(offset, length));
            break;
          default:
            open.insert(host.write(offset, length));
            break;
        }
      } else if (!c.step_random(rng)) {
        c.advance_to(c.now() + 2'000'000);  // idle: the old owner destages
      }
      ASSERT_EQ(c.check(), "") << "step " << step;
    }
    ASSERT_EQ(owner, 1u);
    c.run_until_quiet();
    c.host(1).flush();
    c.run_until_quiet();
    c.advance_to(c.now() + 10'000'000);
    c.run_until_quiet();
    for (HostId h = 0; h < 3; ++h) {
      EXPECT_EQ(c.host(h).counter("dirty_blocks"), 0u);
      EXPECT_EQ(c.host(h).counter("replica_blocks"), 0u);
      EXPECT_EQ(c.host(h).counter("migration_questions_pending"), 0u);
    }
    EXPECT_EQ(c.host(1).array_matches_acknowledged(), "");
    EXPECT_EQ(c.check(), "");
    remote_hits += c.host(1).counter("remote_hit_blocks");
    invalidates += c.host(1).counter("invalidate_acks");
  }
  EXPECT_GT(remote_hits, 0u);
  EXPECT_GT(invalidates, 0u);
}

// Handoff (docs/CLUSTER.md, "Migration"): once its dirty blocks of the VM are on the array, the
// old owner says so; the new owner stops asking, may pass the VM on, and the VM may come back.
TEST(Migration, TheOldOwnerHandsTheVmOffOnceItsDirtyBlocksAreOnTheArray) {
  FakeCluster c = written_then_migrated(4);
  EXPECT_TRUE(c.host(1).engine().awaits_handoff(FakeRuntime::kVm));
  EXPECT_EQ(c.find<Handoff>(), npos);
  // Below its watermarks and not idle, host 0 destages nothing, until a move waits for the
  // handoff: then the departed VM's blocks go at once.
  EXPECT_EQ(c.host(0).count(Kind::flash_read), 0u);
  c.host(0).hurry_handoff();
  EXPECT_GT(c.host(0).count(Kind::flash_read), 0u);           // the destage reads its flash copy
  EXPECT_THROW(c.host(1).hurry_handoff(), std::logic_error);  // the VM never left host 1
  EXPECT_THROW(c.migrate(1, 0), std::logic_error);            // not before the handoff
  c.advance_to(10'000'000);                                   // idle: host 0 destages
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
  EXPECT_EQ(c.host(0).counter("migration_handoffs_sent"), 1u);
  EXPECT_EQ(c.host(1).counter("migration_handoffs_taken"), 1u);
  EXPECT_FALSE(c.host(1).engine().awaits_handoff(FakeRuntime::kVm));
  // Host 1 no longer asks: the array holds what host 0 had.
  const RequestId r = c.host(1).read(0, 2 * kBlock);
  EXPECT_EQ(c.find<RemoteRead>(), npos);
  c.run_until_quiet();
  EXPECT_EQ(c.host(1).result(r).served.array, 2u);
  c.host(1).write(kBlock, kBlock);  // and writes without an Invalidate
  EXPECT_EQ(c.find<Invalidate>(), npos);
  c.run_until_quiet();
  // Back to host 0 (epoch 4: the refused move took 3): its four copies go, one of them older
  // than host 1's write; its misses ask host 1 first.
  c.migrate(1, 0);
  EXPECT_EQ(c.host(0).counter("returning_blocks_dropped"), 4u);
  const RequestId back = c.host(0).read(0, 4 * kBlock);
  ASSERT_NE(c.find<RemoteRead>(), npos);
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).result(back).status, Status::ok);
  EXPECT_EQ(c.host(0).result(back).served.remote_flash, 2u);  // blocks 0 and 1 are on host 1
  EXPECT_EQ(c.check(), "");
  c.advance_to(20'000'000);
  c.run_until_quiet();
  EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
}

// An answer the Handoff overtook on the network is still taken: the question it answers is
// pending, whatever became of the arrival.
TEST(Migration, AnAnswerOvertakenByTheHandoffIsStillTaken) {
  FakeCluster c(2, small_config(), CacheMode::write_back, true);
  c.host(0).write(0, kBlock);
  c.run_until_quiet();
  c.advance_to(10'000'000);  // destaged: nothing dirty, so the handoff goes with the move
  c.run_until_quiet();
  c.migrate(0, 1);
  ASSERT_NE(c.find<Handoff>(), npos);
  const RequestId r = c.host(1).read(0, kBlock);  // asks: the Handoff has not arrived
  c.deliver(c.find<RemoteRead>());
  c.host(0).complete(0);
  ASSERT_NE(c.find<RemoteReadReply>(), npos);
  c.deliver(c.find<Handoff>());
  EXPECT_FALSE(c.host(1).engine().awaits_handoff(FakeRuntime::kVm));
  EXPECT_FALSE(c.host(1).done(r));
  c.deliver(c.find<RemoteReadReply>());
  c.run_until_quiet();
  ASSERT_TRUE(c.host(1).done(r));
  EXPECT_EQ(c.host(1).result(r).served.remote_flash, 1u);
  EXPECT_EQ(c.host(1).counter("migration_messages_ignored"), 0u);
  EXPECT_EQ(c.check(), "");
}

// Random requests on the VM's owner, and the VM moving among hosts 0, 1 and 2 (and back) as soon
// as it is quiet and handed off, replicas on host 3, every completion and message in random
// order (in half the seeds the host a move waits for is hurried): every read judged by the shared
// oracle, invariants after every step, and at the end every acknowledged write on the array,
// nothing dirty, no replica, no question left.
// FLASHTWIN_MIGRATION_SEEDS sets the number of seeds (300 by default).
TEST(Migration, RandomChainsOfMigrationsStayConsistent) {
  std::uint64_t seeds = 300;
  if (const char* text = std::getenv("FLASHTWIN_MIGRATION_SEEDS")) seeds = std::stoull(text);
  std::uint64_t moves = 0, returns = 0, handoffs = 0, dropped = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FakeCluster c(4, small_config(), CacheMode::write_back, true);
    for (HostId h = 0; h < 3; ++h)
      c.set_peers(h, {3});
    std::mt19937_64 rng(seed * 104729);
    std::vector<bool> visited = {true, false, false};
    HostId owner = 0;
    HostId previous = 0;
    const bool hurries = seed % 2 == 0;  // half the seeds hurry the handoff a move waits for
    std::set<RequestId> open;
    int next_move = 100 + static_cast<int>(rng() % 200);
    for (int step = 0; step < 900; ++step) {
      FakeRuntime& host = c.host(owner);
      for (auto it = open.begin(); it != open.end();)
        it = host.done(*it) ? open.erase(it) : std::next(it);
      const bool want_to_move = step >= next_move;
      const bool waits = host.engine().awaits_handoff(FakeRuntime::kVm);
      if (want_to_move && waits && hurries) c.host(previous).hurry_handoff();
      if (want_to_move && open.empty() && !waits) {
        const auto to = static_cast<HostId>((owner + 1 + rng() % 2) % 3);
        c.migrate(owner, to);
        returns += visited[to] ? 1 : 0;
        visited[to] = true;
        previous = owner;
        owner = to;
        ++moves;
        next_move = step + 50 + static_cast<int>(rng() % 200);
      } else if (!want_to_move && rng() % 3 == 0) {
        open.insert(random_request(host, rng));
      } else if (!c.step_random(rng)) {
        c.advance_to(c.now() + 2'000'000);  // idle: destage, handoffs
      }
      ASSERT_EQ(c.check(), "") << "step " << step;
    }
    c.run_until_quiet();
    c.host(owner).flush();
    c.run_until_quiet();
    c.advance_to(c.now() + 10'000'000);
    c.run_until_quiet();
    for (HostId h = 0; h < 4; ++h) {
      EXPECT_EQ(c.host(h).counter("dirty_blocks"), 0u) << "host " << h;
      EXPECT_EQ(c.host(h).counter("replica_blocks"), 0u) << "host " << h;
      EXPECT_EQ(c.host(h).counter("migration_questions_pending"), 0u) << "host " << h;
      handoffs += c.host(h).counter("migration_handoffs_taken");
      dropped += c.host(h).counter("returning_blocks_dropped");
    }
    EXPECT_FALSE(c.host(owner).engine().awaits_handoff(FakeRuntime::kVm));
    EXPECT_EQ(c.host(owner).array_matches_acknowledged(), "");
    EXPECT_EQ(c.check(), "");
  }
  // Coverage: chains of moves, returns to a host the VM had left, handoffs, stale copies dropped.
  EXPECT_GT(moves, 2 * seeds);
  EXPECT_GT(returns, seeds / 2);
  EXPECT_GE(handoffs, moves - seeds);
  EXPECT_GT(dropped, 0u);
}

}  // namespace
}  // namespace flashtwin::testing
