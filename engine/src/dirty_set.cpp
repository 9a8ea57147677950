#include "dirty_set.hpp"

namespace flashtwin::engine {

DirtySet::Entry* DirtySet::find(std::uint64_t key) {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

const DirtySet::Entry* DirtySet::find(std::uint64_t key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

bool DirtySet::mark_written(std::uint64_t key, std::uint64_t seq) {
  auto [it, inserted] = entries_.try_emplace(key);
  it->second.written_seq = seq;
  it->second.failed_tries = 0;
  if (inserted) it->second.dirty_since = seq;
  return inserted;
}

bool DirtySet::extend_run(Map::const_iterator it, std::uint64_t hi, std::uint32_t max_blocks,
                          std::vector<std::uint64_t>& run) const {
  run.clear();
  run.push_back(it->first);
  for (++it; it != entries_.end() && run.size() < max_blocks; ++it) {
    if (it->first >= hi || it->first != run.back() + 1 || it->second.destaging) break;
    run.push_back(it->first);
  }
  return true;
}

bool DirtySet::next_run(std::uint64_t from, std::uint64_t lo, std::uint64_t hi,
                        std::uint32_t max_blocks, std::vector<std::uint64_t>& run) const {
  if (from < lo || from >= hi) from = lo;
  for (auto it = entries_.lower_bound(from); it != entries_.end() && it->first < hi; ++it) {
    if (!it->second.destaging) return extend_run(it, hi, max_blocks, run);
  }
  for (auto it = entries_.lower_bound(lo); it != entries_.end() && it->first < from; ++it) {
    if (!it->second.destaging) return extend_run(it, from, max_blocks, run);
  }
  return false;
}

void DirtySet::collect(std::uint64_t lo, std::uint64_t hi,
                       std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) const {
  for (auto it = entries_.lower_bound(lo); it != entries_.end() && it->first < hi; ++it) {
    out.emplace_back(it->first, it->second.written_seq);
  }
}

bool DirtySet::safe_on_array(std::uint64_t key, std::uint64_t seq) const {
  const Entry* entry = find(key);
  return entry == nullptr || entry->dirty_since > seq;
}

std::size_t DirtySet::memory_bytes() const {
  // A red-black tree node: three pointers and a colour word beside the value.
  constexpr std::size_t kNodeBytes = 4 * sizeof(void*) + sizeof(Map::value_type);
  return entries_.size() * kNodeBytes;
}

}  // namespace flashtwin::engine
