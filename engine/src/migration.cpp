#include "migration.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

void Migration::depart(VmId vm, HostId successor, Epoch epoch) {
  if (departures_.contains(vm)) {
    throw std::logic_error("vm " + std::to_string(vm) + ": left this host already");
  }
  if (arrivals_.contains(vm)) {
    throw std::logic_error("vm " + std::to_string(vm) +
                           ": migrates on before its previous owner handed it off");
  }
  departures_.emplace(vm, Departure{successor, epoch, false});
  ++handoffs_due_;
}

void Migration::arrive(VmId vm, HostId predecessor, Epoch epoch) {
  if (arrivals_.contains(vm)) {
    throw std::logic_error("vm " + std::to_string(vm) + ": arrived here already");
  }
  if (auto left = departures_.find(vm); left != departures_.end()) {
    if (!left->second.handed_off) {
      throw std::logic_error("vm " + std::to_string(vm) +
                             ": comes back before this host handed it off");
    }
    departures_.erase(left);
  }
  arrivals_.emplace(vm, Arrival{predecessor, epoch, {}});
}

void Migration::handed_off(VmId vm) {
  Departure& left = departures_.at(vm);
  if (left.handed_off) throw std::logic_error("vm " + std::to_string(vm) + ": handed off twice");
  left.handed_off = true;
  --handoffs_due_;
  if (left.hurried) --handoffs_hurried_;
}

bool Migration::hurry(VmId vm) {
  Departure& left = departures_.at(vm);
  if (left.handed_off) return false;
  if (!left.hurried) ++handoffs_hurried_;
  left.hurried = true;
  return true;
}

std::vector<VmId> Migration::due_departures(bool hurried_only) const {
  std::vector<VmId> due;
  for (const auto& [vm, left] : departures_)
    if (!left.handed_off && (left.hurried || !hurried_only)) due.push_back(vm);
  std::sort(due.begin(), due.end());
  return due;
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
  bytes += departures_.size() * (sizeof(Departure) + 32);
  for (const auto& [vm, arrival] : arrivals_)
    bytes += arrival.settled.size() * (sizeof(std::uint64_t) + 16);
  return bytes;
}

}  // namespace flashtwin::engine
