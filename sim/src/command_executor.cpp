#include "command_executor.hpp"

#include <algorithm>

#include "memory_release.hpp"

#include <cmath>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace flashtwin::sim {

CommandExecutor::CommandExecutor(SimWorld world, RunSink& sink, RequestDone request_done)
    : world_(world), sink_(sink), request_done_(std::move(request_done)) {}

std::size_t CommandExecutor::add_host(std::unique_ptr<SimHost> host) {
  hosts_.push_back(std::move(host));
  return hosts_.size() - 1;
}

std::int64_t CommandExecutor::now_ns() const {
  return std::llround(world_.scheduler.now_s() * 1e9);
}

void CommandExecutor::fail_host(std::size_t h) {
  SimHost& host = *hosts_[h];
  host.failed = true;
  ++host.timer_generation;  // its pending timer never fires
  host.node->turn_off();
}

bool CommandExecutor::reaches_array(std::size_t h, std::int64_t since_ns) const {
  return links_ == nullptr || links_->reaches_array(h, since_ns);
}

bool CommandExecutor::connected(std::size_t h, std::size_t g, std::int64_t since_ns) const {
  return links_ == nullptr || links_->connected(h, g, since_ns);
}

void CommandExecutor::fail_soon(std::size_t h, engine::CommandId id) {
  world_.scheduler.at(world_.scheduler.now_s(),
                      [this, h, gen = hosts_[h]->generation, id] { complete(h, gen, id, false); });
}

void CommandExecutor::replace_engine(std::size_t h, std::unique_ptr<engine::HostEngine> engine) {
  SimHost& host = *hosts_[h];
  ++host.generation;
  ++host.timer_generation;
  host.engine = std::move(engine);
  if (host.flash) failed_devices_.push_back(std::move(host.flash));
  if (host.flash_versions) failed_versions_.push_back(std::move(host.flash_versions));
}

void CommandExecutor::power_off(std::size_t h) {
  fail_host(h);
  ++hosts_[h]->generation;
}

void CommandExecutor::power_on(std::size_t h, std::unique_ptr<engine::HostEngine> engine) {
  SimHost& host = *hosts_[h];
  host.node->turn_on();
  host.failed = false;
  ++host.generation;
  ++host.timer_generation;
  if (host.flash) {
    const engine::EngineConfig& config = engine->config();
    const models::DeviceProfile profile = host.flash->profile();
    failed_devices_.push_back(std::move(host.flash));  // its queued work is dropped
    host.flash = std::make_unique<models::FlashDevice>(
        profile, config.capacity_blocks * config.block_bytes, world_.scheduler);
    if (profile.is_volatile) {
      failed_versions_.push_back(std::move(host.flash_versions));
      host.flash_versions = std::make_unique<FlashVersions>(config.capacity_blocks);
    }
  }
  host.engine = std::move(engine);
}

void CommandExecutor::submit(std::size_t h, const engine::IoRequest& request) {
  hosts_[h]->engine->submit(now_ns(), request);
  pump(h);
}

void CommandExecutor::pump(std::size_t h) {
  SimHost& host = *hosts_[h];
  if (host.pumping || host.failed) return;
  host.pumping = true;
  for (auto commands = host.engine->drain(); !commands.empty(); commands = host.engine->drain()) {
    for (const engine::Command& command : commands)
      dispatch(h, command);
  }
  host.pumping = false;
}

void CommandExecutor::complete(std::size_t h, std::uint32_t generation, engine::CommandId id,
                               bool ok, std::span<const engine::Version> data) {
  if (hosts_[h]->failed || hosts_[h]->generation != generation) return;
  last_engine_event_s_ = world_.scheduler.now_s();
  if (last_engine_event_s_ >= next_release_s_) {
    release_freed_memory();
    next_release_s_ = last_engine_event_s_ + kReleaseEvery_s;
  }
  hosts_[h]->engine->completed(now_ns(), id, ok ? engine::Status::ok : engine::Status::io_error,
                               data);
  pump(h);
}

// The device queues internally (models::FlashDevice), so an I/O is reported as started when it
// was submitted.
void CommandExecutor::flash_io_done(std::size_t h, engine::IoKind kind, std::uint64_t bytes,
                                    std::int64_t submitted_ns) {
  sink_.record(FlashIo{h, kind, bytes, submitted_ns, submitted_ns, now_ns()});
}

void CommandExecutor::arm_timer(std::size_t h, const engine::SetTimer& timer) {
  const std::uint64_t generation = ++hosts_[h]->timer_generation;
  world_.scheduler.at(static_cast<double>(timer.at) * 1e-9,
                      [this, h, generation, id = timer.timer] {
                        if (hosts_[h]->timer_generation != generation) return;  // replaced
                        last_engine_event_s_ = world_.scheduler.now_s();
                        hosts_[h]->engine->timer_fired(now_ns(), id);
                        pump(h);
                      });
}

namespace {

constexpr std::uint64_t kMessageHeaderBytes = 64;  // ids, run, epoch, sequence; framing

// What a message puts on the wire: a header, a replica's data, a release's versions, the blocks
// a remote read answer carries (whole blocks of `block_bytes`).
std::uint64_t wire_bytes(const engine::PeerMessage& message, std::uint64_t block_bytes) {
  if (const auto* write = std::get_if<engine::ReplicaWrite>(&message))
    return kMessageHeaderBytes + write->bytes;
  if (const auto* reply = std::get_if<engine::RemoteReadReply>(&message)) {
    const auto blocks =
        static_cast<std::uint64_t>(std::count(reply->present.begin(), reply->present.end(), true));
    return kMessageHeaderBytes + reply->versions.size() * sizeof(engine::Version) +
           blocks * block_bytes;
  }
  if (const auto* release = std::get_if<engine::ReplicaRelease>(&message))
    return kMessageHeaderBytes + release->versions.size() * sizeof(engine::Version);
  return kMessageHeaderBytes;
}

}  // namespace

void CommandExecutor::send_to_peer(std::size_t h, const engine::SendToPeer& send) {
  if (send.to >= hosts_.size() || send.to == h)
    throw std::logic_error("host " + std::to_string(h) + " sent a message to host " +
                           std::to_string(send.to));
  if (hosts_[send.to]->failed) return;  // nobody receives it: no comm to a host that is off
  const std::int64_t sent_ns = now_ns();
  if (!connected(h, send.to, sent_ns)) return;  // lost on a cut link
  const std::uint64_t bytes = wire_bytes(*send.message, hosts_[h]->engine->config().block_bytes);
  // Replication messages, and the migration's (remote reads, invalidations and their answers).
  const bool replication = std::holds_alternative<engine::ReplicaWrite>(*send.message) ||
                           std::holds_alternative<engine::ReplicaAck>(*send.message) ||
                           std::holds_alternative<engine::ReplicaRelease>(*send.message);
  const NetworkPurpose purpose =
      replication ? NetworkPurpose::replication : NetworkPurpose::remote_read;
  auto deliver = [this, from = h, to = std::size_t{send.to}, bytes, purpose,
                  from_generation = hosts_[h]->generation,
                  to_generation = hosts_[send.to]->generation, message = *send.message](bool ok) {
    sink_.record(NetworkTransfer{purpose, bytes, now_ns()});
    // Lost (whoever waits for an answer keeps waiting), or one end failed (or lost its cache)
    // meanwhile.
    if (!ok || hosts_[from]->failed || hosts_[to]->failed ||
        hosts_[from]->generation != from_generation || hosts_[to]->generation != to_generation)
      return;
    last_engine_event_s_ = world_.scheduler.now_s();
    hosts_[to]->engine->received(now_ns(), static_cast<engine::HostId>(from), message);
    pump(to);
  };
  // Messages carrying data are comms (they share links with everything else); the others are
  // delivered after the route's unloaded time.
  if (std::holds_alternative<engine::ReplicaWrite>(*send.message) ||
      std::holds_alternative<engine::RemoteReadReply>(*send.message) || peer_routes_.empty()) {
    world_.comms.start(
        hosts_[h]->node, hosts_[send.to]->node, bytes,
        [this, h, to = std::size_t{send.to}, sent_ns, deliver = std::move(deliver)](
            const models::CommResult& r) mutable { deliver(r.ok && connected(h, to, sent_ns)); });
    return;
  }
  const PeerRoute& route = peer_routes_[h][send.to];
  world_.scheduler.at(
      world_.scheduler.now_s() + route.latency_s + static_cast<double>(bytes) / route.bytes_per_s,
      [this, h, to = std::size_t{send.to}, sent_ns, deliver = std::move(deliver)]() mutable {
        deliver(connected(h, to, sent_ns));
      });
}

void CommandExecutor::submit_from(std::size_t client, std::size_t h,
                                  const engine::IoRequest& request) {
  if (client == h) {
    submit(h, request);
    return;
  }
  const std::uint64_t data = request.length_bytes;
  const std::uint64_t out =
      kMessageHeaderBytes + (request.kind == engine::IoKind::write ? data : 0);
  remote_clients_[request.id] = {
      client, kMessageHeaderBytes + (request.kind == engine::IoKind::read ? data : 0)};
  world_.comms.start(hosts_[client]->node, hosts_[h]->node, out,
                     [this, h, request, out](const models::CommResult&) {
                       sink_.record(NetworkTransfer{NetworkPurpose::remote_cache, out, now_ns()});
                       submit(h, request);
                     });
}

void CommandExecutor::dispatch(std::size_t h, const engine::Command& command) {
  SimHost& host = *hosts_[h];
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, engine::FlashRead> ||
                      std::is_same_v<T, engine::FlashWrite>) {
          if (host.flash == nullptr) {  // an engine without flash (after its device failed)
            world_.scheduler.at(
                world_.scheduler.now_s(),
                [this, h, gen = host.generation, id = c.id] { complete(h, gen, id, false); });
            return;
          }
        }
        if constexpr (std::is_same_v<T, engine::FlashRead>) {
          host.flash->submit(
              models::DeviceOp::read, c.bytes,
              [this, h, gen = host.generation, id = c.id, bytes = c.bytes, submitted = now_ns(),
               slots = std::vector<engine::SlotId>(c.slots.begin(), c.slots.end())] {
                if (hosts_[h]->generation != gen) return;  // the device failed
                flash_io_done(h, engine::IoKind::read, bytes, submitted);
                std::vector<engine::Version> data;
                hosts_[h]->flash_versions->read(slots, data);
                complete(h, gen, id, true, data);
              });
        } else if constexpr (std::is_same_v<T, engine::FlashWrite>) {
          host.flash->submit(
              models::DeviceOp::write, c.bytes,
              [this, h, gen = host.generation, id = c.id, bytes = c.bytes, submitted = now_ns(),
               slots = std::vector<engine::SlotId>(c.slots.begin(), c.slots.end()),
               versions = std::vector<engine::Version>(c.versions.begin(), c.versions.end())] {
                if (hosts_[h]->generation != gen) return;  // the device failed
                flash_io_done(h, engine::IoKind::write, bytes, submitted);
                hosts_[h]->flash_versions->write(slots, versions);
                complete(h, gen, id, true);
              });
        } else if constexpr (std::is_same_v<T, engine::ArrayRead>) {
          if (!reaches_array(h)) {
            fail_soon(h, c.id);
            return;
          }
          // The array finds the data, then it crosses the front end and the network.
          world_.array.read(
              c.length_bytes, [this, h, gen = host.generation, c, issued_ns = now_ns()] {
                if (hosts_[h]->failed) return;  // no one to send the data to
                world_.comms.start(
                    world_.platform.array(), hosts_[h]->node, c.length_bytes,
                    [this, h, gen, c, issued_ns](const models::CommResult& r) {
                      sink_.record(
                          NetworkTransfer{NetworkPurpose::array_read, c.length_bytes, now_ns()});
                      sink_.array_io(engine::IoKind::read, c.length_bytes, now_ns(), false);
                      std::vector<engine::Version> data;
                      world_.ledger.array_read(c, data);
                      complete(h, gen, c.id, r.ok && reaches_array(h, issued_ns), data);
                    });
              });
        } else if constexpr (std::is_same_v<T, engine::ArrayWrite>) {
          if (!reaches_array(h)) {
            fail_soon(h, c.id);
            return;
          }
          ++host.array_writes_in_flight;
          world_.comms.start(
              host.node, world_.platform.array(), c.length_bytes,
              [this, h, gen = host.generation, c, issued_ns = now_ns(),
               versions = std::vector<engine::Version>(c.versions.begin(), c.versions.end())](
                  const models::CommResult& r) {
                sink_.record(NetworkTransfer{
                    c.destage ? NetworkPurpose::destage : NetworkPurpose::array_write,
                    c.length_bytes, now_ns()});
                if (!r.ok || !reaches_array(h, issued_ns)) {
                  --hosts_[h]->array_writes_in_flight;
                  complete(h, gen, c.id, false);
                  return;
                }
                world_.array.write(c.length_bytes, [this, h, gen, c, versions] {
                  --hosts_[h]->array_writes_in_flight;
                  sink_.array_io(engine::IoKind::write, c.length_bytes, now_ns(), c.destage);
                  engine::ArrayWrite write = c;  // its spans died with the drain
                  write.versions = versions;
                  world_.ledger.array_write(write);
                  complete(h, gen, c.id, true);
                });
              });
        } else if constexpr (std::is_same_v<T, engine::CompleteRequest>) {
          const auto remote =
              remote_clients_.empty() ? remote_clients_.end() : remote_clients_.find(c.request);
          if (remote == remote_clients_.end()) {
            request_done_(h, c);
            return;
          }
          const RemoteClient client = remote->second;
          remote_clients_.erase(remote);
          world_.comms.start(
              hosts_[h]->node, hosts_[client.host]->node, client.answer_bytes,
              [this, h, c, client,
               versions = std::vector<engine::Version>(c.versions.begin(), c.versions.end())](
                  const models::CommResult&) {
                sink_.record(
                    NetworkTransfer{NetworkPurpose::remote_cache, client.answer_bytes, now_ns()});
                last_engine_event_s_ = world_.scheduler.now_s();  // the VM hears of it now
                engine::CompleteRequest done = c;                 // its span died with the drain
                done.versions = versions;
                request_done_(h, done);
              });
        } else if constexpr (std::is_same_v<T, engine::SetTimer>) {
          arm_timer(h, c);
        } else if constexpr (std::is_same_v<T, engine::SendToPeer>) {
          send_to_peer(h, c);
        } else if constexpr (std::is_same_v<T, engine::ModeApplied> ||
                             std::is_same_v<T, engine::ReplicasRecovered> ||
                             std::is_same_v<T, engine::IndexRebuilt> ||
                             std::is_same_v<T, engine::PeerUnreachable>) {
          if (control_) control_(h, command);
        }
      },
      command);
}

}  // namespace flashtwin::sim
