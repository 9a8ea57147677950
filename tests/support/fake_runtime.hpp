// FakeRuntime: a hand-stepped runtime for engine tests (test-only; never linked into the product).
//
// It feeds requests to a HostEngine and keeps every command the engine emits as an owned record in
// `pending()`. Nothing completes until the test says so — in order, out of order, or failing — so
// every interleaving can be staged. Devices hold versions: a write lands in the flash or array
// store when its command completes, and a read returns what the store holds at its completion.
// Requests are numbered and judged by a sim::RequestLedger, as in every runtime; violations are
// collected. Messages to peers are kept in `sent()` for a FakeCluster (fake_cluster.hpp) to
// deliver, late, reordered or not at all.
#pragma once

#include "flashtwin/engine/host_engine.hpp"
#include "flashtwin/sim/request_ledger.hpp"
#include "flashtwin/sim/version_store.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace flashtwin::testing {

using namespace flashtwin::engine;

struct PendingIo {
  enum class Kind { flash_read, flash_write, array_read, array_write };
  Kind kind = Kind::flash_read;
  CommandId id = 0;
  std::vector<SlotId> slots;
  std::vector<Version> versions;
  DiskId disk = 0;
  BlockNo first_block = 0;
  std::uint32_t blocks = 0;
  std::uint64_t offset_bytes = 0, length_bytes = 0, bytes = 0;
  bool discard = false, destage = false;
};

struct RequestResult {
  Status status = Status::ok;
  ServedBlocks served;
  std::vector<Version> versions;
  WriteTiming timing;
};

// A message the engine asked to send (owned copy).
struct SentMessage {
  HostId to = 0;
  PeerMessage message;
};

class FakeRuntime {
 public:
  static constexpr DiskId kDisk = 7;
  static constexpr VmId kVm = 3;
  static constexpr DatastoreId kDatastore = 1;

  // Builds the engine with one datastore (`mode`), one VM following it and one disk of
  // `disk_bytes`. With `shared_ledger`, requests are numbered and judged, and the array kept, by
  // that ledger, shared with other runtimes: the VM and its disk are then the same VM and disk
  // on each of them (a VM that migrates between hosts).
  explicit FakeRuntime(const EngineConfig& config, CacheMode mode = CacheMode::write_back,
                       std::uint64_t disk_bytes = 1ull << 30,
                       std::shared_ptr<sim::RequestLedger> shared_ledger = nullptr);

  HostEngine& engine() { return *engine_; }
  // Control calls that produce commands: forwarded, then the commands are collected.
  void set_vm_mode(std::optional<CacheMode> mode);
  void set_datastore_mode(CacheMode mode);
  void migrate_out(HostId to, Epoch epoch);
  void migrate_in(HostId from, Epoch epoch);
  void hurry_handoff();
  void peer_down(HostId host);
  void recover_replicas(HostId owner);
  std::uint64_t forget_replicas(HostId owner);
  // The host stops: its pending commands and unsent messages are gone, and its VM requests in
  // flight are abandoned in the ledger (never acknowledged). The engine is not called again.
  void crash();
  // The host loses power and gets it back: as crash(), then a new engine (same config, datastore,
  // VM and disk) takes over. Persistent flash keeps its versions and the new engine is restored
  // from the old one's flash_image() (returned; its metadata scan is pending until completed);
  // otherwise (RAM) the flash reads 0 everywhere and the new engine starts empty. Replicas of the
  // owners in `drop_replicas_of` are left out of the restore (owners that kept their own data).
  FlashImage power_cycle(bool persistent, const std::set<HostId>& drop_replicas_of = {});

  RequestId read(std::uint64_t offset, std::uint64_t length, DiskId disk = kDisk);
  RequestId write(std::uint64_t offset, std::uint64_t length, DiskId disk = kDisk);
  RequestId discard(std::uint64_t offset, std::uint64_t length, DiskId disk = kDisk);
  RequestId flush(DiskId disk = kDisk);

  std::vector<PendingIo>& pending() { return pending_; }
  // Completes pending()[index] (reads get their data from the stores) and collects what follows.
  void complete(std::size_t index, Status status = Status::ok);
  // Completes pending commands oldest first until none is left.
  void complete_all();
  // Completes one pending command chosen at random.
  void complete_random(std::mt19937_64& rng);
  // Hands a peer's message to the engine and collects what follows.
  void receive(HostId from, const PeerMessage& message);
  // Messages the engine sent, oldest first, not yet taken by whoever delivers them.
  std::vector<SentMessage>& sent() { return sent_; }
  // Advances simulated time, firing the engine's timer if it falls due.
  void advance_to(TimeNs now);
  TimeNs now() const { return now_; }
  std::optional<TimeNs> timer() const { return timer_; }

  bool done(RequestId id) const { return results_.count(id) == 1; }
  const RequestResult& result(RequestId id) const { return results_.at(id); }
  const std::vector<std::string>& violations() const { return violations_; }
  const std::vector<ModeApplied>& modes_applied() const { return modes_; }
  const std::vector<ReplicasRecovered>& recovered() const { return recovered_; }
  const std::vector<IndexRebuilt>& rebuilt() const { return rebuilt_; }
  const std::vector<PeerUnreachable>& unreachable() const { return unreachable_; }
  std::uint64_t counter(const std::string& name) const;
  std::map<std::string, std::uint64_t> counters() const;  // every counter the engine reports

  const sim::ArrayVersions& array() const { return ledger_->array(); }
  const sim::ConsistencyOracle& oracle() const { return ledger_->oracle(); }
  const sim::RequestLedger& ledger() const { return *ledger_; }
  // Every acknowledged write is on the array (valid once all dirty data has been destaged).
  std::string array_matches_acknowledged() const;
  // After a failure, once nothing more can reach the array for its disk: the acknowledged writes
  // the array lacks (sim::RequestLedger::take_losses).
  sim::RequestLedger::Losses take_losses() { return ledger_->take_losses({&kDisk, 1}); }
  // pending() entries of one kind.
  std::size_t count(PendingIo::Kind kind) const;

 private:
  RequestId submit(IoKind kind, std::uint64_t offset, std::uint64_t length, DiskId disk);
  void collect();

  std::unique_ptr<HostEngine> engine_;
  CacheMode mode_;
  std::uint64_t disk_bytes_;
  TimeNs now_ = 0;
  std::optional<TimeNs> timer_;
  TimerId timer_id_ = 0;
  std::vector<PendingIo> pending_;
  std::map<RequestId, RequestResult> results_;
  std::vector<std::string> violations_;
  std::vector<ModeApplied> modes_;
  std::vector<ReplicasRecovered> recovered_;
  std::vector<IndexRebuilt> rebuilt_;
  std::vector<PeerUnreachable> unreachable_;
  std::set<RequestId> in_flight_;  // submitted, not completed
  std::vector<SentMessage> sent_;
  sim::FlashVersions flash_;
  std::shared_ptr<sim::RequestLedger> ledger_;
};

}  // namespace flashtwin::testing
