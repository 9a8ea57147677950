#include "dirty_set.hpp"

#include <algorithm>
#include <stdexcept>

namespace flashtwin::engine {

namespace {

// What glibc's malloc takes for a request of `bytes`: an 8-byte header, rounded to 16 bytes.
constexpr std::size_t allocated_bytes(std::size_t bytes) {
  return (bytes + 8 + 15) / 16 * 16;
}

}  // namespace

DirtySet::DirtySet() {
  finger_ = spine_.emplace(0, std::make_unique<Leaf>()).first;
}

DirtySet::Spine::const_iterator DirtySet::leaf_of(std::uint64_t key) const {
  if (finger_->first <= key && key <= finger_->second->hi) return finger_;
  auto it = spine_.upper_bound(key);
  --it;  // the first leaf's lo is 0: every key has a leaf
  finger_ = it;
  return it;
}

std::uint32_t DirtySet::position(const Leaf& leaf, std::uint64_t key) {
  return static_cast<std::uint32_t>(std::lower_bound(leaf.keys, leaf.keys + leaf.size, key) -
                                    leaf.keys);
}

DirtySet::Entry* DirtySet::find(std::uint64_t key) {
  if (size_ == 0) return nullptr;  // write-through and read-only caches ask often
  Leaf& leaf = *leaf_of(key)->second;
  const std::uint32_t i = position(leaf, key);
  return i < leaf.size && leaf.keys[i] == key ? &leaf.entries[i] : nullptr;
}

const DirtySet::Entry* DirtySet::find(std::uint64_t key) const {
  if (size_ == 0) return nullptr;
  const Leaf& leaf = *leaf_of(key)->second;
  const std::uint32_t i = position(leaf, key);
  return i < leaf.size && leaf.keys[i] == key ? &leaf.entries[i] : nullptr;
}

bool DirtySet::mark_written(std::uint64_t key, std::uint64_t seq) {
  if (seq > kMaxSeq) throw std::overflow_error("dirty set: write sequence number beyond 2^55 - 1");
  const Spine::iterator it = leaf_of(key);
  Leaf& leaf = *it->second;
  const std::uint32_t i = position(leaf, key);
  if (i < leaf.size && leaf.keys[i] == key) {
    Entry& entry = leaf.entries[i];
    entry.written_seq_ = seq;
    entry.flags_and_since_ &= ~(~std::uint64_t{0} << Entry::kTriesShift);  // no failed tries
    return false;
  }
  Entry entry;
  entry.written_seq_ = seq;
  entry.flags_and_since_ = seq;
  insert_at(it, i, key, entry);
  ++size_;
  return true;
}

void DirtySet::insert_at(Spine::iterator it, std::uint32_t i, std::uint64_t key,
                         const Entry& entry) {
  if (it->second->size == kLeafEntries) {
    it = make_room(it, key);
    i = position(*it->second, key);
    finger_ = it;
  }
  Leaf& leaf = *it->second;
  std::copy_backward(leaf.keys + i, leaf.keys + leaf.size, leaf.keys + leaf.size + 1);
  std::copy_backward(leaf.entries + i, leaf.entries + leaf.size, leaf.entries + leaf.size + 1);
  leaf.keys[i] = key;
  leaf.entries[i] = entry;
  ++leaf.size;
}

// A full leaf must take `key`. Past its last key (an ascending stream), the key starts a leaf of
// its own, so streams leave full leaves behind. Otherwise a neighbour with a quarter of a leaf free
// takes entries from this one's near end (right neighbour first), which keeps leaves fuller than
// splits alone would; failing that, the leaf splits in half.
DirtySet::Spine::iterator DirtySet::make_room(Spine::iterator it, std::uint64_t key) {
  Leaf& leaf = *it->second;
  if (key > leaf.keys[kLeafEntries - 1]) return split_off(it, kLeafEntries, key);
  constexpr std::uint32_t kRoomy = kLeafEntries - kLeafEntries / 4;
  if (const auto right = std::next(it); right != spine_.end() && right->second->size <= kRoomy) {
    Leaf& to = *right->second;
    const std::uint32_t moved = (kLeafEntries - to.size) / 2;
    const std::uint32_t from = kLeafEntries - moved;
    std::copy_backward(to.keys, to.keys + to.size, to.keys + to.size + moved);
    std::copy_backward(to.entries, to.entries + to.size, to.entries + to.size + moved);
    std::copy(leaf.keys + from, leaf.keys + kLeafEntries, to.keys);
    std::copy(leaf.entries + from, leaf.entries + kLeafEntries, to.entries);
    to.size += moved;
    leaf.size = from;
    const Spine::iterator moved_right = rekey(right, to.keys[0]);
    leaf.hi = moved_right->first - 1;
    return key < moved_right->first ? it : moved_right;
  }
  if (it != spine_.begin()) {
    if (const auto left = std::prev(it); left->second->size <= kRoomy) {
      Leaf& to = *left->second;
      const std::uint32_t moved = (kLeafEntries - to.size) / 2;
      std::copy(leaf.keys, leaf.keys + moved, to.keys + to.size);
      std::copy(leaf.entries, leaf.entries + moved, to.entries + to.size);
      std::copy(leaf.keys + moved, leaf.keys + kLeafEntries, leaf.keys);
      std::copy(leaf.entries + moved, leaf.entries + kLeafEntries, leaf.entries);
      to.size += moved;
      leaf.size = kLeafEntries - moved;
      const Spine::iterator moved_it = rekey(it, leaf.keys[0]);
      to.hi = moved_it->first - 1;
      return key < moved_it->first ? left : moved_it;
    }
  }
  const Spine::iterator right = split_off(it, kLeafEntries / 2, leaf.keys[kLeafEntries / 2]);
  return key < right->first ? it : right;
}

// Moves entries [from, size) of a leaf into a new leaf that starts at `lo` (at most the first
// moved key, above the last kept one) and returns it.
DirtySet::Spine::iterator DirtySet::split_off(Spine::iterator it, std::uint32_t from,
                                              std::uint64_t lo) {
  Leaf& leaf = *it->second;
  auto right = std::make_unique<Leaf>();
  right->hi = leaf.hi;
  right->size = leaf.size - from;
  std::copy(leaf.keys + from, leaf.keys + leaf.size, right->keys);
  std::copy(leaf.entries + from, leaf.entries + leaf.size, right->entries);
  leaf.size = from;
  leaf.hi = lo - 1;
  return spine_.emplace_hint(std::next(it), lo, std::move(right));
}

// Changes where a leaf (not the first) starts; the map node is moved, not reallocated.
DirtySet::Spine::iterator DirtySet::rekey(Spine::iterator it, std::uint64_t lo) {
  const Spine::iterator after = std::next(it);
  auto node = spine_.extract(it);
  node.key() = lo;
  return spine_.insert(after, std::move(node));
}

void DirtySet::erase(std::uint64_t key) {
  const Spine::iterator it = leaf_of(key);
  Leaf& leaf = *it->second;
  const std::uint32_t i = position(leaf, key);
  if (i == leaf.size || leaf.keys[i] != key) return;
  std::copy(leaf.keys + i + 1, leaf.keys + leaf.size, leaf.keys + i);
  std::copy(leaf.entries + i + 1, leaf.entries + leaf.size, leaf.entries + i);
  --leaf.size;
  --size_;
  if (leaf.size < kLeafEntries / 4) merge_if_sparse(it);
}

// A leaf below a quarter joins its right neighbour, or else its left one, if the two fit in one.
void DirtySet::merge_if_sparse(Spine::iterator it) {
  const Spine::iterator right = std::next(it);
  if (right != spine_.end() && it->second->size + right->second->size <= kLeafEntries) {
    absorb(it, right);
    return;
  }
  if (it != spine_.begin()) {
    const Spine::iterator left = std::prev(it);
    if (left->second->size + it->second->size <= kLeafEntries) absorb(left, it);
  }
}

void DirtySet::absorb(Spine::iterator left, Spine::iterator right) {
  Leaf& into = *left->second;
  const Leaf& from = *right->second;
  std::copy(from.keys, from.keys + from.size, into.keys + into.size);
  std::copy(from.entries, from.entries + from.size, into.entries + into.size);
  into.size += from.size;
  into.hi = from.hi;
  spine_.erase(right);
  finger_ = left;
}

DirtySet::Cursor DirtySet::lower_bound(std::uint64_t key) const {
  const Spine::const_iterator it = leaf_of(key);
  return Cursor{it, position(*it->second, key)};
}

bool DirtySet::settle(Cursor& cursor) const {
  while (cursor.leaf != spine_.end() && cursor.index >= cursor.leaf->second->size) {
    ++cursor.leaf;
    cursor.index = 0;
  }
  return cursor.leaf != spine_.end();
}

bool DirtySet::extend_run(Cursor at, std::uint64_t hi, std::uint32_t max_blocks,
                          std::vector<std::uint64_t>& run) const {
  run.clear();
  run.push_back(at.leaf->second->keys[at.index]);
  for (++at.index; run.size() < max_blocks && settle(at); ++at.index) {
    const Leaf& leaf = *at.leaf->second;
    const std::uint64_t key = leaf.keys[at.index];
    if (key >= hi || key != run.back() + 1 || leaf.entries[at.index].destaging()) break;
    run.push_back(key);
  }
  return true;
}

bool DirtySet::next_run(std::uint64_t from, std::uint64_t lo, std::uint64_t hi,
                        std::uint32_t max_blocks, std::vector<std::uint64_t>& run) const {
  if (from < lo || from >= hi) from = lo;
  for (Cursor at = lower_bound(from); settle(at); ++at.index) {
    const Leaf& leaf = *at.leaf->second;
    if (leaf.keys[at.index] >= hi) break;
    if (!leaf.entries[at.index].destaging()) return extend_run(at, hi, max_blocks, run);
  }
  for (Cursor at = lower_bound(lo); settle(at); ++at.index) {
    const Leaf& leaf = *at.leaf->second;
    if (leaf.keys[at.index] >= from) break;
    if (!leaf.entries[at.index].destaging()) return extend_run(at, from, max_blocks, run);
  }
  return false;
}

void DirtySet::collect(std::uint64_t lo, std::uint64_t hi,
                       std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) const {
  for (Cursor at = lower_bound(lo); settle(at); ++at.index) {
    const Leaf& leaf = *at.leaf->second;
    if (leaf.keys[at.index] >= hi) break;
    out.emplace_back(leaf.keys[at.index], leaf.entries[at.index].written_seq());
  }
}

bool DirtySet::safe_on_array(std::uint64_t key, std::uint64_t seq) const {
  const Entry* entry = find(key);
  return entry == nullptr || entry->dirty_since() > seq;
}

std::size_t DirtySet::memory_bytes() const {
  // A red-black tree node: three pointers and a colour word beside the value.
  constexpr std::size_t kSpineNode = allocated_bytes(4 * sizeof(void*) + sizeof(Spine::value_type));
  return spine_.size() * (kSpineNode + allocated_bytes(sizeof(Leaf))) + sizeof(*this);
}

std::string DirtySet::check() const {
  if (spine_.empty() || spine_.begin()->first != 0) return "dirty set: no leaf starts at key 0";
  std::size_t total = 0;
  for (auto it = spine_.begin(); it != spine_.end(); ++it) {
    const Leaf& leaf = *it->second;
    const auto next = std::next(it);
    const std::uint64_t hi = next == spine_.end() ? ~std::uint64_t{0} : next->first - 1;
    const std::string where = "dirty set: leaf at " + std::to_string(it->first);
    if (leaf.hi != hi) return where + " does not end where the next begins";
    if (leaf.size > kLeafEntries) return where + " overflows";
    if (leaf.size == 0 && spine_.size() > 1) return where + " is empty";
    for (std::uint32_t i = 0; i < leaf.size; ++i) {
      if (leaf.keys[i] < it->first || leaf.keys[i] > leaf.hi) return where + " holds a foreign key";
      if (i > 0 && leaf.keys[i] <= leaf.keys[i - 1]) return where + " is out of order";
    }
    total += leaf.size;
  }
  if (total != size_) return "dirty set: leaves hold " + std::to_string(total) + " keys";
  if (spine_.find(finger_->first) != Spine::const_iterator(finger_))
    return "dirty set: finger on no leaf";
  return {};
}

}  // namespace flashtwin::engine
