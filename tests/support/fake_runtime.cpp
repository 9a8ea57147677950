#include "fake_runtime.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <variant>

namespace flashtwin::testing {

namespace {
struct CounterReader final : CounterVisitor {
  std::map<std::string, std::uint64_t> values;
  void counter(std::string_view name, std::uint64_t value) override {
    values[std::string(name)] = value;
  }
};
}  // namespace

FakeRuntime::FakeRuntime(const EngineConfig& config, CacheMode mode, std::uint64_t disk_bytes,
                         std::shared_ptr<sim::RequestLedger> shared_ledger)
    : engine_(std::make_unique<HostEngine>(config)),
      mode_(mode),
      disk_bytes_(disk_bytes),
      flash_(config.capacity_blocks),
      ledger_(shared_ledger ? std::move(shared_ledger)
                            : std::make_shared<sim::RequestLedger>(config.block_bytes)) {
  engine_->add_datastore(kDatastore, mode);
  engine_->add_vm(kVm, kDatastore, std::nullopt);
  engine_->add_disk(kVm, kDisk, disk_bytes);
  collect();
}

void FakeRuntime::set_vm_mode(std::optional<CacheMode> mode) {
  engine_->set_vm_mode(now_, kVm, mode);
  collect();
}

void FakeRuntime::set_datastore_mode(CacheMode mode) {
  engine_->set_datastore_mode(now_, kDatastore, mode);
  collect();
}

void FakeRuntime::migrate_out(HostId to, Epoch epoch) {
  engine_->migrate_out(now_, kVm, to, epoch);
  collect();
}

void FakeRuntime::hurry_handoff() {
  engine_->hurry_handoff(now_, kVm);
  collect();
}

void FakeRuntime::migrate_in(HostId from, Epoch epoch) {
  engine_->migrate_in(now_, kVm, from, epoch);
  collect();
}

RequestId FakeRuntime::read(std::uint64_t offset, std::uint64_t length, DiskId disk) {
  return submit(IoKind::read, offset, length, disk);
}
RequestId FakeRuntime::write(std::uint64_t offset, std::uint64_t length, DiskId disk) {
  return submit(IoKind::write, offset, length, disk);
}
RequestId FakeRuntime::discard(std::uint64_t offset, std::uint64_t length, DiskId disk) {
  return submit(IoKind::discard, offset, length, disk);
}
RequestId FakeRuntime::flush(DiskId disk) {
  return submit(IoKind::flush, 0, 0, disk);
}

RequestId FakeRuntime::submit(IoKind kind, std::uint64_t offset, std::uint64_t length,
                              DiskId disk) {
  const IoRequest request = ledger_->submit(disk, kind, offset, length);
  in_flight_.insert(request.id);
  engine_->submit(now_, request);
  collect();
  return request.id;
}

void FakeRuntime::collect() {
  for (const Command& command : engine_->drain()) {
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          PendingIo io;
          if constexpr (std::is_same_v<T, FlashRead>) {
            io.kind = PendingIo::Kind::flash_read;
            io.id = c.id;
            io.slots.assign(c.slots.begin(), c.slots.end());
            io.bytes = c.bytes;
            pending_.push_back(std::move(io));
          } else if constexpr (std::is_same_v<T, FlashWrite>) {
            io.kind = PendingIo::Kind::flash_write;
            io.id = c.id;
            io.slots.assign(c.slots.begin(), c.slots.end());
            io.versions.assign(c.versions.begin(), c.versions.end());
            io.bytes = c.bytes;
            pending_.push_back(std::move(io));
          } else if constexpr (std::is_same_v<T, ArrayRead>) {
            io.kind = PendingIo::Kind::array_read;
            io.id = c.id;
            io.disk = c.disk;
            io.first_block = c.first_block;
            io.blocks = c.block_count;
            io.offset_bytes = c.offset_bytes;
            io.length_bytes = c.length_bytes;
            pending_.push_back(std::move(io));
          } else if constexpr (std::is_same_v<T, ArrayWrite>) {
            io.kind = PendingIo::Kind::array_write;
            io.id = c.id;
            io.disk = c.disk;
            io.first_block = c.first_block;
            io.blocks = static_cast<std::uint32_t>(c.versions.size());
            io.versions.assign(c.versions.begin(), c.versions.end());
            io.offset_bytes = c.offset_bytes;
            io.length_bytes = c.length_bytes;
            io.discard = c.discard;
            io.destage = c.destage;
            pending_.push_back(std::move(io));
          } else if constexpr (std::is_same_v<T, CompleteRequest>) {
            RequestResult r{c.status, c.served, {c.versions.begin(), c.versions.end()}, c.timing};
            in_flight_.erase(c.request);
            if (auto judged = ledger_->completed(c); judged.violation) {
              violations_.push_back("request " + std::to_string(c.request) + " " +
                                    *judged.violation);
            }
            if (results_.count(c.request))
              violations_.push_back("request " + std::to_string(c.request) + " completed twice");
            results_[c.request] = std::move(r);
          } else if constexpr (std::is_same_v<T, SetTimer>) {
            timer_ = c.at;
            timer_id_ = c.timer;
          } else if constexpr (std::is_same_v<T, ModeApplied>) {
            modes_.push_back(c);
          } else if constexpr (std::is_same_v<T, ReplicasRecovered>) {
            recovered_.push_back(c);
          } else if constexpr (std::is_same_v<T, IndexRebuilt>) {
            rebuilt_.push_back(c);
          } else if constexpr (std::is_same_v<T, PeerUnreachable>) {
            unreachable_.push_back(c);
          } else if constexpr (std::is_same_v<T, SendToPeer>) {
            sent_.push_back(SentMessage{c.to, *c.message});
          }
        },
        command);
  }
}

void FakeRuntime::complete(std::size_t index, Status status) {
  PendingIo io = std::move(pending_.at(index));
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(index));
  std::vector<Version> data;
  if (status == Status::ok) {
    switch (io.kind) {
      case PendingIo::Kind::flash_read:
        flash_.read(io.slots, data);
        break;
      case PendingIo::Kind::flash_write:
        flash_.write(io.slots, io.versions);
        break;
      case PendingIo::Kind::array_read: {
        ArrayRead read;
        read.disk = io.disk;
        read.first_block = io.first_block;
        read.block_count = io.blocks;
        ledger_->array_read(read, data);
        break;
      }
      case PendingIo::Kind::array_write: {
        ArrayWrite write;
        write.disk = io.disk;
        write.first_block = io.first_block;
        write.offset_bytes = io.offset_bytes;
        write.length_bytes = io.length_bytes;
        write.versions = io.versions;
        write.discard = io.discard;
        ledger_->array_write(write);
        break;
      }
    }
  }
  engine_->completed(now_, io.id, status, data);
  collect();
}

void FakeRuntime::peer_down(HostId host) {
  engine_->peer_down(now_, host);
  collect();
}

void FakeRuntime::recover_replicas(HostId owner) {
  engine_->recover_replicas(now_, owner);
  collect();
}

std::uint64_t FakeRuntime::forget_replicas(HostId owner) {
  const std::uint64_t forgotten = engine_->forget_replicas(now_, owner);
  collect();
  return forgotten;
}

void FakeRuntime::crash() {
  pending_.clear();
  sent_.clear();
  for (const RequestId id : in_flight_)
    ledger_->abandon(id);
  in_flight_.clear();
}

FlashImage FakeRuntime::power_cycle(bool persistent, const std::set<HostId>& drop_replicas_of) {
  FlashImage image = persistent ? engine_->flash_image() : FlashImage{};
  crash();
  const EngineConfig config = engine_->config();
  engine_ = std::make_unique<HostEngine>(config);
  engine_->add_datastore(kDatastore, mode_);
  engine_->add_vm(kVm, kDatastore, std::nullopt);
  engine_->add_disk(kVm, kDisk, disk_bytes_);
  timer_.reset();
  if (!persistent) {
    flash_ = sim::FlashVersions(config.capacity_blocks);
    return image;
  }
  FlashImage kept = image;
  std::erase_if(kept.replicas, [&](const FlashImage::Replica& replica) {
    return drop_replicas_of.contains(replica.owner);
  });
  engine_->restore(now_, kept);
  collect();
  return image;
}

void FakeRuntime::receive(HostId from, const PeerMessage& message) {
  engine_->received(now_, from, message);
  collect();
}

void FakeRuntime::complete_all() {
  while (!pending_.empty())
    complete(0);
}

void FakeRuntime::complete_random(std::mt19937_64& rng) {
  complete(static_cast<std::size_t>(rng() % pending_.size()));
}

void FakeRuntime::advance_to(TimeNs now) {
  now_ = now;
  if (timer_ && *timer_ <= now) {
    timer_.reset();
    engine_->timer_fired(now_, timer_id_);
    collect();
  }
}

std::map<std::string, std::uint64_t> FakeRuntime::counters() const {
  CounterReader reader;
  engine_->visit_counters(reader);
  return reader.values;
}

std::uint64_t FakeRuntime::counter(const std::string& name) const {
  const std::map<std::string, std::uint64_t> values = counters();
  auto it = values.find(name);
  if (it == values.end()) throw std::invalid_argument("no counter " + name);
  return it->second;
}

std::string FakeRuntime::array_matches_acknowledged() const {
  const sim::RequestLedger::ArrayCheck check = ledger_->check_array(1);
  return check.messages.empty() ? std::string() : check.messages.front();
}

std::size_t FakeRuntime::count(PendingIo::Kind kind) const {
  return static_cast<std::size_t>(std::count_if(
      pending_.begin(), pending_.end(), [&](const PendingIo& io) { return io.kind == kind; }));
}

}  // namespace flashtwin::testing
