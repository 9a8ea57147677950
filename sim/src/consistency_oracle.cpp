#include "flashtwin/sim/consistency_oracle.hpp"

#include <algorithm>
#include <stdexcept>

namespace flashtwin::sim {

void ConsistencyOracle::write_submitted(engine::RequestId request, engine::DiskId disk,
                                        engine::BlockNo first_block, std::uint32_t blocks,
                                        engine::Version version) {
  for (std::uint32_t i = 0; i < blocks; ++i) {
    BlockState& state = blocks_[disk_block_key(disk, first_block + i)];
    if (version <= state.submitted)
      throw std::logic_error("oracle: write versions must grow with submission order");
    state.submitted = version;
  }
  pending_[request] = Pending{disk, first_block, blocks, version, {}};
}

void ConsistencyOracle::write_completed(engine::RequestId request, bool ok) {
  auto it = pending_.find(request);
  if (it == pending_.end()) throw std::logic_error("oracle: completion of an unknown write");
  const Pending& write = it->second;
  if (ok) {
    for (std::uint32_t i = 0; i < write.blocks; ++i) {
      BlockState& state = blocks_[disk_block_key(write.disk, write.first_block + i)];
      if (write.version > state.acked) state.acked = write.version;
    }
  }
  pending_.erase(it);
}

void ConsistencyOracle::read_submitted(engine::RequestId request, engine::DiskId disk,
                                       engine::BlockNo first_block, std::uint32_t blocks) {
  Pending read{disk, first_block, blocks, 0, {}};
  read.floor.resize(blocks);
  for (std::uint32_t i = 0; i < blocks; ++i) {
    const BlockState* state = blocks_.find(disk_block_key(disk, first_block + i));
    read.floor[i] = state == nullptr ? 0 : std::max(state->acked, state->returned);
  }
  pending_[request] = std::move(read);
}

std::optional<ConsistencyOracle::Violation> ConsistencyOracle::read_completed(
    engine::RequestId request, std::span<const engine::Version> versions) {
  auto it = pending_.find(request);
  if (it == pending_.end()) throw std::logic_error("oracle: completion of an unknown read");
  Pending read = std::move(it->second);
  pending_.erase(it);
  ++reads_checked_;
  if (versions.size() != read.blocks) {
    return Violation{request, read.disk, read.first_block, 0,
                     "read returned " + std::to_string(versions.size()) + " versions for " +
                         std::to_string(read.blocks) + " blocks"};
  }
  static const BlockState kNeverWritten{};
  for (std::uint32_t i = 0; i < read.blocks; ++i) {
    const engine::Version v = versions[i];
    BlockState* known = blocks_.find(disk_block_key(read.disk, read.first_block + i));
    const BlockState& state = known == nullptr ? kNeverWritten : *known;
    const engine::BlockNo block = read.first_block + i;
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
    if (known != nullptr) known->returned = std::max(known->returned, v);  // else v == 0
  }
  return std::nullopt;
}

void ConsistencyOracle::read_failed(engine::RequestId request) {
  if (pending_.erase(request) == 0) throw std::logic_error("oracle: failure of an unknown read");
}

engine::Version ConsistencyOracle::last_acknowledged(engine::DiskId disk,
                                                     engine::BlockNo block) const {
  const BlockState* state = blocks_.find(disk_block_key(disk, block));
  return state == nullptr ? 0 : state->acked;
}

}  // namespace flashtwin::sim
