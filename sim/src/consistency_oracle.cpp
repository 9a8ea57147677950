#include "flashtwin/sim/consistency_oracle.hpp"

#include <algorithm>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

// Calls visit(a, b) for every byte range where part lists `x` and `y` overlap.
template <class Visit>
void for_each_overlap(const std::vector<VersionPart>& x, const std::vector<VersionPart>& y,
                      Visit&& visit) {
  std::size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    visit(x[i], y[j]);
    const bool x_last = i + 1 == x.size(), y_last = j + 1 == y.size();
    if (x_last && y_last) return;
    if (y_last || (!x_last && x[i + 1].begin_byte < y[j + 1].begin_byte)) {
      ++i;
    } else if (x_last || y[j + 1].begin_byte < x[i + 1].begin_byte) {
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
}

}  // namespace

ConsistencyOracle::BlockState ConsistencyOracle::state_of(std::uint64_t key) const {
  BlockState state;
  state.acked = acked_.get(key);
  state.submitted = state.acked;
  if (const Unsettled* u = unsettled_.find(key)) {
    state.submitted = std::max(state.submitted, u->submitted);
    state.returned = u->returned;
  }
  return state;
}

void ConsistencyOracle::settle(std::uint64_t key) {
  const Unsettled* u = unsettled_.find(key);
  if (u == nullptr) return;
  const engine::Version floor = acked_.get(key);
  if (u->submitted <= floor && u->returned <= floor) unsettled_.erase(key);
}

std::size_t ConsistencyOracle::blocks_tracked() const {
  std::size_t only_unsettled = 0;
  unsettled_.for_each([&](std::uint64_t key, const Unsettled&) {
    if (!acked_.contains(key)) ++only_unsettled;
  });
  return acked_.size() + only_unsettled;
}

void ConsistencyOracle::write_submitted(engine::RequestId request, engine::DiskId disk,
                                        engine::BlockNo first_block, std::uint32_t blocks,
                                        engine::Version version, std::uint32_t first_begin_byte,
                                        std::uint32_t last_end_byte) {
  for (std::uint32_t i = 0; i < blocks; ++i) {
    const std::uint64_t key = disk_block_key(disk, first_block + i);
    if (version <= state_of(key).submitted)
      throw std::logic_error("oracle: write versions must grow with submission order");
    unsettled_[key].submitted = version;
  }
  Pending write{disk, first_block, blocks, version, first_begin_byte, last_end_byte, {}, {}, {}};
  pending_[request] = std::move(write);
}

const std::vector<VersionPart>* ConsistencyOracle::cover(std::uint64_t key) const {
  const std::uint32_t* index = cover_index_.find(key);
  return index == nullptr ? nullptr : &covers_[*index - 1];
}

void ConsistencyOracle::write_completed(engine::RequestId request, bool ok) {
  auto it = pending_.find(request);
  if (it == pending_.end()) throw std::logic_error("oracle: completion of an unknown write");
  const Pending& write = it->second;
  if (ok) {
    for (std::uint32_t i = 0; i < write.blocks; ++i) {
      const std::uint64_t key = disk_block_key(write.disk, write.first_block + i);
      const engine::Version acked = acked_.get(key);
      const std::uint32_t begin = i == 0 ? write.first_begin_byte : 0;
      const std::uint32_t end = i + 1 == write.blocks ? write.last_end_byte : 0;
      const std::uint32_t* index = cover_index_.find(key);
      if (index == nullptr && (begin != 0 || end != 0)) {  // first partial write: start a cover
        covers_.push_back({VersionPart{0, acked}});
        cover_index_[key] = static_cast<std::uint32_t>(covers_.size());
        index = cover_index_.find(key);
      }
      if (index != nullptr)
        overwrite_parts(covers_[*index - 1], begin, end, write.version, /*newest=*/true);
      if (write.version > acked) acked_.set(key, write.version);  // versions start at 1
      settle(key);
    }
  }
  pending_.erase(it);
}

void ConsistencyOracle::accept_loss(engine::DiskId disk, engine::BlockNo block,
                                    const ArrayVersions& array) {
  const std::uint64_t key = disk_block_key(disk, block);
  const engine::Version label = array.at(disk, block);
  if (ArrayVersions::is_mixed(label)) {  // the array's parts become the acknowledged cover
    const std::vector<VersionPart> parts = array.parts(label);
    engine::Version newest = 0;
    for (const VersionPart& part : parts)
      newest = std::max(newest, part.version);
    const std::uint32_t* index = cover_index_.find(key);
    if (index == nullptr) {
      covers_.push_back(parts);
      cover_index_[key] = static_cast<std::uint32_t>(covers_.size());
    } else {
      covers_[*index - 1] = parts;
    }
    acked_.set(key, newest);
  } else {
    cover_index_.erase(key);  // its part list stays unused in covers_
    acked_.set(key, label);
  }
  if (Unsettled* u = unsettled_.find(key)) u->returned = 0;
  settle(key);
}

void ConsistencyOracle::forget_returned(std::span<const engine::DiskId> disks) {
  std::vector<std::uint64_t> keys;
  unsettled_.for_each([&](std::uint64_t key, const Unsettled& u) {
    const auto disk = static_cast<engine::DiskId>(key >> 44);
    if (u.returned != 0 && std::find(disks.begin(), disks.end(), disk) != disks.end())
      keys.push_back(key);
  });
  for (const std::uint64_t key : keys) {
    unsettled_.find(key)->returned = 0;
    settle(key);
  }
}

void ConsistencyOracle::take_floors(Pending& read, engine::DiskId disk, engine::BlockNo first_block,
                                    std::uint32_t blocks) const {
  read.disk = disk;
  read.first_block = first_block;
  read.blocks = blocks;
  read.floor.resize(blocks);
  read.acked.resize(blocks);
  read.covers.clear();
  for (std::uint32_t i = 0; i < blocks; ++i) {
    const std::uint64_t key = disk_block_key(disk, first_block + i);
    const BlockState state = state_of(key);
    read.floor[i] = std::max(state.acked, state.returned);
    read.acked[i] = state.acked;
    if (const std::vector<VersionPart>* parts = cover(key)) read.covers.emplace_back(i, *parts);
  }
}

void ConsistencyOracle::read_submitted(engine::RequestId request, engine::DiskId disk,
                                       engine::BlockNo first_block, std::uint32_t blocks) {
  Pending read;
  take_floors(read, disk, first_block, blocks);
  pending_[request] = std::move(read);
}

std::optional<ConsistencyOracle::Violation> ConsistencyOracle::read_at_once(
    engine::RequestId request, engine::DiskId disk, engine::BlockNo first_block,
    std::uint32_t blocks, std::span<const engine::Version> versions, const ArrayVersions* array) {
  take_floors(at_once_, disk, first_block, blocks);
  return judge_read(request, at_once_, versions, array);
}

std::optional<ConsistencyOracle::Violation> ConsistencyOracle::check_mixed(
    const Pending& read, std::uint32_t i, engine::Version label, const BlockState& state,
    const ArrayVersions* array) const {
  const engine::BlockNo block = read.first_block + i;
  if (array == nullptr) {
    return Violation{0, read.disk, block, label,
                     "read returned a mixed label with no array to resolve it"};
  }
  std::vector<VersionPart> floor{VersionPart{0, read.acked[i]}};
  for (const auto& [index, parts] : read.covers) {
    if (index == i) floor = parts;
  }
  std::optional<Violation> found;
  for_each_overlap(array->parts(label), floor, [&](const VersionPart& got, const VersionPart& min) {
    if (found) return;
    const std::uint32_t at = std::max(got.begin_byte, min.begin_byte);
    if (got.version < min.version) {
      found = Violation{0, read.disk, block, label,
                        "stale read: byte " + std::to_string(at) + " of the block holds version " +
                            std::to_string(got.version) + ", older than " +
                            std::to_string(min.version) +
                            ", acknowledged on those bytes before the read was submitted"};
    } else if (got.version > state.submitted) {
      found = Violation{0, read.disk, block, label,
                        "read returned version " + std::to_string(got.version) + " at byte " +
                            std::to_string(at) + " that was never written to this block"};
    }
  });
  return found;
}

std::optional<ConsistencyOracle::Violation> ConsistencyOracle::read_completed(
    engine::RequestId request, std::span<const engine::Version> versions,
    const ArrayVersions* array) {
  auto it = pending_.find(request);
  if (it == pending_.end()) throw std::logic_error("oracle: completion of an unknown read");
  const Pending read = std::move(it->second);
  pending_.erase(it);
  return judge_read(request, read, versions, array);
}

std::optional<ConsistencyOracle::Violation> ConsistencyOracle::judge_read(
    engine::RequestId request, const Pending& read, std::span<const engine::Version> versions,
    const ArrayVersions* array) {
  ++reads_checked_;
  if (versions.size() != read.blocks) {
    return Violation{request, read.disk, read.first_block, 0,
                     "read returned " + std::to_string(versions.size()) + " versions for " +
                         std::to_string(read.blocks) + " blocks"};
  }
  for (std::uint32_t i = 0; i < read.blocks; ++i) {
    const engine::Version v = versions[i];
    const std::uint64_t key = disk_block_key(read.disk, read.first_block + i);
    const BlockState state = state_of(key);
    const engine::BlockNo block = read.first_block + i;
    if (ArrayVersions::is_mixed(v)) {
      if (auto violation = check_mixed(read, i, v, state, array)) {
        violation->request = request;
        return violation;
      }
      continue;  // judged part by part; raises no floor
    }
    if (v < read.floor[i]) {
      return Violation{request, read.disk, block, v,
                       "stale read: version " + std::to_string(v) + " older than " +
                           std::to_string(read.floor[i]) +
                           ", acknowledged or returned before the read was submitted"};
    }
    if (v > state.submitted) {
      return Violation{request, read.disk, block, v,
                       "read returned version " + std::to_string(v) +
                           " that was never written to this block (newest " +
                           std::to_string(state.submitted) + ")"};
    }
    // A version newer than the acknowledged one is a write in flight (or failed): the block is
    // unsettled, and later reads must not go back before it.
    if (v > state.acked) {
      Unsettled* u = unsettled_.find(key);
      u->returned = std::max(u->returned, v);
    }
  }
  return std::nullopt;
}

void ConsistencyOracle::read_failed(engine::RequestId request) {
  if (pending_.erase(request) == 0) throw std::logic_error("oracle: failure of an unknown read");
}

engine::Version ConsistencyOracle::last_acknowledged(engine::DiskId disk,
                                                     engine::BlockNo block) const {
  return acked_.get(disk_block_key(disk, block));
}

std::vector<VersionPart> ConsistencyOracle::acknowledged_parts(engine::DiskId disk,
                                                               engine::BlockNo block) const {
  const std::uint64_t key = disk_block_key(disk, block);
  if (const std::vector<VersionPart>* parts = cover(key)) return *parts;
  return {VersionPart{0, last_acknowledged(disk, block)}};
}

bool ConsistencyOracle::holds_acknowledged(engine::DiskId disk, engine::BlockNo block,
                                           engine::Version label,
                                           const ArrayVersions& array) const {
  // A newer version than the last acknowledged one is a write that never got its acknowledgement
  // (it failed, or its VM's host failed with it in flight) and landed anyway: the acknowledged
  // data was superseded, not lost.
  if (!ArrayVersions::is_mixed(label)) return label >= last_acknowledged(disk, block);
  bool holds = true;
  for_each_overlap(array.parts(label), acknowledged_parts(disk, block),
                   [&](const VersionPart& got, const VersionPart& acked) {
                     if (got.version < acked.version) holds = false;
                   });
  return holds;
}

}  // namespace flashtwin::sim
