#include "fake_cluster.hpp"

#include <stdexcept>

namespace flashtwin::testing {

std::size_t pending_index(FakeRuntime& rt, PendingIo::Kind kind) {
  for (std::size_t i = 0; i < rt.pending().size(); ++i)
    if (rt.pending()[i].kind == kind) return i;
  return FakeCluster::npos;
}

FakeCluster::FakeCluster(std::size_t hosts, EngineConfig config, CacheMode mode, bool one_vm) {
  std::shared_ptr<sim::RequestLedger> ledger;
  if (one_vm) ledger = std::make_shared<sim::RequestLedger>(config.block_bytes);
  for (std::size_t h = 0; h < hosts; ++h) {
    config.host = static_cast<HostId>(h);
    hosts_.push_back(std::make_unique<FakeRuntime>(config, mode, 1ull << 30, ledger));
  }
  crashed_.assign(hosts, false);
}

void FakeCluster::crash(HostId h) {
  collect();
  host(h).crash();
  crashed_.at(h) = true;
  std::erase_if(network_, [h](const InFlightMessage& m) { return m.from == h || m.to == h; });
}

FlashImage FakeCluster::power_cycle(HostId h, bool persistent,
                                    const std::set<HostId>& drop_replicas_of) {
  collect();
  std::erase_if(network_, [h](const InFlightMessage& m) { return m.from == h || m.to == h; });
  return host(h).power_cycle(persistent, drop_replicas_of);
}

Epoch FakeCluster::migrate(HostId from, HostId to) {
  ++epoch_;
  host(from).migrate_out(to, epoch_);
  host(to).migrate_in(from, epoch_);
  collect();
  return epoch_;
}

void FakeCluster::set_peers(HostId h, const std::vector<HostId>& peers) {
  host(h).engine().set_replica_peers(FakeRuntime::kVm, peers);
}

void FakeCluster::collect() {
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    for (SentMessage& sent : hosts_[h]->sent()) {
      if (crashed_[h] || crashed_[sent.to]) continue;  // nobody sends or receives it
      network_.push_back(InFlightMessage{static_cast<HostId>(h), sent.to, std::move(sent.message)});
    }
    hosts_[h]->sent().clear();
  }
}

const std::vector<InFlightMessage>& FakeCluster::network() {
  collect();
  return network_;
}

void FakeCluster::deliver(std::size_t index) {
  collect();
  InFlightMessage message = std::move(network_.at(index));
  network_.erase(network_.begin() + static_cast<std::ptrdiff_t>(index));
  host(message.to).receive(message.from, message.message);
  collect();
}

void FakeCluster::drop(std::size_t index) {
  collect();
  network_.erase(network_.begin() + static_cast<std::ptrdiff_t>(index));
}

void FakeCluster::run_until_quiet() {
  for (;;) {
    bool moved = false;
    for (auto& h : hosts_) {
      if (!h->pending().empty()) {
        h->complete(0);
        moved = true;
      }
    }
    collect();
    if (!network_.empty()) {
      deliver(0);
      moved = true;
    }
    if (!moved) return;
  }
}

bool FakeCluster::step_random(std::mt19937_64& rng) {
  collect();
  std::size_t total = network_.size();
  for (auto& h : hosts_)
    total += h->pending().size();
  if (total == 0) return false;
  std::size_t pick = static_cast<std::size_t>(rng() % total);
  if (pick < network_.size()) {
    deliver(pick);
    return true;
  }
  pick -= network_.size();
  for (auto& h : hosts_) {
    if (pick < h->pending().size()) {
      h->complete(pick);
      collect();
      return true;
    }
    pick -= h->pending().size();
  }
  throw std::logic_error("fake cluster: step out of range");
}

void FakeCluster::advance_to(TimeNs now) {
  now_ = now;
  for (std::size_t h = 0; h < hosts_.size(); ++h)
    if (!crashed_[h]) hosts_[h]->advance_to(now);
  collect();
}

std::string FakeCluster::check() const {
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    const std::string broken = hosts_[h]->engine().check_invariants();
    if (!broken.empty()) return "host " + std::to_string(h) + ": " + broken;
    if (!hosts_[h]->violations().empty())
      return "host " + std::to_string(h) + ": " + hosts_[h]->violations().front();
  }
  return {};
}

}  // namespace flashtwin::testing
