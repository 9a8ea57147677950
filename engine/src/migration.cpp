#include "migration.hpp"

#include <stdexcept>
#include <string>

namespace flashtwin::engine {

namespace {

void require_first_move(bool moved_before, VmId vm) {
  if (moved_before) {
    throw std::logic_error("vm " + std::to_string(vm) +
                           ": migrates a second time through this host (not supported yet)");
  }
}

}  // namespace

void Migration::depart(VmId vm, HostId successor, Epoch epoch) {
  require_first_move(departures_.count(vm) + arrivals_.count(vm) > 0, vm);
  departures_.emplace(vm, Departure{successor, epoch});
}

void Migration::arrive(VmId vm, HostId predecessor, Epoch epoch) {
  require_first_move(departures_.count(vm) + arrivals_.count(vm) > 0, vm);
  arrivals_.emplace(vm, Arrival{predecessor, epoch, {}});
}

std::uint64_t Migration::ask(const PendingQuestion& question) {
  const std::uint64_t sequence = next_sequence_++;
  pending_.emplace(sequence, question);
  return sequence;
}

const PendingQuestion* Migration::find(std::uint64_t sequence, HostId from) const {
  auto it = pending_.find(sequence);
  return it == pending_.end() || it->second.to != from ? nullptr : &it->second;
}

std::size_t Migration::memory_bytes() const {
  std::size_t bytes = pending_.size() * (sizeof(PendingQuestion) + 32);
  for (const auto& [vm, arrival] : arrivals_)
    bytes += arrival.settled.size() * (sizeof(std::uint64_t) + 16);
  return bytes;
}

}  // namespace flashtwin::engine
