#include "flashtwin/sim/request_ledger.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace flashtwin::sim {

RequestLedger::RequestLedger(std::uint32_t block_bytes, bool checking)
    : block_bytes_(block_bytes), checking_(checking), array_(block_bytes) {}

engine::IoRequest RequestLedger::submit(engine::DiskId disk, engine::IoKind kind,
                                        std::uint64_t offset_bytes, std::uint64_t length_bytes) {
  engine::IoRequest request{next_request_++, disk, kind, offset_bytes, length_bytes, 0};
  if (kind == engine::IoKind::write || kind == engine::IoKind::discard)
    request.version = next_version_++;
  kinds_.emplace(request.id, kind);
  if (!checking_) return request;
  const std::uint64_t block = block_bytes_;
  const engine::BlockNo first = offset_bytes / block;
  const engine::BlockNo end = (offset_bytes + length_bytes + block - 1) / block;  // touched
  switch (kind) {
    case engine::IoKind::read:
      oracle_.read_submitted(request.id, disk, first, static_cast<std::uint32_t>(end - first));
      break;
    case engine::IoKind::write:  // partial first and last blocks: the bytes covered
      oracle_.write_submitted(request.id, disk, first, static_cast<std::uint32_t>(end - first),
                              request.version, static_cast<std::uint32_t>(offset_bytes % block),
                              static_cast<std::uint32_t>((offset_bytes + length_bytes) % block));
      break;
    case engine::IoKind::discard: {  // whole blocks only
      const engine::BlockNo whole_first = (offset_bytes + block - 1) / block;
      const engine::BlockNo whole_end = (offset_bytes + length_bytes) / block;
      oracle_.write_submitted(
          request.id, disk, whole_first,
          whole_end > whole_first ? static_cast<std::uint32_t>(whole_end - whole_first) : 0,
          request.version);
      break;
    }
    case engine::IoKind::flush:
      break;
  }
  return request;
}

RequestLedger::Completion RequestLedger::completed(const engine::CompleteRequest& done) {
  auto it = kinds_.find(done.request);
  if (it == kinds_.end()) {
    throw std::logic_error("request ledger: completion of request " + std::to_string(done.request) +
                           ", which was never submitted or already completed");
  }
  Completion result{it->second, done.status == engine::Status::ok, std::nullopt};
  kinds_.erase(it);
  switch (result.kind) {
    case engine::IoKind::read:
      if (!result.ok) {
        ++reads_failed_;
        if (checking_) oracle_.read_failed(done.request);
      } else if (checking_) {
        if (auto v = oracle_.read_completed(done.request, done.versions, &array_)) {
          ++violations_;
          result.violation = "disk " + std::to_string(v->disk) + " block " +
                             std::to_string(v->block) + ": " + v->reason;
        }
      }
      break;
    case engine::IoKind::write:
    case engine::IoKind::discard:
      if (!result.ok) ++writes_failed_;
      if (checking_) oracle_.write_completed(done.request, result.ok);
      break;
    case engine::IoKind::flush:
      break;
  }
  return result;
}

RequestLedger::Completion RequestLedger::completed_at_once(
    const engine::IoRequest& read, std::span<const engine::Version> versions) {
  Completion result{engine::IoKind::read, true, std::nullopt};
  if (!checking_) return result;
  const std::uint64_t block = block_bytes_;
  const engine::BlockNo first = read.offset_bytes / block;
  const engine::BlockNo end = (read.offset_bytes + read.length_bytes + block - 1) / block;
  if (auto v = oracle_.read_at_once(read.id, read.disk, first,
                                    static_cast<std::uint32_t>(end - first), versions, &array_)) {
    ++violations_;
    result.violation =
        "disk " + std::to_string(v->disk) + " block " + std::to_string(v->block) + ": " + v->reason;
  }
  return result;
}

void RequestLedger::array_read(const engine::ArrayRead& read,
                               std::vector<engine::Version>& out) const {
  if (!checking_) {
    out.assign(read.block_count, 0);
    return;
  }
  array_.read(read.disk, read.first_block, read.block_count, out);
}

void RequestLedger::array_write(const engine::ArrayWrite& write) {
  if (!checking_) return;
  if (write.discard) {  // whole blocks
    array_.write(write.disk, write.first_block, write.versions);
  } else {
    array_.write_range(write.disk, write.first_block, write.offset_bytes, write.length_bytes,
                       write.versions);
  }
}

std::string RequestLedger::describe(engine::Version label) const {
  if (!ArrayVersions::is_mixed(label)) return std::to_string(label);
  std::string text = "parts";
  for (const VersionPart& part : array_.parts(label))
    text += " " + std::to_string(part.version) + "@" + std::to_string(part.begin_byte);
  return text;
}

void RequestLedger::abandon(engine::RequestId request) {
  auto it = kinds_.find(request);
  if (it == kinds_.end()) {
    throw std::logic_error("request ledger: request " + std::to_string(request) +
                           " abandoned, but it was never submitted or already completed");
  }
  const engine::IoKind kind = it->second;
  kinds_.erase(it);
  ++requests_abandoned_;
  if (!checking_) return;
  if (kind == engine::IoKind::read) oracle_.read_failed(request);
  if (kind == engine::IoKind::write || kind == engine::IoKind::discard)
    oracle_.write_completed(request, false);
}

RequestLedger::Losses RequestLedger::take_losses(std::span<const engine::DiskId> disks) {
  Losses losses;
  if (!checking_) return losses;
  std::vector<std::pair<engine::DiskId, engine::BlockNo>> lost;
  std::set<engine::Version> writes;
  oracle_.for_each_acknowledged(
      [&](engine::DiskId disk, engine::BlockNo block, engine::Version acked) {
        if (std::find(disks.begin(), disks.end(), disk) == disks.end()) return;
        if (oracle_.holds_acknowledged(disk, block, array_.at(disk, block), array_)) return;
        lost.emplace_back(disk, block);
        writes.insert(acked);
      });
  for (const auto& [disk, block] : lost)
    oracle_.accept_loss(disk, block, array_);
  losses.blocks = lost.size();
  losses.writes = writes.size();
  losses.bytes = losses.blocks * block_bytes_;
  return losses;
}

RequestLedger::ArrayCheck RequestLedger::check_array(std::size_t max_messages) const {
  ArrayCheck check;
  if (!checking_) return check;
  oracle_.for_each_acknowledged([&](engine::DiskId disk, engine::BlockNo block,
                                    engine::Version acked) {
    const engine::Version held = array_.at(disk, block);
    if (oracle_.holds_acknowledged(disk, block, held, array_)) return;
    ++check.blocks_lost;
    if (check.messages.size() < max_messages) {
      check.messages.push_back("disk " + std::to_string(disk) + " block " + std::to_string(block) +
                               ": acknowledged version " + std::to_string(acked) +
                               " is not on the array after the final destage (it holds " +
                               describe(held) + ")");
    }
  });
  return check;
}

}  // namespace flashtwin::sim
