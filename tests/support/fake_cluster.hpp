// FakeCluster: several host engines stepped by hand on one simulated clock, for cluster-protocol
// tests (test-only; never linked into the product).
//
// Each host is a FakeRuntime (its own flash, its own VM FakeRuntime::kVm with disk kDisk, judged
// by its own ledger and oracle; the disks of different hosts are different disks of the array).
// Messages the engines send go into one network list, in the order they were sent; nothing is
// delivered until the test says so: in order, reordered, late (after other events), twice, or
// never (dropped). The clock is shared: advance_to() moves every host to the same time.
#pragma once

#include "fake_runtime.hpp"

#include <cstddef>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace flashtwin::testing {

struct InFlightMessage {
  HostId from = 0;
  HostId to = 0;
  PeerMessage message;
};

// The index in rt.pending() of the oldest command of `kind`, or FakeCluster::npos.
std::size_t pending_index(FakeRuntime& rt, PendingIo::Kind kind);

class FakeCluster {
 public:
  // `hosts` engines built from `config` with host ids 0..hosts-1, each with one datastore in
  // `mode`, one VM following it and one disk. With `one_vm`, the hosts share one ledger and
  // array: FakeRuntime::kVm is one VM that may run on any of them (migrate()); without, each
  // host's VM and disk are its own.
  FakeCluster(std::size_t hosts, EngineConfig config, CacheMode mode = CacheMode::write_back,
              bool one_vm = false);

  FakeRuntime& host(HostId h) { return *hosts_.at(h); }
  std::size_t size() const { return hosts_.size(); }
  // The VM of host h copies its write-back writes to `peers`.
  void set_peers(HostId h, const std::vector<HostId>& peers);
  // Migrates the VM (one_vm) from host `from` to host `to`: both engines are told at once, with
  // the VM's next epoch (returned). The VM must have no request in flight on `from`.
  Epoch migrate(HostId from, HostId to);

  // Host h fails (FakeRuntime::crash): messages to and from it are dropped, now and later, and it
  // takes no further step.
  void crash(HostId h);
  bool crashed(HostId h) const { return crashed_.at(h); }
  // Host h loses power and gets it back (FakeRuntime::power_cycle): messages to and from it on
  // the network are lost.
  FlashImage power_cycle(HostId h, bool persistent, const std::set<HostId>& drop_replicas_of = {});

  // Messages sent and not yet delivered or dropped, oldest first.
  const std::vector<InFlightMessage>& network();
  // Delivers network()[index] (and takes it off the network).
  void deliver(std::size_t index);
  // Takes network()[index] off the network without delivering it.
  void drop(std::size_t index);
  // Index in network() of the oldest message of type M, or npos.
  template <class M>
  std::size_t find() {
    const auto& messages = network();
    for (std::size_t i = 0; i < messages.size(); ++i)
      if (std::holds_alternative<M>(messages[i].message)) return i;
    return npos;
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // Completes device commands and delivers messages, oldest first, until none is left.
  void run_until_quiet();
  // One step chosen at random among every pending device command and message (so messages are
  // reordered and overtake each other); false when nothing is pending.
  bool step_random(std::mt19937_64& rng);
  // Advances every host's clock to `now` (firing due timers).
  void advance_to(TimeNs now);
  TimeNs now() const { return now_; }

  // Every host's invariants and oracle verdicts; empty when all hold.
  std::string check() const;

 private:
  void collect();

  std::vector<std::unique_ptr<FakeRuntime>> hosts_;
  std::vector<InFlightMessage> network_;
  TimeNs now_ = 0;
  Epoch epoch_ = 1;
  std::vector<bool> crashed_;
};

}  // namespace flashtwin::testing
