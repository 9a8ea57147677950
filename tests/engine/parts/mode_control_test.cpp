// ModeControl: a VM follows its datastore until it has a mode of its own; leaving write-back
// waits for the VM's dirty blocks and write-back writes; registration errors.
#include "mode_control.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <variant>

namespace flashtwin::engine {
namespace {

constexpr std::uint32_t kBlock = 4096;
constexpr DatastoreId kGold = 1;
constexpr VmId kVm = 7;
constexpr DiskId kDisk = 70;

using Applied = std::vector<std::pair<VmId, CacheMode>>;

// The ModeApplied commands in `out` as (vm, mode), then clears it.
Applied applied(std::vector<Command>& out) {
  Applied modes;
  for (const Command& command : out) {
    const auto& mode = std::get<ModeApplied>(command);
    modes.emplace_back(mode.vm, mode.mode);
  }
  out.clear();
  return modes;
}

TEST(ModeControl, AVmFollowsItsDatastoreUntilItsOwnModeIsSet) {
  ModeControl modes(kBlock);
  std::vector<Command> out;
  modes.add_datastore(kGold, CacheMode::write_through);
  modes.add_vm(kVm, kGold, std::nullopt);
  EXPECT_EQ(modes.mode_of(kVm).effective, CacheMode::write_through);

  modes.set_datastore_mode(kGold, CacheMode::write_around, out);
  EXPECT_EQ(modes.mode_of(kVm).effective, CacheMode::write_around);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::write_around}}));

  modes.set_vm_mode(kVm, CacheMode::pass_through, out);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::pass_through}}));
  modes.set_datastore_mode(kGold, CacheMode::write_through, out);  // no longer followed
  EXPECT_EQ(modes.mode_of(kVm).effective, CacheMode::pass_through);
  EXPECT_TRUE(out.empty());

  modes.set_vm_mode(kVm, std::nullopt, out);  // back to following the datastore
  EXPECT_EQ(modes.mode_of(kVm).effective, CacheMode::write_through);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::write_through}}));
}

TEST(ModeControl, LeavingWriteBackStaysPendingUntilTheDirtyBlocksAreGone) {
  ModeControl modes(kBlock);
  std::vector<Command> out;
  modes.add_datastore(kGold, CacheMode::write_back);
  modes.add_vm(kVm, kGold, std::nullopt);
  modes.add_disk(kVm, kDisk, 64 * kBlock);
  const LocalDisk disk = *modes.find_disk(kDisk);
  modes.block_dirtied(disk);
  modes.block_dirtied(disk);

  modes.set_vm_mode(kVm, CacheMode::write_through, out);
  EXPECT_TRUE(out.empty());
  const ModeState pending = modes.mode_of(kVm);
  EXPECT_TRUE(pending.pending);
  EXPECT_EQ(pending.effective, CacheMode::write_back);
  EXPECT_EQ(pending.requested, CacheMode::write_through);
  EXPECT_EQ(modes.request_mode(disk), CacheMode::write_through);  // new writes go through
  EXPECT_EQ(modes.draining(), 1u);
  std::vector<LocalDisk> draining;
  modes.for_each_draining_disk([&](LocalDisk d) { draining.push_back(d); });
  EXPECT_EQ(draining, std::vector<LocalDisk>{disk});

  modes.block_cleaned(disk);
  modes.finish_drains(out);
  EXPECT_TRUE(out.empty());  // one dirty block left
  EXPECT_TRUE(modes.mode_of(kVm).pending);

  modes.block_cleaned(disk);
  modes.finish_drains(out);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::write_through}}));
  EXPECT_FALSE(modes.mode_of(kVm).pending);
  EXPECT_EQ(modes.mode_of(kVm).effective, CacheMode::write_through);
  EXPECT_EQ(modes.draining(), 0u);
  EXPECT_EQ(modes.check(), "");
}

TEST(ModeControl, AWriteBackWriteInFlightAlsoHoldsTheChange) {
  ModeControl modes(kBlock);
  std::vector<Command> out;
  modes.add_datastore(kGold, CacheMode::write_back);
  modes.add_vm(kVm, kGold, std::nullopt);
  modes.add_disk(kVm, kDisk, 64 * kBlock);
  const LocalDisk disk = *modes.find_disk(kDisk);
  modes.write_back_started(disk);
  modes.set_datastore_mode(kGold, CacheMode::write_around, out);
  EXPECT_TRUE(modes.mode_of(kVm).pending);
  modes.finish_drains(out);
  EXPECT_TRUE(out.empty());
  modes.write_back_ended(disk);
  modes.finish_drains(out);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::write_around}}));
}

TEST(ModeControl, ReturningToWriteBackWhilePendingTakesEffectAtOnce) {
  ModeControl modes(kBlock);
  std::vector<Command> out;
  modes.add_datastore(kGold, CacheMode::write_back);
  modes.add_vm(kVm, kGold, std::nullopt);
  modes.add_disk(kVm, kDisk, 64 * kBlock);
  modes.block_dirtied(*modes.find_disk(kDisk));
  modes.set_vm_mode(kVm, CacheMode::pass_through, out);
  ASSERT_TRUE(modes.mode_of(kVm).pending);
  modes.set_vm_mode(kVm, CacheMode::write_back, out);
  EXPECT_FALSE(modes.mode_of(kVm).pending);
  EXPECT_EQ(modes.mode_of(kVm).effective, CacheMode::write_back);
  EXPECT_EQ(modes.draining(), 0u);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::write_back}}));
  EXPECT_EQ(modes.check(), "");
}

TEST(ModeControl, LeavingWriteBackWithNothingDirtyIsImmediate) {
  ModeControl modes(kBlock);
  std::vector<Command> out;
  modes.add_datastore(kGold, CacheMode::write_back);
  modes.add_vm(kVm, kGold, std::nullopt);
  modes.set_vm_mode(kVm, CacheMode::write_through, out);
  EXPECT_FALSE(modes.mode_of(kVm).pending);
  EXPECT_EQ(applied(out), (Applied{{kVm, CacheMode::write_through}}));
}

TEST(ModeControl, RegistrationErrorsNameTheCulprit) {
  ModeControl modes(kBlock);
  modes.add_datastore(kGold, CacheMode::write_back);
  EXPECT_THROW(modes.add_datastore(kGold, CacheMode::write_back), std::invalid_argument);
  EXPECT_THROW(modes.add_vm(kVm, 99, std::nullopt), std::invalid_argument);
  modes.add_vm(kVm, kGold, std::nullopt);
  EXPECT_THROW(modes.add_vm(kVm, kGold, std::nullopt), std::invalid_argument);
  EXPECT_THROW(modes.add_disk(8, kDisk, kBlock), std::invalid_argument);        // unknown vm
  EXPECT_THROW(modes.add_disk(kVm, kDisk, kBlock + 1), std::invalid_argument);  // not whole blocks
  modes.add_disk(kVm, kDisk, kBlock);
  EXPECT_THROW(modes.add_disk(kVm, kDisk, kBlock), std::invalid_argument);  // twice
  EXPECT_THROW(modes.mode_of(8), std::invalid_argument);
  std::vector<Command> out;
  EXPECT_THROW(modes.set_datastore_mode(99, CacheMode::write_back, out), std::invalid_argument);
  EXPECT_EQ(modes.find_disk(kDisk + 1), std::nullopt);
  EXPECT_EQ(modes.find_disk(kDisk), LocalDisk{0});
  EXPECT_EQ(modes.find_disk(~DiskId{0}), std::nullopt);
}

}  // namespace
}  // namespace flashtwin::engine
