// RequestLedger: the one book every runtime keeps of the VM requests it runs. The SimGrid
// ClusterRuntime, the CacheOnlyReplay and the test FakeRuntime all number requests, give writes
// their versions, tell the ConsistencyOracle, judge completions and run the final check through
// it, so they cannot drift apart (a runtime that forgot discards once reported stale reads and lost
// writes that were not there). It also holds what the array stores (versions, ArrayVersions):
// runtimes hand it ArrayRead / ArrayWrite commands as the array carries them out.
//
// The rules, per request kind (block = the engine's cache block, EngineConfig::block_bytes):
//   write    a new version, growing with submission order, on every block the range touches.
//   discard  a new version on every block the range covers whole; blocks only partly covered are
//            left alone (the engine discards whole blocks only). The array records the discard's
//            version (ArrayWrite::discard), so reads after it see it like a write's.
//   read     floors taken at submission (ConsistencyOracle). Completed ok: every block's version
//            is judged, a failure is a violation. Completed with an error: a *reported* error (a
//            device's media error, data the engine knows it lost) — counted in reads_failed(),
//            never a violation and never judged ok.
//   flush    numbered only.
//   A write or discard that completes with an error is not acknowledged (writes_failed()).
//   A write covering part of a block: the oracle keeps which bytes it covers, and the array
//   records the bytes it got (ArrayVersions::write_range), so a block whose other bytes never
//   reached the array reads as stale and fails the final check.
// Final check (check_array): every block's acknowledged bytes are on the array.
//
// Ownership: the ledger owns the oracle and the array's versions; one ledger per run. Not
// thread-safe. Misuse (a completion for a request it never numbered) throws std::logic_error.
#pragma once

#include "flashtwin/engine/commands.hpp"
#include "flashtwin/engine/io.hpp"
#include "flashtwin/sim/consistency_oracle.hpp"
#include "flashtwin/sim/version_store.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace flashtwin::sim {

class RequestLedger {
 public:
  // `block_bytes`: the engine's cache block (a power of two). With `checking` false the ledger only
  // numbers requests and versions (no oracle, no array versions): the array reads back version 0.
  explicit RequestLedger(std::uint32_t block_bytes, bool checking = true);

  // The request to hand to the engine: a fresh id and, for a write or discard, a fresh version.
  engine::IoRequest submit(engine::DiskId disk, engine::IoKind kind, std::uint64_t offset_bytes,
                           std::uint64_t length_bytes);

  // What a completion meant.
  struct Completion {
    engine::IoKind kind = engine::IoKind::read;
    bool ok = true;
    // A read that returned data it must not have: "disk D block B: reason".
    std::optional<std::string> violation;
  };
  // Judges a CompleteRequest (mixed labels resolved by the array's versions). Throws
  // std::logic_error for a request never submitted or completed twice.
  Completion completed(const engine::CompleteRequest& done);

  // A read served at once (CacheOnlyReplay's reads at once: nothing happens between its
  // submission and its completion, and nothing else is in flight): numbered like submit(), then
  // judged in one step by completed_at_once (ConsistencyOracle::read_at_once), never held in
  // flight.
  engine::IoRequest submit_at_once(engine::DiskId disk, std::uint64_t offset_bytes,
                                   std::uint64_t length_bytes) {
    return {next_request_++, disk, engine::IoKind::read, offset_bytes, length_bytes, 0};
  }
  // `versions`: one per block the read touches. Completed ok, by definition.
  Completion completed_at_once(const engine::IoRequest& read,
                               std::span<const engine::Version> versions);

  // The array carrying out the engine's commands: the labels it holds (ArrayVersions; a write that
  // covers part of a block leaves it mixed).
  void array_read(const engine::ArrayRead& read, std::vector<engine::Version>& out) const;
  void array_write(const engine::ArrayWrite& write);
  const ArrayVersions& array() const { return array_; }

  // After every dirty block was destaged: blocks whose acknowledged bytes are not all on the
  // array (ConsistencyOracle::holds_acknowledged).
  struct ArrayCheck {
    std::uint64_t blocks_lost = 0;
    std::vector<std::string> messages;  // the first `max_messages` of them, in a fixed order
  };
  ArrayCheck check_array(std::size_t max_messages) const;

  // A request's VM stopped (its host failed): it will never complete. A write is not
  // acknowledged (reads may see it or not); nothing is judged or counted as failed.
  void abandon(engine::RequestId request);
  // After a failure, once nothing more can reach the array for `disks`: the acknowledged
  // blocks of those disks the array does not hold (ConsistencyOracle::holds_acknowledged) are
  // lost. Counts them (blocks, the distinct acknowledged writes they come from, and their bytes)
  // and makes the array's content their acknowledged one (ConsistencyOracle::accept_loss), so
  // the run goes on judging reads against what is left and the final check passes them.
  struct Losses {
    std::uint64_t blocks = 0, writes = 0, bytes = 0;
  };
  Losses take_losses(std::span<const engine::DiskId> disks);
  // The VMs of `disks` reboot: reads after it are judged against acknowledged writes only
  // (ConsistencyOracle::forget_returned).
  void vm_rebooted(std::span<const engine::DiskId> disks) {
    if (checking_) oracle_.forget_returned(disks);
  }
  std::uint64_t requests_abandoned() const { return requests_abandoned_; }

  const ConsistencyOracle& oracle() const { return oracle_; }
  bool checking() const { return checking_; }
  std::uint64_t requests() const { return next_request_ - 1; }
  std::uint64_t reads_failed() const { return reads_failed_; }    // reported read errors
  std::uint64_t writes_failed() const { return writes_failed_; }  // writes and discards
  std::uint64_t violations() const { return violations_; }
  std::size_t in_flight() const { return kinds_.size(); }

  // A label as text: its version, or its parts ("parts 7@0 3@512").
  std::string describe(engine::Version label) const;

 private:
  std::uint32_t block_bytes_;
  bool checking_;
  engine::RequestId next_request_ = 1;
  engine::Version next_version_ = 1;
  std::unordered_map<engine::RequestId, engine::IoKind> kinds_;  // requests in flight
  ConsistencyOracle oracle_;
  ArrayVersions array_;
  std::uint64_t reads_failed_ = 0;
  std::uint64_t writes_failed_ = 0;
  std::uint64_t violations_ = 0;
  std::uint64_t requests_abandoned_ = 0;
};

}  // namespace flashtwin::sim
