// The ledger every runtime shares: numbering, versions (discards included), how completions are
// judged (a read error is reported, never a violation), the array's versions and the final check.
#include "flashtwin/sim/request_ledger.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include <stdexcept>
#include <vector>

namespace flashtwin::sim {
namespace {

using engine::IoKind;
using engine::Status;
using engine::Version;

constexpr engine::DiskId kDisk = 4;
constexpr std::uint32_t kBlock = 4096;

engine::CompleteRequest done(engine::RequestId id, Status status = Status::ok,
                             std::span<const Version> versions = {}) {
  engine::CompleteRequest c;
  c.request = id;
  c.status = status;
  c.versions = versions;
  return c;
}

// The array writes what an engine would send for a write or discard of whole blocks.
void array_write(RequestLedger& ledger, engine::BlockNo first, std::vector<Version> versions,
                 bool discard = false) {
  engine::ArrayWrite w;
  w.disk = kDisk;
  w.first_block = first;
  w.offset_bytes = first * kBlock;
  w.length_bytes = versions.size() * kBlock;
  w.versions = versions;
  w.discard = discard;
  ledger.array_write(w);
}

TEST(RequestLedger, NumbersRequestsAndVersionsOnlyWritesAndDiscards) {
  RequestLedger ledger(kBlock);
  const engine::IoRequest w = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  const engine::IoRequest r = ledger.submit(kDisk, IoKind::read, 0, kBlock);
  const engine::IoRequest f = ledger.submit(kDisk, IoKind::flush, 0, 0);
  const engine::IoRequest d = ledger.submit(kDisk, IoKind::discard, 0, kBlock);
  EXPECT_EQ(w.id, 1u);
  EXPECT_EQ(r.id, 2u);
  EXPECT_EQ(f.id, 3u);
  EXPECT_EQ(d.id, 4u);
  EXPECT_EQ(w.version, 1u);
  EXPECT_EQ(r.version, 0u);
  EXPECT_EQ(f.version, 0u);
  EXPECT_EQ(d.version, 2u);
  EXPECT_EQ(ledger.in_flight(), 4u);
  EXPECT_EQ(ledger.requests(), 4u);
}

// The trace of the issue: write, discard, read. After the discard is acknowledged the read must
// return the discard's version, and the array (which recorded the discard) matches the oracle.
// A read served at once is judged as a read submitted and completed at that moment: the same
// verdicts, numbered in the same sequence, never in flight.
TEST(RequestLedger, AReadAtOnceIsJudgedAsSubmittedAndCompletedAtOnce) {
  RequestLedger ledger(kBlock);
  const engine::IoRequest w = ledger.submit(kDisk, IoKind::write, kBlock, 2 * kBlock);
  ledger.completed(done(w.id));
  const engine::IoRequest r = ledger.submit_at_once(kDisk, 512, 2 * kBlock);  // blocks 0 to 2
  EXPECT_EQ(r.id, 2u);
  EXPECT_EQ(r.kind, IoKind::read);
  EXPECT_EQ(ledger.in_flight(), 0u);
  const std::vector<Version> right = {0, w.version, w.version};
  EXPECT_FALSE(ledger.completed_at_once(r, right).violation.has_value());
  const std::vector<Version> stale = {0, w.version, 0};
  const auto judged =
      ledger.completed_at_once(ledger.submit_at_once(kDisk, 512, 2 * kBlock), stale);
  ASSERT_TRUE(judged.violation.has_value());
  EXPECT_NE(judged.violation->find("block 2: stale read"), std::string::npos) << *judged.violation;
  const std::vector<Version> invented = {w.version, w.version, w.version};
  EXPECT_TRUE(ledger.completed_at_once(ledger.submit_at_once(kDisk, 0, kBlock), invented)
                  .violation.has_value())
      << "block 0 was never written";
  const std::vector<Version> too_few = {w.version};
  EXPECT_TRUE(ledger.completed_at_once(ledger.submit_at_once(kDisk, kBlock, 2 * kBlock), too_few)
                  .violation.has_value());
  EXPECT_EQ(ledger.violations(), 3u);
  EXPECT_EQ(ledger.oracle().reads_checked(), 4u);
  EXPECT_EQ(ledger.requests(), 5u);
}

TEST(RequestLedger, ADiscardIsAWriteOfItsWholeBlocks) {
  RequestLedger ledger(kBlock);
  const auto w = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  array_write(ledger, 0, {w.version});
  ledger.completed(done(w.id));
  const auto d = ledger.submit(kDisk, IoKind::discard, 0, kBlock);
  array_write(ledger, 0, {d.version}, true);
  ledger.completed(done(d.id));
  EXPECT_EQ(ledger.oracle().last_acknowledged(kDisk, 0), d.version);

  const auto stale = ledger.submit(kDisk, IoKind::read, 0, kBlock);
  const std::vector<Version> old_data = {w.version};
  const auto judged = ledger.completed(done(stale.id, Status::ok, old_data));
  ASSERT_TRUE(judged.violation.has_value());
  EXPECT_NE(judged.violation->find("stale"), std::string::npos) << *judged.violation;

  const auto fresh = ledger.submit(kDisk, IoKind::read, 0, kBlock);
  std::vector<Version> from_array;
  engine::ArrayRead read;
  read.disk = kDisk;
  read.first_block = 0;
  read.block_count = 1;
  ledger.array_read(read, from_array);
  EXPECT_EQ(from_array, std::vector<Version>{d.version});
  EXPECT_FALSE(ledger.completed(done(fresh.id, Status::ok, from_array)).violation.has_value());
  EXPECT_EQ(ledger.check_array(10).blocks_lost, 0u);
  EXPECT_EQ(ledger.violations(), 1u);
}

TEST(RequestLedger, ADiscardLeavesPartlyCoveredBlocksAlone) {
  RequestLedger ledger(kBlock);
  const auto w = ledger.submit(kDisk, IoKind::write, 0, 3 * kBlock);
  ledger.completed(done(w.id));
  // Covers the second half of block 0, all of block 1, the first half of block 2.
  const auto d = ledger.submit(kDisk, IoKind::discard, kBlock / 2, 2 * kBlock);
  ledger.completed(done(d.id));
  EXPECT_EQ(ledger.oracle().last_acknowledged(kDisk, 0), w.version);
  EXPECT_EQ(ledger.oracle().last_acknowledged(kDisk, 1), d.version);
  EXPECT_EQ(ledger.oracle().last_acknowledged(kDisk, 2), w.version);
  // A discard covering no whole block changes nothing.
  const auto tiny = ledger.submit(kDisk, IoKind::discard, 512, 1024);
  ledger.completed(done(tiny.id));
  EXPECT_EQ(ledger.oracle().last_acknowledged(kDisk, 0), w.version);
}

TEST(RequestLedger, AReadErrorIsReportedNeverAViolationNorOk) {
  RequestLedger ledger(kBlock);
  const auto w = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  ledger.completed(done(w.id));
  const auto r = ledger.submit(kDisk, IoKind::read, 0, kBlock);
  const auto judged = ledger.completed(done(r.id, Status::io_error));
  EXPECT_FALSE(judged.ok);
  EXPECT_EQ(judged.kind, IoKind::read);
  EXPECT_FALSE(judged.violation.has_value());
  EXPECT_EQ(ledger.reads_failed(), 1u);
  EXPECT_EQ(ledger.violations(), 0u);
  EXPECT_EQ(ledger.oracle().reads_checked(), 0u);       // not judged ok either
  EXPECT_EQ(ledger.oracle().requests_in_flight(), 0u);  // its floors are gone
  EXPECT_EQ(ledger.in_flight(), 0u);
}

TEST(RequestLedger, AFailedWriteIsCountedAndNotAcknowledged) {
  RequestLedger ledger(kBlock);
  const auto w = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  EXPECT_FALSE(ledger.completed(done(w.id, Status::io_error)).ok);
  EXPECT_EQ(ledger.writes_failed(), 1u);
  EXPECT_EQ(ledger.oracle().last_acknowledged(kDisk, 0), 0u);
}

TEST(RequestLedger, ReadsOfBlocksNeverWrittenKeepNoState) {
  RequestLedger ledger(kBlock);
  const std::vector<Version> zeros(16, 0);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const auto r = ledger.submit(kDisk, IoKind::read, i * 16 * kBlock, 16 * kBlock);
    ASSERT_FALSE(ledger.completed(done(r.id, Status::ok, zeros)).violation.has_value());
  }
  EXPECT_EQ(ledger.oracle().blocks_tracked(), 0u);
  EXPECT_EQ(ledger.oracle().reads_checked(), 1000u);
  // A version on a block never written is still caught.
  const auto r = ledger.submit(kDisk, IoKind::read, 0, kBlock);
  const std::vector<Version> invented = {5};
  EXPECT_TRUE(ledger.completed(done(r.id, Status::ok, invented)).violation.has_value());
}

TEST(RequestLedger, TheFinalCheckFindsAcknowledgedVersionsMissingFromTheArray) {
  RequestLedger ledger(kBlock);
  const auto a = ledger.submit(kDisk, IoKind::write, 0, 2 * kBlock);
  ledger.completed(done(a.id));
  array_write(ledger, 0, {a.version});  // block 1 never reached the array
  const RequestLedger::ArrayCheck check = ledger.check_array(10);
  EXPECT_EQ(check.blocks_lost, 1u);
  ASSERT_EQ(check.messages.size(), 1u);
  EXPECT_NE(check.messages[0].find("block 1"), std::string::npos) << check.messages[0];
  EXPECT_EQ(ledger.check_array(0).messages.size(), 0u);
}

TEST(RequestLedger, AnUnknownCompletionIsMisuse) {
  RequestLedger ledger(kBlock);
  EXPECT_THROW(ledger.completed(done(1)), std::logic_error);
  const auto w = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  ledger.completed(done(w.id));
  EXPECT_THROW(ledger.completed(done(w.id)), std::logic_error);  // twice
  EXPECT_THROW(RequestLedger(3000), std::invalid_argument);
}

TEST(RequestLedger, WithoutCheckingItOnlyNumbers) {
  RequestLedger ledger(kBlock, false);
  const auto w = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  EXPECT_EQ(w.version, 1u);
  array_write(ledger, 0, {w.version});
  ledger.completed(done(w.id));
  std::vector<Version> out;
  engine::ArrayRead read;
  read.disk = kDisk;
  read.block_count = 2;
  ledger.array_read(read, out);
  EXPECT_EQ(out, (std::vector<Version>{0, 0}));
  EXPECT_EQ(ledger.oracle().blocks_tracked(), 0u);
  EXPECT_EQ(ledger.check_array(10).blocks_lost, 0u);
}

TEST(ArrayVersions, APartialWriteLeavesTheBlockMixedAndAWholeWriteUnmixesIt) {
  ArrayVersions array(kBlock);
  const std::vector<Version> v1 = {1, 1};
  array.write(kDisk, 0, v1);
  // Bytes [3584, 4096 + 512): the last 512 bytes of block 0, the first 512 of block 1.
  const std::vector<Version> v2 = {2, 2};
  array.write_range(kDisk, 0, kBlock - 512, 1024, v2);
  const Version mixed = array.at(kDisk, 0);
  ASSERT_TRUE(ArrayVersions::is_mixed(mixed));
  EXPECT_EQ(array.parts(mixed), (std::vector<VersionPart>{{0, 1}, {kBlock - 512, 2}}));
  EXPECT_EQ(array.parts(array.at(kDisk, 1)), (std::vector<VersionPart>{{0, 2}, {512, 1}}));
  // A write covering exactly the other bytes: still two parts, now 3 then 2.
  const std::vector<Version> v3 = {3};
  array.write_range(kDisk, 0, 0, kBlock - 512, v3);
  EXPECT_EQ(array.parts(array.at(kDisk, 0)), (std::vector<VersionPart>{{0, 3}, {kBlock - 512, 2}}));
  // A whole-block write makes it one version again; the old mixed label stays readable (a copy
  // of it may sit on flash).
  const std::vector<Version> v4 = {4};
  array.write_range(kDisk, 0, 0, kBlock, v4);
  EXPECT_EQ(array.at(kDisk, 0), 4u);
  EXPECT_EQ(array.parts(mixed).size(), 2u);
  EXPECT_EQ(array.mixed_labels(), 3u);
  // Equal neighbours merge: rewriting the 2-part of block 1 with 1 leaves plain version 1.
  const std::vector<Version> back = {1};
  array.write_range(kDisk, 1, kBlock, 512, back);
  EXPECT_EQ(array.at(kDisk, 1), 1u);
  EXPECT_THROW(array.write_range(kDisk, 1, 0, 512, back), std::invalid_argument);
  EXPECT_THROW(array.parts(ArrayVersions::kMixedBit | 99), std::out_of_range);
}

// The bug the per-byte check exists for: block 0 is dirty on flash at version 1 (never destaged);
// a write-through partial write (version 2) reaches the array with its 512 bytes only. An engine
// that then marks the block clean and drops it serves the next read from the array, whose other
// bytes are still version 0. With one version per block the array would claim "2" and pass.
TEST(RequestLedger, APartialWriteWronglyMarkedCleanIsAStaleReadAndALoss) {
  RequestLedger ledger(kBlock);
  const auto whole = ledger.submit(kDisk, IoKind::write, 0, kBlock);
  ledger.completed(done(whole.id));  // on flash only (write-back)
  const auto part = ledger.submit(kDisk, IoKind::write, 0, 512);
  engine::ArrayWrite w;
  w.disk = kDisk;
  w.offset_bytes = 0;
  w.length_bytes = 512;
  const std::vector<Version> versions = {part.version};
  w.versions = versions;
  ledger.array_write(w);
  ledger.completed(done(part.id));

  const auto read = ledger.submit(kDisk, IoKind::read, 0, kBlock);
  std::vector<Version> from_array;
  engine::ArrayRead r;
  r.disk = kDisk;
  r.block_count = 1;
  ledger.array_read(r, from_array);
  ASSERT_TRUE(ArrayVersions::is_mixed(from_array[0]));
  const auto judged = ledger.completed(done(read.id, Status::ok, from_array));
  ASSERT_TRUE(judged.violation.has_value());
  EXPECT_NE(judged.violation->find("byte 512 of the block holds version 0, older than 1"),
            std::string::npos)
      << *judged.violation;
  const RequestLedger::ArrayCheck check = ledger.check_array(1);
  EXPECT_EQ(check.blocks_lost, 1u);
  ASSERT_EQ(check.messages.size(), 1u);
  EXPECT_NE(check.messages[0].find("parts 2@0 0@512"), std::string::npos) << check.messages[0];

  // Done right, the rest of the block was destaged first: the same mixed read is fine.
  RequestLedger good(kBlock);
  const auto a = good.submit(kDisk, IoKind::write, 0, kBlock);
  array_write(good, 0, {a.version});
  good.completed(done(a.id));
  const auto b = good.submit(kDisk, IoKind::write, 0, 512);
  w.versions = std::span<const Version>(&b.version, 1);
  good.array_write(w);
  good.completed(done(b.id));
  const auto c = good.submit(kDisk, IoKind::read, 0, kBlock);
  good.array_read(r, from_array);
  ASSERT_TRUE(ArrayVersions::is_mixed(from_array[0]));
  EXPECT_FALSE(good.completed(done(c.id, Status::ok, from_array)).violation.has_value());
  EXPECT_EQ(good.check_array(1).blocks_lost, 0u);
  // The whole block at the partial write's version (what a destage from flash writes) is fine
  // too, but not the version before it.
  const auto d = good.submit(kDisk, IoKind::read, 0, kBlock);
  const std::vector<Version> label_b = {b.version};
  EXPECT_FALSE(good.completed(done(d.id, Status::ok, label_b)).violation.has_value());
  const auto e = good.submit(kDisk, IoKind::read, 0, kBlock);
  const std::vector<Version> label_a = {a.version};
  EXPECT_TRUE(good.completed(done(e.id, Status::ok, label_a)).violation.has_value());
}

TEST(ConsistencyOracle, AMixedLabelNeedsAnArrayAndNeverInventsAVersion) {
  ArrayVersions array(kBlock);
  ConsistencyOracle oracle;
  oracle.write_submitted(1, kDisk, 0, 1, 5, 0, 512);
  oracle.write_completed(1, true);
  EXPECT_EQ(oracle.blocks_written_partially(), 1u);
  const std::vector<Version> seven = {7};
  array.write_range(kDisk, 0, 0, 512, seven);  // a version the oracle never saw
  const std::vector<Version> label = {array.at(kDisk, 0)};
  oracle.read_submitted(2, kDisk, 0, 1);
  auto invented = oracle.read_completed(2, label, &array);
  ASSERT_TRUE(invented.has_value());
  EXPECT_NE(invented->reason.find("never written"), std::string::npos) << invented->reason;
  oracle.read_submitted(3, kDisk, 0, 1);
  EXPECT_TRUE(oracle.read_completed(3, label).has_value());  // no array to resolve it
}

// A flash sized for terabytes costs memory only for the pages its written slots fall in.
TEST(FlashVersions, PagesAreAllocatedOnlyWhereSlotsAreWritten) {
  const std::uint64_t slots = std::uint64_t{800} << 18;  // 800 GiB of 4 KiB blocks
  FlashVersions flash(slots);
  EXPECT_EQ(flash.pages_allocated(), 0u);
  const std::vector<engine::SlotId> far = {7, static_cast<engine::SlotId>(slots - 1)};
  const std::vector<Version> versions = {3, 4};
  flash.write(far, versions);
  EXPECT_EQ(flash.pages_allocated(), 2u);
  std::vector<Version> out;
  const std::vector<engine::SlotId> read = {7, static_cast<engine::SlotId>(slots - 1), 8,
                                            FlashVersions::kPageSlots};
  flash.read(read, out);
  EXPECT_EQ(out, (std::vector<Version>{3, 4, 0, 0}));
  EXPECT_EQ(flash.pages_allocated(), 2u);  // reading allocates nothing
  const std::vector<engine::SlotId> beyond = {static_cast<engine::SlotId>(slots)};
  const std::vector<Version> one = {1};
  EXPECT_THROW(flash.write(beyond, one), std::out_of_range);
  // Version 0 (a prewarmed block never written) needs no page.
  const std::vector<engine::SlotId> elsewhere = {5 * FlashVersions::kPageSlots};
  const std::vector<Version> zero = {0};
  flash.write(elsewhere, zero);
  EXPECT_EQ(flash.pages_allocated(), 2u);
  EXPECT_EQ(flash.pages_sparse(), 2u);  // a slot written in each: 6 bytes, not a page
  // A small Page per 4096 slots up front, a few bytes for each slot written.
  EXPECT_LT(flash.memory_bytes(), (slots / FlashVersions::kPageSlots) * 80 + 1024);
}

// A page holds its written slots sparsely (sorted offsets and versions) up to kSparseMax, then
// densely, then 64-bit wide; every version reads back as written through each change, and a slot
// written back to 0 leaves a sparse page.
TEST(FlashVersions, APageGoesFromSparseToDenseToWideKeepingEveryVersion) {
  FlashVersions flash(3 * FlashVersions::kPageSlots);
  const engine::SlotId base = FlashVersions::kPageSlots;  // the middle page
  std::map<engine::SlotId, Version> reference;
  std::mt19937 random(3);
  auto write = [&](engine::SlotId slot, Version version) {
    const std::vector<engine::SlotId> slots = {slot};
    const std::vector<Version> versions = {version};
    flash.write(slots, versions);
    reference[slot] = version;
  };
  auto all_read_back = [&] {
    for (engine::SlotId s = 0; s < 3 * FlashVersions::kPageSlots; ++s) {
      const auto it = reference.find(s);
      if (flash.at(s) != (it == reference.end() ? 0 : it->second)) return false;
    }
    return true;
  };
  std::vector<engine::SlotId> order(FlashVersions::kPageSlots);
  for (engine::SlotId i = 0; i < order.size(); ++i)
    order[i] = base + i;
  std::shuffle(order.begin(), order.end(), random);
  for (std::uint32_t i = 0; i < FlashVersions::kSparseMax; ++i)
    write(order[i], 100 + i);
  write(order[0], 0);  // leaves the arrays
  write(order[0], 7);  // comes back
  EXPECT_EQ(flash.pages_sparse(), 1u);
  EXPECT_EQ(flash.pages_dense(), 0u);
  EXPECT_TRUE(all_read_back());
  EXPECT_LT(flash.memory_bytes(), 3 * 80 + FlashVersions::kSparseMax * 6 * 5 / 4 + 64);
  write(order[FlashVersions::kSparseMax], 5);  // one more: dense
  EXPECT_EQ(flash.pages_sparse(), 0u);
  EXPECT_EQ(flash.pages_dense(), 1u);
  EXPECT_TRUE(all_read_back());
  write(order[1], Version{1} << 40);  // 64 bits: wide
  EXPECT_EQ(flash.pages_dense(), 0u);
  EXPECT_EQ(flash.pages_widened(), 1u);
  EXPECT_TRUE(all_read_back());
  write(order[2], 0);
  EXPECT_TRUE(all_read_back());
}

// A page keeps 32-bit versions until a value needs 64 bits (a mixed label, or a run past 2^32
// writes); it is then widened, and every version it held stays as it was.
TEST(FlashVersions, APageWidensWhenAVersionNeeds64Bits) {
  FlashVersions flash(4 * FlashVersions::kPageSlots);
  std::vector<engine::SlotId> slots;
  std::vector<Version> versions;
  for (engine::SlotId s = 0; s < FlashVersions::kPageSlots; s += 7) {
    slots.push_back(s);
    versions.push_back(0xFFFF'FFF0u + s % 15);
  }
  flash.write(slots, versions);
  const std::vector<engine::SlotId> other = {FlashVersions::kPageSlots + 1};
  const std::vector<Version> small = {9};
  flash.write(other, small);
  EXPECT_EQ(flash.pages_widened(), 0u);

  const Version mixed = ArrayVersions::kMixedBit | 3;
  const std::vector<engine::SlotId> one = {3};
  const std::vector<Version> big = {mixed};
  flash.write(one, big);
  EXPECT_EQ(flash.pages_widened(), 1u);
  EXPECT_EQ(flash.at(3), mixed);
  for (std::size_t i = 0; i < slots.size(); ++i)
    ASSERT_EQ(flash.at(slots[i]), versions[i]) << "slot " << slots[i];
  EXPECT_EQ(flash.at(FlashVersions::kPageSlots + 1), 9u);  // the other page is untouched
  const std::vector<Version> past = {(Version{1} << 32) + 5};
  flash.write(other, past);
  EXPECT_EQ(flash.at(FlashVersions::kPageSlots + 1), past[0]);
  EXPECT_EQ(flash.pages_widened(), 2u);
}

}  // namespace
}  // namespace flashtwin::sim
