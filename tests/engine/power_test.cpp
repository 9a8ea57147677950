// Power loss (docs/CLUSTER.md, "Power loss"): what a host's flash keeps (HostEngine::flash_image),
// a new engine restored from it (HostEngine::restore) with its metadata scan, and the cluster's
// case: a volatile (RAM) owner whose acknowledged writes survive only in a persistent peer's
// replicas.
#include "engine_test_config.hpp"
#include "fake_cluster.hpp"
#include "random_request.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

// Completes the metadata scan of a restored engine (its FlashReads without slots).
void finish_scan(FakeRuntime& rt) {
  while (true) {
    std::size_t i = 0;
    while (i < rt.pending().size() &&
           !(rt.pending()[i].kind == Kind::flash_read && rt.pending()[i].slots.empty()))
      ++i;
    if (i == rt.pending().size()) return;
    rt.complete(i);
  }
}

TEST(PowerLoss, PersistentFlashKeepsAcknowledgedDirtyBlocksAndTheNewEngineServesThem) {
  FakeRuntime rt(small_config(64));
  const RequestId w = rt.write(0, 3 * kBlock);
  rt.complete_all();
  ASSERT_TRUE(rt.done(w));
  ASSERT_EQ(rt.counter("dirty_blocks"), 3u);

  const FlashImage image = rt.power_cycle(true);
  ASSERT_EQ(image.blocks.size(), 3u);
  for (const FlashImage::Block& block : image.blocks)
    EXPECT_TRUE(block.dirty);
  // The scan reads 32 bytes of metadata per slot of the device, in 16 reads at once.
  std::uint64_t scanned = 0;
  for (const PendingIo& io : rt.pending()) {
    ASSERT_EQ(io.kind, Kind::flash_read);
    EXPECT_TRUE(io.slots.empty());
    scanned += io.bytes;
  }
  EXPECT_EQ(scanned, 32u * 64u);
  EXPECT_EQ(rt.pending().size(), 16u);
  EXPECT_TRUE(rt.rebuilt().empty());
  EXPECT_THROW(rt.read(0, kBlock), std::logic_error);  // not before IndexRebuilt

  finish_scan(rt);
  ASSERT_EQ(rt.rebuilt().size(), 1u);
  EXPECT_EQ(rt.rebuilt()[0].blocks, 3u);
  EXPECT_EQ(rt.rebuilt()[0].dirty_blocks, 3u);
  EXPECT_EQ(rt.rebuilt()[0].scanned_bytes, 32u * 64u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
  EXPECT_EQ(rt.counter("dirty_blocks"), 3u);
  // Its copies on the peers were dropped: the runtime says so until it names peers again.
  EXPECT_EQ(rt.counter("underprotected_dirty_blocks"), 0u);
  rt.engine().mark_underprotected(FakeRuntime::kVm);
  EXPECT_EQ(rt.counter("underprotected_dirty_blocks"), 3u);
  EXPECT_THROW(rt.engine().mark_underprotected(99), std::invalid_argument);

  const RequestId r = rt.read(0, 3 * kBlock);
  EXPECT_EQ(rt.count(Kind::array_read), 0u);  // hits on the restored blocks
  rt.complete_all();
  ASSERT_TRUE(rt.done(r));
  EXPECT_EQ(rt.result(r).served.local_flash, 3u);
  const RequestId f = rt.flush();
  rt.complete_all();
  ASSERT_TRUE(rt.done(f));
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
  EXPECT_EQ(rt.take_losses().writes, 0u);
}

TEST(PowerLoss, AnOverwriteInFlightNeverReplacesTheLastLandedVersion) {
  FakeRuntime rt(small_config(64));
  const RequestId first = rt.write(0, kBlock);
  rt.complete_all();
  ASSERT_TRUE(rt.done(first));
  const RequestId second = rt.write(0, kBlock);
  ASSERT_EQ(rt.count(Kind::flash_write), 1u);  // in flight when the power goes

  const FlashImage image = rt.power_cycle(true);
  ASSERT_EQ(image.blocks.size(), 1u);
  EXPECT_TRUE(image.blocks[0].dirty);
  finish_scan(rt);
  EXPECT_FALSE(rt.done(second));  // abandoned: never acknowledged
  const RequestId r = rt.read(0, kBlock);
  rt.complete_all();
  ASSERT_TRUE(rt.done(r));
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
  rt.flush();
  rt.complete_all();
  EXPECT_EQ(rt.array_matches_acknowledged(), "");
}

TEST(PowerLoss, BlocksStillFillingAndCleanBlocksBeingWrittenAreNotInTheImage) {
  FakeRuntime rt(small_config(64), CacheMode::write_through);
  rt.write(0, kBlock);  // a clean block once done
  rt.complete_all();
  rt.write(0, kBlock);           // being written: its array copy may land first
  rt.write(4 * kBlock, kBlock);  // a new block: its slot is still filling
  const FlashImage image = rt.power_cycle(true);
  EXPECT_TRUE(image.blocks.empty());
  finish_scan(rt);
  EXPECT_EQ(rt.rebuilt().at(0).blocks, 0u);
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

TEST(PowerLoss, CleanBlocksSurviveAndTheRestoredEngineFillsFreeSlotsAroundThem) {
  FakeRuntime rt(small_config(16), CacheMode::write_through);
  for (std::uint64_t b = 0; b < 4; ++b)
    rt.write(b * kBlock, kBlock);
  rt.complete_all();
  rt.discard(kBlock, kBlock);  // frees slot 1: a hole in the image
  rt.complete_all();
  const FlashImage image = rt.power_cycle(true);
  ASSERT_EQ(image.blocks.size(), 3u);
  EXPECT_FALSE(image.blocks[0].dirty);
  finish_scan(rt);
  // Twenty new blocks: the hole and every slot after the restored ones, then evictions.
  for (std::uint64_t b = 10; b < 30; ++b)
    rt.write(b * kBlock, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.engine().check_invariants(), "");
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
}

TEST(PowerLoss, VolatileCacheLosesItsDirtyBlocksAndTheLossIsCountedExactly) {
  FakeRuntime rt(small_config(64));
  rt.write(0, 2 * kBlock);
  rt.write(8 * kBlock, kBlock);
  rt.complete_all();
  const FlashImage image = rt.power_cycle(false);
  EXPECT_TRUE(image.blocks.empty());
  EXPECT_EQ(rt.counter("dirty_blocks"), 0u);
  const sim::RequestLedger::Losses lost = rt.take_losses();
  EXPECT_EQ(lost.writes, 2u);
  EXPECT_EQ(lost.blocks, 3u);
  EXPECT_EQ(lost.bytes, 3u * kBlock);
  // The run goes on judged against what the array holds.
  const RequestId r = rt.read(0, 2 * kBlock);
  rt.complete_all();
  ASSERT_TRUE(rt.done(r));
  EXPECT_TRUE(rt.violations().empty()) << rt.violations().front();
}

TEST(PowerLoss, RestoreRefusesAnImageItCannotHold) {
  FakeRuntime rt(small_config(16));
  HostEngine fresh(small_config(16));
  fresh.add_datastore(FakeRuntime::kDatastore, CacheMode::write_back);
  fresh.add_vm(FakeRuntime::kVm, FakeRuntime::kDatastore, std::nullopt);
  fresh.add_disk(FakeRuntime::kVm, FakeRuntime::kDisk, 1 << 20);
  FlashImage twice;
  twice.blocks = {{3, FakeRuntime::kDisk, 0, true}, {3, FakeRuntime::kDisk, 1, false}};
  EXPECT_THROW(fresh.restore(0, twice), std::invalid_argument);
  HostEngine other(small_config(16));
  other.add_datastore(FakeRuntime::kDatastore, CacheMode::write_back);
  FlashImage unknown_disk;
  unknown_disk.blocks = {{0, 99, 0, true}};
  EXPECT_THROW(other.restore(0, unknown_disk), std::invalid_argument);
  FlashImage outside;
  outside.blocks = {{16, FakeRuntime::kDisk, 0, true}};
  HostEngine third(small_config(16));
  third.add_datastore(FakeRuntime::kDatastore, CacheMode::write_back);
  third.add_vm(FakeRuntime::kVm, FakeRuntime::kDatastore, std::nullopt);
  third.add_disk(FakeRuntime::kVm, FakeRuntime::kDisk, 1 << 20);
  EXPECT_THROW(third.restore(0, outside), std::invalid_argument);
  // An engine that has served something is not a new one.
  rt.write(0, kBlock);
  rt.complete_all();
  EXPECT_THROW(rt.engine().restore(0, FlashImage{}), std::logic_error);
}

// The cluster's power loss: the VM's owner caches in RAM, its peer in flash. The owner comes
// back empty; the peer's restored replicas hold every acknowledged write-back write, and its
// recovery puts them on the array.
TEST(PowerLoss, PersistentPeerReplicasRecoverAVolatileOwnersAcknowledgedWrites) {
  FakeCluster c(2, small_config(), CacheMode::write_back, true);
  c.set_peers(0, {1});
  std::vector<RequestId> acked;
  for (std::uint64_t b = 0; b < 6; b += 2)
    acked.push_back(c.host(0).write(b * kBlock, kBlock));
  c.run_until_quiet();
  // One more write whose replica is still on its way when the power goes.
  c.host(0).write(20 * kBlock, kBlock);
  for (const RequestId id : acked)
    ASSERT_TRUE(c.host(0).done(id));

  c.power_cycle(0, false);
  const FlashImage held = c.power_cycle(1, true);
  EXPECT_EQ(held.replicas.size(), 3u);  // the one on its way never landed
  for (const FlashImage::Replica& replica : held.replicas)
    EXPECT_EQ(replica.owner, 0u);
  finish_scan(c.host(1));
  ASSERT_EQ(c.host(1).rebuilt().at(0).replica_blocks, 3u);
  c.host(1).recover_replicas(0);
  c.run_until_quiet();
  ASSERT_EQ(c.host(1).recovered().size(), 1u);
  EXPECT_EQ(c.host(1).recovered()[0].blocks_written, 3u);
  EXPECT_EQ(c.host(0).take_losses().writes, 0u);
  EXPECT_EQ(c.check(), "");
}

// The same with both caches in RAM: nothing survives, and every acknowledged write-back write
// not yet destaged is reported lost.
TEST(PowerLoss, VolatileReplicasDoNotSurviveAClusterPowerLoss) {
  FakeCluster c(2, small_config(), CacheMode::write_back, true);
  c.set_peers(0, {1});
  for (std::uint64_t b = 0; b < 6; b += 2)
    c.host(0).write(b * kBlock, kBlock);
  c.run_until_quiet();
  c.power_cycle(0, false);
  c.power_cycle(1, false);
  EXPECT_EQ(c.host(0).take_losses().writes, 3u);
}

// Random interleavings with a power loss of every host at a random step: the VM's owner (host 0)
// caches in flash or in RAM, its one or two peers in flash. Whatever was in flight, every
// acknowledged write survives: on the owner's flash (then destaged), or in a peer's replicas
// (recovered to the array) when the owner's RAM forgot it. FLASHTWIN_FAILURE_SEEDS sets the
// number of seeds (1000 by default).
TEST(PowerLoss, RandomPowerLossesLoseNoAcknowledgedWriteKeptOnFlash) {
  std::uint64_t seeds = 1000;
  if (const char* text = std::getenv("FLASHTWIN_FAILURE_SEEDS")) seeds = std::stoull(text);
  std::uint64_t flash_owners = 0, ram_owners = 0, restored_dirty = 0, recovered = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed * 104729);
    const bool two = rng() % 2 == 0;
    const bool owner_keeps = rng() % 2 == 0;
    const int lose_at = 20 + static_cast<int>(rng() % 180);
    SCOPED_TRACE(std::string(two ? "2 peers, " : "1 peer, ") +
                 (owner_keeps ? "owner on flash" : "owner in RAM") + ", power lost at step " +
                 std::to_string(lose_at));
    FakeCluster c(3, small_config(), CacheMode::write_back, true);
    c.set_peers(0, two ? std::vector<HostId>{1, 2} : std::vector<HostId>{1});
    for (int step = 0; step < 240; ++step) {
      if (step == lose_at) {
        const std::set<HostId> kept = owner_keeps ? std::set<HostId>{0} : std::set<HostId>{};
        c.power_cycle(0, owner_keeps, kept);
        c.power_cycle(1, true, kept);
        c.power_cycle(2, true, kept);
        for (HostId h = 0; h < 3; ++h)
          finish_scan(c.host(h));
        if (owner_keeps) {
          restored_dirty += c.host(0).rebuilt().at(0).dirty_blocks;
        } else {
          c.host(1).recover_replicas(0);
          c.host(2).recover_replicas(0);
          c.run_until_quiet();
          ASSERT_EQ(c.host(0).take_losses().writes, 0u);
          recovered +=
              c.host(1).counter("recovered_blocks") + c.host(2).counter("recovered_blocks");
        }
      }
      if (rng() % 3 == 0) {
        random_request(c.host(0), rng);
      } else if (!c.step_random(rng)) {
        c.advance_to(c.now() + 2'000'000);  // idle: destage
      }
      ASSERT_EQ(c.check(), "") << "step " << step;
    }
    c.run_until_quiet();
    c.host(0).flush();
    c.run_until_quiet();
    c.advance_to(c.now() + 10'000'000);
    c.run_until_quiet();
    EXPECT_EQ(c.host(0).counter("dirty_blocks"), 0u);
    EXPECT_EQ(c.host(0).array_matches_acknowledged(), "");
    EXPECT_EQ(c.check(), "");
    ++(owner_keeps ? flash_owners : ram_owners);
  }
  // Coverage: both kinds of owner, dirty blocks restored from flash, replicas recovered.
  EXPECT_GT(flash_owners, 0u);
  EXPECT_GT(ram_owners, 0u);
  EXPECT_GT(restored_dirty, 0u);
  EXPECT_GT(recovered, 0u);
}

}  // namespace
}  // namespace flashtwin::testing
