// BlktracePairing: requests held back until their completion, paired by (device, sector, bytes).
#include "blktrace_pairing.hpp"

#include <functional>

namespace flashtwin::models::detail {

std::size_t BlktracePairing::KeyHash::operator()(const Key& key) const {
  std::uint64_t mixed = key.sector * 0x9E3779B97F4A7C15ULL;
  mixed ^= (std::uint64_t{key.device} << 32 | key.bytes) + 0x632BE59BD9B4E019ULL + (mixed << 6);
  return std::hash<std::uint64_t>{}(mixed ^ (mixed >> 29));
}

void BlktracePairing::add(const StreamRequest& request, const BlktraceRecord& record) {
  const std::uint64_t id = front_id_ + entries_.size();
  entries_.push_back(Entry{request, record, std::nullopt, kNone});
  const auto [found, inserted] = outstanding_.try_emplace(key_of(record), Chain{id, id});
  if (!inserted) {
    at(found->second.last).next_same = id;
    found->second.last = id;
  }
}

void BlktracePairing::unlink_first(const Key& key) {
  const auto found = outstanding_.find(key);
  if (found == outstanding_.end()) return;
  const std::uint64_t next = at(found->second.first).next_same;
  if (next == kNone) {
    outstanding_.erase(found);
  } else {
    found->second.first = next;
  }
}

bool BlktracePairing::complete(const BlktraceRecord& record) {
  const Key key = key_of(record);
  const auto found = outstanding_.find(key);
  if (found == outstanding_.end()) return false;
  if (found->second.first != found->second.last) {
    for (std::uint64_t id = found->second.first; id != kNone; id = at(id).next_same)
      at(id).ambiguous = true;
    outstanding_.erase(found);
    return false;
  }
  Entry& entry = at(found->second.first);
  // The merge yields records in time order, so the completion is never earlier than the request.
  entry.latency_ns = static_cast<std::int64_t>(record.time_ns - entry.record.time_ns);
  unlink_first(key);
  return true;
}

void BlktracePairing::pop_front() {
  // An unpaired front entry is the oldest outstanding one of its key, the first of its chain,
  // unless an ambiguous completion took it out of the table already.
  const Entry& front = entries_.front();
  if (!front.latency_ns && !front.ambiguous) unlink_first(key_of(front.record));
  entries_.pop_front();
  ++front_id_;
}

}  // namespace flashtwin::models::detail
