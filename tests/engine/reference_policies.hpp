// Reference replacement algorithms for the tests: deliberately simple transcriptions of the papers
// over std::list + std::unordered_map, driven by a stream of keys. access(key) returns true on a
// hit. They own their "cache" (no slots, no pins, no removals) and favour readability over speed:
// each should be checkable line by line against its paper. Test-only; never linked into products.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <list>
#include <stdexcept>
#include <unordered_map>

namespace flashtwin::engine::reference {

// An ordered set of keys, most recent at the front.
class KeyList {
 public:
  bool contains(std::uint64_t key) const { return where_.count(key) != 0; }
  std::size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  void push_front(std::uint64_t key) {
    keys_.push_front(key);
    where_[key] = keys_.begin();
  }
  void erase(std::uint64_t key) {
    auto it = where_.find(key);
    if (it == where_.end()) return;
    keys_.erase(it->second);
    where_.erase(it);
  }
  std::uint64_t pop_back() {
    if (keys_.empty()) throw std::logic_error("pop_back on an empty reference list");
    const std::uint64_t key = keys_.back();
    erase(key);
    return key;
  }

 private:
  std::list<std::uint64_t> keys_;
  std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> where_;
};

class ReferenceLru {
 public:
  explicit ReferenceLru(std::size_t capacity) : c_(capacity) {}

  bool access(std::uint64_t x) {
    if (cache_.contains(x)) {
      cache_.erase(x);
      cache_.push_front(x);
      return true;
    }
    if (cache_.size() == c_) cache_.pop_back();
    cache_.push_front(x);
    return false;
  }

 private:
  std::size_t c_;
  KeyList cache_;
};

// Megiddo & Modha, FAST 2003, Figure 4 "ARC(c)". p is real-valued.
class ReferenceArc {
 public:
  explicit ReferenceArc(std::size_t capacity) : c_(capacity) {}

  bool access(std::uint64_t x) {
    // Case I: x is in T1 or T2. Move x to the MRU position in T2.
    if (t1_.contains(x) || t2_.contains(x)) {
      t1_.erase(x);
      t2_.erase(x);
      t2_.push_front(x);
      return true;
    }
    // Case II: x is in B1. Adapt p = min(p + delta1, c); REPLACE(x, p); move x from B1 to T2.
    if (b1_.contains(x)) {
      const double delta1 = b1_.size() >= b2_.size()
                                ? 1.0
                                : static_cast<double>(b2_.size()) / static_cast<double>(b1_.size());
      p_ = std::min(p_ + delta1, static_cast<double>(c_));
      replace(x);
      b1_.erase(x);
      t2_.push_front(x);
      return false;
    }
    // Case III: x is in B2. Adapt p = max(p - delta2, 0); REPLACE(x, p); move x from B2 to T2.
    if (b2_.contains(x)) {
      const double delta2 = b2_.size() >= b1_.size()
                                ? 1.0
                                : static_cast<double>(b1_.size()) / static_cast<double>(b2_.size());
      p_ = std::max(p_ - delta2, 0.0);
      replace(x);
      b2_.erase(x);
      t2_.push_front(x);
      return false;
    }
    // Case IV: x is in none of the lists.
    if (t1_.size() + b1_.size() == c_) {  // Case A: L1 has exactly c pages.
      if (t1_.size() < c_) {
        b1_.pop_back();
        replace(x);
      } else {  // B1 is empty: delete the LRU page of T1 (no ghost).
        t1_.pop_back();
      }
    } else {  // Case B: L1 has fewer than c pages.
      const std::size_t total = t1_.size() + t2_.size() + b1_.size() + b2_.size();
      if (total >= c_) {
        if (total == 2 * c_) b2_.pop_back();
        replace(x);
      }
    }
    t1_.push_front(x);
    return false;
  }

 private:
  // REPLACE(x, p).
  void replace(std::uint64_t x) {
    const double t1 = static_cast<double>(t1_.size());
    if (!t1_.empty() && (t1 > p_ || (b2_.contains(x) && t1 == p_))) {
      b1_.push_front(t1_.pop_back());
    } else {
      b2_.push_front(t2_.pop_back());
    }
  }

  std::size_t c_;
  double p_ = 0.0;
  KeyList t1_, t2_, b1_, b2_;
};

// Johnson & Shasha, VLDB 1994, full 2Q: Kin = c/4, Kout = c/2.
class ReferenceTwoQueue {
 public:
  explicit ReferenceTwoQueue(std::size_t capacity)
      : c_(capacity), kin_(capacity / 4), kout_(capacity / 2) {}

  bool access(std::uint64_t x) {
    if (am_.contains(x)) {  // move x to the head of Am
      am_.erase(x);
      am_.push_front(x);
      return true;
    }
    if (a1in_.contains(x)) return true;  // do nothing
    const bool in_a1out = a1out_.contains(x);
    reclaim_for();
    if (in_a1out) {  // add x to the head of Am (and forget its ghost)
      a1out_.erase(x);
      am_.push_front(x);
    } else {  // add x to the head of A1in
      a1in_.push_front(x);
    }
    return false;
  }

 private:
  void reclaim_for() {
    if (a1in_.size() + am_.size() < c_) return;  // a free page slot
    if (a1in_.size() > kin_) {
      a1out_.push_front(a1in_.pop_back());
      if (a1out_.size() > kout_) a1out_.pop_back();
    } else {
      am_.pop_back();  // hot: not remembered in A1out
    }
  }

  std::size_t c_, kin_, kout_;
  KeyList a1in_, a1out_, am_;
};

}  // namespace flashtwin::engine::reference
