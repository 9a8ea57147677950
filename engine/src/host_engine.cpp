// HostEngine: the public face; every call forwards to the Core.
#include "flashtwin/engine/host_engine.hpp"

#include "engine_core.hpp"

#include <stdexcept>

namespace flashtwin::engine {

HostEngine::HostEngine(const EngineConfig& config) : core_(std::make_unique<Core>(config)) {}
HostEngine::~HostEngine() = default;

void HostEngine::add_datastore(DatastoreId datastore, CacheMode default_mode) {
  core_->add_datastore(datastore, default_mode);
}
void HostEngine::add_vm(VmId vm, DatastoreId datastore, std::optional<CacheMode> mode) {
  core_->add_vm(vm, datastore, mode);
}
void HostEngine::add_disk(VmId vm, DiskId disk, std::uint64_t size_bytes) {
  core_->add_disk(vm, disk, size_bytes);
}
void HostEngine::set_vm_mode(TimeNs now, VmId vm, std::optional<CacheMode> mode) {
  core_->set_vm_mode(now, vm, mode);
}
void HostEngine::set_datastore_mode(TimeNs now, DatastoreId datastore, CacheMode mode) {
  core_->set_datastore_mode(now, datastore, mode);
}
ModeState HostEngine::mode_of(VmId vm) const {
  return core_->mode_of(vm);
}

void HostEngine::submit(TimeNs now, const IoRequest& request) {
  core_->submit(now, request);
}
void HostEngine::completed(TimeNs now, CommandId command, Status status,
                           std::span<const Version> data) {
  core_->completed(now, command, status, data);
}
void HostEngine::set_replica_peers(VmId vm, std::span<const HostId> peers) {
  core_->set_replica_peers(vm, peers);
}

void HostEngine::migrate_out(TimeNs now, VmId vm, HostId to, Epoch epoch) {
  core_->migrate_out(now, vm, to, epoch);
}

void HostEngine::migrate_in(TimeNs now, VmId vm, HostId from, Epoch epoch) {
  core_->migrate_in(now, vm, from, epoch);
}

bool HostEngine::awaits_handoff(VmId vm) const {
  return core_->awaits_handoff(vm);
}

void HostEngine::hurry_handoff(TimeNs now, VmId vm) {
  core_->hurry_handoff(now, vm);
}
void HostEngine::peer_down(TimeNs now, HostId host) {
  core_->peer_down(now, host);
}
void HostEngine::recover_replicas(TimeNs now, HostId owner) {
  core_->recover_replicas(now, owner);
}
void HostEngine::mark_underprotected(VmId vm) {
  core_->mark_underprotected(vm);
}
void HostEngine::peer_rejoined(HostId host) {
  core_->peer_rejoined(host);
}
std::uint64_t HostEngine::forget_replicas(TimeNs now, HostId owner) {
  return core_->forget_replicas(now, owner);
}
FlashImage HostEngine::flash_image() const {
  return core_->flash_image();
}
void HostEngine::restore(TimeNs now, const FlashImage& image) {
  core_->restore(now, image);
}
void HostEngine::received(TimeNs now, HostId from, const PeerMessage& message) {
  core_->received(now, from, message);
}
void HostEngine::timer_fired(TimeNs now, TimerId timer) {
  core_->timer_fired(now, timer);
}
bool HostEngine::warm_read(const IoRequest& request, std::vector<WarmFill>& filled) {
  return core_->warm_read(request, filled);
}

std::size_t HostEngine::warm_reads(std::span<const IoRequest> requests,
                                   std::vector<WarmFill>& filled) {
  return core_->warm_reads(requests, filled);
}

bool HostEngine::at_rest() const {
  return core_->at_rest();
}

bool HostEngine::reads_at_once(TimeNs now, std::span<const IoRequest> reads,
                               std::vector<ServedBlock>& blocks) {
  return core_->reads_at_once(now, reads, blocks);
}

std::span<const Command> HostEngine::drain() {
  return core_->drain();
}

std::uint64_t HostEngine::replica_blocks_for(HostId owner) const {
  return core_->replica_blocks_for(owner);
}

void HostEngine::visit_counters(CounterVisitor& visitor) const {
  core_->visit_counters(visitor);
}
std::string HostEngine::check_invariants() const {
  return core_->check_invariants();
}
std::size_t HostEngine::metadata_bytes() const {
  return core_->metadata_bytes();
}
const EngineConfig& HostEngine::config() const {
  return core_->config();
}

}  // namespace flashtwin::engine
