// Tests of the eviction policies ("lru", "arc", "2q") through the public EvictionPolicy interface,
// driven by a policy-only cache (below) that plays the engine's side of the call protocol.
//   - exact agreement with the reference transcriptions of the papers (reference_policies.hpp),
//   - invariants after every step of long random runs with removals and pins,
//   - evict's all-or-nothing std::nullopt, scan resistance, the registry, misuse, the checkers.
#include "flashtwin/engine/eviction_policy.hpp"
#include "engine/reference_policies.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace flashtwin::engine {
namespace {

class PinSet final : public SlotPins {
 public:
  explicit PinSet(std::uint32_t capacity) : pinned_(capacity, false) {}
  bool pinned(SlotId slot) const override { return pinned_.at(slot); }
  void set(SlotId slot, bool pinned) { pinned_.at(slot) = pinned; }

 private:
  std::vector<bool> pinned_;
};

enum class Outcome { hit, inserted, bypassed };

// A policy's view of a test's slot keys (the vector must outlive the policy).
SlotKeyReader keys_of(const std::vector<std::uint64_t>& slot_keys) {
  return [&slot_keys](SlotId slot) { return slot_keys[slot]; };
}

// The engine's side of the protocol, for policies alone: key -> slot map, free slots, slot_keys.
// A miss takes a free slot (on_insert) or asks evict(key, pins) for one (then on_insert); when
// evict returns std::nullopt the request bypasses the cache.
class PolicyOnlyCache {
 public:
  PolicyOnlyCache(std::string_view policy, std::uint32_t capacity)
      : capacity_(capacity), slot_keys_(capacity, 0), pins_(capacity) {
    policy_ = make_eviction_policy(policy, PolicyContext{capacity, keys_of(slot_keys_)});
    for (SlotId slot = capacity; slot-- > 0;)
      free_.push_back(slot);  // slot 0 is used first
  }

  Outcome access(std::uint64_t key) {
    if (auto it = slot_of_.find(key); it != slot_of_.end()) {
      policy_->on_hit(it->second);
      return Outcome::hit;
    }
    SlotId slot = 0;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      const std::optional<SlotId> victim = policy_->evict(key, pins_);
      if (!victim) {
        if (pinned_count() != slot_of_.size()) ADD_FAILURE() << "nullopt with unpinned slots";
        return Outcome::bypassed;
      }
      slot = *victim;
      if (slot >= capacity_ || slot_of_.count(slot_keys_[slot]) == 0 ||
          slot_of_.at(slot_keys_[slot]) != slot) {
        ADD_FAILURE() << "evict returned slot " << slot << " which is not cached";
        return Outcome::bypassed;
      }
      if (pins_.pinned(slot)) ADD_FAILURE() << "evict returned pinned slot " << slot;
      last_victim_key_ = slot_keys_[slot];
      slot_of_.erase(slot_keys_[slot]);
      pins_.set(slot, false);
    }
    slot_keys_[slot] = key;
    slot_of_[key] = slot;
    policy_->on_insert(slot, key);
    return Outcome::inserted;
  }

  bool hit(std::uint64_t key) { return access(key) == Outcome::hit; }

  void remove(std::uint64_t key) {
    const SlotId slot = slot_of_.at(key);
    policy_->on_remove(slot);
    slot_of_.erase(key);
    pins_.set(slot, false);
    free_.push_back(slot);
  }

  std::vector<std::uint64_t> cached_keys() const {
    std::vector<std::uint64_t> keys;
    for (const auto& [key, slot] : slot_of_)
      keys.push_back(key);
    std::sort(keys.begin(), keys.end());  // deterministic order
    return keys;
  }
  void set_pinned(std::uint64_t key, bool pinned) { pins_.set(slot_of_.at(key), pinned); }
  void pin_all(bool pinned) {
    for (const auto& [key, slot] : slot_of_)
      pins_.set(slot, pinned);
  }
  std::size_t pinned_count() const {
    std::size_t count = 0;
    for (const auto& [key, slot] : slot_of_)
      count += pins_.pinned(slot) ? 1 : 0;
    return count;
  }
  std::size_t cached_count() const { return slot_of_.size(); }
  bool cached(std::uint64_t key) const { return slot_of_.count(key) != 0; }
  SlotId slot_of(std::uint64_t key) const { return slot_of_.at(key); }
  std::vector<std::uint64_t>& slot_keys() { return slot_keys_; }
  const PinSet& pins() const { return pins_; }
  EvictionPolicy& policy() { return *policy_; }
  std::uint64_t last_victim_key() const { return last_victim_key_; }

 private:
  std::uint32_t capacity_;
  std::vector<std::uint64_t> slot_keys_;
  PinSet pins_;
  std::unique_ptr<EvictionPolicy> policy_;
  std::unordered_map<std::uint64_t, SlotId> slot_of_;
  std::vector<SlotId> free_;
  std::uint64_t last_victim_key_ = 0;
};

// ---- workloads -----------------------------------------------------------------------------

// Spreads small ids over 64 bits (odd multiplier: a bijection), like packed disk/block keys.
std::uint64_t key_of(std::uint64_t id) {
  return id * 0x9E3779B97F4A7C15ULL + 12345;
}

double unit_interval(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
}

// Rank r in [0, n) with probability proportional to 1 / (r + 1)^exponent.
class ZipfSampler {
 public:
  ZipfSampler(std::size_t n, double exponent) : cdf_(n) {
    double sum = 0;
    for (std::size_t rank = 0; rank < n; ++rank) {
      sum += 1.0 / std::pow(static_cast<double>(rank + 1), exponent);
      cdf_[rank] = sum;
    }
    for (double& value : cdf_)
      value /= sum;
  }
  std::uint64_t operator()(std::mt19937_64& rng) const {
    const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), unit_interval(rng));
    return static_cast<std::uint64_t>(
        std::min<std::ptrdiff_t>(it - cdf_.begin(), std::ssize(cdf_) - 1));
  }

 private:
  std::vector<double> cdf_;
};

enum class Workload { uniform, zipf, loop, mixed };
constexpr Workload kWorkloads[] = {Workload::uniform, Workload::zipf, Workload::loop,
                                   Workload::mixed};

const char* workload_name(Workload workload) {
  switch (workload) {
    case Workload::uniform:
      return "uniform";
    case Workload::zipf:
      return "zipf";
    case Workload::loop:
      return "loop";
    case Workload::mixed:
      return "mixed";
  }
  return "?";
}

std::vector<std::uint64_t> make_workload(Workload workload, std::uint32_t capacity,
                                         std::uint64_t seed, std::size_t length) {
  std::mt19937_64 rng(seed);
  const std::uint64_t c = capacity;
  const ZipfSampler zipf(10 * c + 10, 0.9);
  const std::uint64_t loop_length = c + c / 2 + 2;  // a cyclic scan larger than the cache
  std::uint64_t next_cold = 1'000'000'000;          // ids of one-time scan keys
  std::vector<std::uint64_t> ids;
  ids.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    switch (workload) {
      case Workload::uniform:
        ids.push_back(rng() % (4 * c + 4));
        break;
      case Workload::zipf:
        ids.push_back(zipf(rng));
        break;
      case Workload::loop:
        ids.push_back(i % loop_length);
        break;
      case Workload::mixed: {
        const std::uint64_t pick = rng() % 10;
        if (pick < 5) {
          ids.push_back(zipf(rng));
        } else if (pick < 7) {
          ids.push_back(next_cold++);
        } else if (pick < 9) {
          ids.push_back(500'000'000 + i % (2 * c + 1));
        } else {
          ids.push_back(rng() % (4 * c + 4));
        }
        break;
      }
    }
  }
  std::vector<std::uint64_t> keys;
  keys.reserve(length);
  for (std::uint64_t id : ids)
    keys.push_back(key_of(id));
  return keys;
}

// ---- (2) exact agreement with the references -------------------------------------------------

template <typename Reference>
void expect_matches_reference(std::string_view policy) {
  constexpr std::size_t kLength = 20'000;
  for (const Workload workload : kWorkloads) {
    for (const std::uint32_t capacity : {1u, 2u, 3u, 8u, 64u, 257u}) {
      for (const std::uint64_t seed : {1u, 2u, 3u}) {
        SCOPED_TRACE(std::string(workload_name(workload)) + " capacity " +
                     std::to_string(capacity) + " seed " + std::to_string(seed));
        PolicyOnlyCache cache(policy, capacity);
        Reference reference(capacity);
        std::size_t hits = 0;
        std::size_t reference_hits = 0;
        const std::vector<std::uint64_t> keys = make_workload(workload, capacity, seed, kLength);
        for (std::size_t i = 0; i < keys.size(); ++i) {
          const bool hit = cache.hit(keys[i]);
          const bool reference_hit = reference.access(keys[i]);
          ASSERT_EQ(hit, reference_hit) << "first divergence at request " << i;
          hits += hit ? 1 : 0;
          reference_hits += reference_hit ? 1 : 0;
        }
        EXPECT_EQ(hits, reference_hits);
        EXPECT_EQ(cache.policy().check_invariants(), "");
        if (workload == Workload::zipf) {
          EXPECT_GT(hits, 0u);
        }
      }
    }
  }
}

TEST(LruPolicy, HitsEqualReferenceLruOnAllWorkloads) {
  expect_matches_reference<reference::ReferenceLru>("lru");
}

TEST(ArcPolicy, HitsEqualReferenceArcOnAllWorkloads) {
  expect_matches_reference<reference::ReferenceArc>("arc");
}

TEST(TwoQueuePolicy, HitsEqualReference2QOnAllWorkloads) {
  expect_matches_reference<reference::ReferenceTwoQueue>("2q");
}

// ---- (3) invariants, removals, pins, per policy ----------------------------------------------

class EveryPolicy : public ::testing::TestWithParam<std::string> {};

std::string test_name_of(const ::testing::TestParamInfo<std::string>& policy) {
  return policy.param == "2q" ? "two_q" : policy.param;  // test names allow [A-Za-z0-9_]
}

INSTANTIATE_TEST_SUITE_P(Registered, EveryPolicy, ::testing::ValuesIn(eviction_policy_names()),
                         test_name_of);

TEST_P(EveryPolicy, InvariantsHoldAfterEveryStepWithRemovalsAndPins) {
  for (const std::uint32_t capacity : {1u, 4u, 32u, 200u}) {
    SCOPED_TRACE("capacity " + std::to_string(capacity));
    std::mt19937_64 rng(capacity * 7919 + 1);
    const ZipfSampler zipf(4 * capacity + 4, 0.8);
    PolicyOnlyCache cache(GetParam(), capacity);
    std::size_t bypassed = 0;
    std::size_t removed = 0;
    for (int step = 0; step < 20'000; ++step) {
      const std::uint64_t op = rng() % 100;
      const std::vector<std::uint64_t> cached =
          op < 70 ? std::vector<std::uint64_t>{} : cache.cached_keys();
      if (op < 70) {
        bypassed += cache.access(key_of(zipf(rng))) == Outcome::bypassed ? 1 : 0;
      } else if (op < 80) {
        if (!cached.empty()) {
          cache.remove(cached[rng() % cached.size()]);
          ++removed;
        }
      } else if (op < 96) {
        if (!cached.empty()) cache.set_pinned(cached[rng() % cached.size()], rng() % 3 != 0);
      } else if (op < 98) {
        cache.pin_all(true);
      } else {
        cache.pin_all(false);
      }
      ASSERT_EQ(cache.policy().check_invariants(), "") << "after step " << step;
      ASSERT_EQ(cache.policy().size(), cache.cached_count()) << "after step " << step;
    }
    EXPECT_GT(bypassed, 0u);  // the all-pinned path was exercised
    EXPECT_GT(removed, 0u);
  }
}

TEST_P(EveryPolicy, EvictReturnsNulloptWhenAllPinnedAndNeverAPinnedSlot) {
  constexpr std::uint32_t kCapacity = 16;
  PolicyOnlyCache cache(GetParam(), kCapacity);
  for (std::uint64_t id = 0; id < 40; ++id)
    cache.access(key_of(id % 24));  // ghosts and hits
  ASSERT_EQ(cache.cached_count(), kCapacity);
  cache.pin_all(true);
  EXPECT_EQ(cache.policy().evict(key_of(1000), cache.pins()), std::nullopt);
  EXPECT_EQ(cache.policy().evict(cache.last_victim_key(), cache.pins()), std::nullopt);
  EXPECT_EQ(cache.policy().size(), kCapacity);
  EXPECT_EQ(cache.policy().check_invariants(), "");
  const std::uint64_t free_key = cache.cached_keys()[5];
  cache.set_pinned(free_key, false);
  const SlotId expected = cache.slot_of(free_key);
  EXPECT_EQ(cache.policy().evict(key_of(1000), cache.pins()), expected);
}

// A failed evict must change nothing: a cache that saw it behaves exactly like one that did not.
TEST_P(EveryPolicy, FailedEvictLeavesNoTrace) {
  constexpr std::uint32_t kCapacity = 64;
  const std::vector<std::uint64_t> keys = make_workload(Workload::mixed, kCapacity, 9, 6'000);
  PolicyOnlyCache plain(GetParam(), kCapacity);
  PolicyOnlyCache disturbed(GetParam(), kCapacity);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i % 50 == 49 && disturbed.cached_count() == kCapacity) {
      // The key about to be requested and the last victim (most likely a ghost) fail once.
      disturbed.pin_all(true);
      for (const std::uint64_t key : {keys[i], disturbed.last_victim_key()}) {
        if (disturbed.cached(key)) continue;
        EXPECT_EQ(disturbed.policy().evict(key, disturbed.pins()), std::nullopt);
        ++failed;
      }
      disturbed.pin_all(false);
    }
    ASSERT_EQ(plain.access(keys[i]), disturbed.access(keys[i])) << "request " << i;
    ASSERT_EQ(plain.cached_keys(), disturbed.cached_keys()) << "request " << i;
  }
  EXPECT_GT(failed, 100u);
}

// ---- (4) scan resistance --------------------------------------------------------------------

// Warms a hot set (re-accessed among one-time cold keys), then runs a one-pass scan of many cold
// keys; returns the hit ratio of one pass over the hot set after the scan.
double hot_hit_ratio_after_scan(std::string_view policy) {
  constexpr std::uint32_t kCapacity = 1000;
  constexpr std::uint64_t kHot = 100;
  PolicyOnlyCache cache(policy, kCapacity);
  std::uint64_t cold = 1'000'000;
  for (int round = 0; round < 30; ++round) {
    for (std::uint64_t hot = 0; hot < kHot; ++hot) {
      cache.access(key_of(hot));
      for (int i = 0; i < 3; ++i)
        cache.access(key_of(cold++));
    }
  }
  for (int i = 0; i < 20 * static_cast<int>(kCapacity); ++i)
    cache.access(key_of(cold++));
  EXPECT_EQ(cache.policy().check_invariants(), "");
  std::size_t hits = 0;
  for (std::uint64_t hot = 0; hot < kHot; ++hot)
    hits += cache.hit(key_of(hot)) ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(kHot);
}

TEST(ScanResistance, ArcAnd2QKeepTheHotSetThroughAScanAndLruDoesNot) {
  EXPECT_GE(hot_hit_ratio_after_scan("arc"), 0.9);
  EXPECT_GE(hot_hit_ratio_after_scan("2q"), 0.9);
  EXPECT_LE(hot_hit_ratio_after_scan("lru"), 0.1);  // the scenario does flush a naive cache
}

// ---- (5) registry ---------------------------------------------------------------------------

TEST(EvictionRegistry, ListsNamesInRegistrationOrderAndBuildsEach) {
  EXPECT_EQ(eviction_policy_names(), (std::vector<std::string>{"lru", "arc", "2q"}));
  std::vector<std::uint64_t> slot_keys(8, 0);
  for (const std::string& name : eviction_policy_names()) {
    const auto policy = make_eviction_policy(name, PolicyContext{8, keys_of(slot_keys)});
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(policy->name(), name);
    EXPECT_EQ(policy->size(), 0u);
    EXPECT_EQ(policy->check_invariants(), "");
  }
}

TEST(EvictionRegistry, UnknownNameThrowsNamingItAndTheKnownOnes) {
  std::vector<std::uint64_t> slot_keys(8, 0);
  try {
    make_eviction_policy("clock-pro", PolicyContext{8, keys_of(slot_keys)});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    for (const char* word : {"clock-pro", "lru", "arc", "2q"}) {
      EXPECT_NE(message.find(word), std::string::npos) << message;
    }
  }
}

TEST(EvictionRegistry, ContextWithoutSlotKeysIsRejectedByGhostKeepingPolicies) {
  EXPECT_THROW(make_eviction_policy("arc", PolicyContext{8, {}}), std::invalid_argument);
  EXPECT_THROW(make_eviction_policy("2q", PolicyContext{8, {}}), std::invalid_argument);
}

// ---- misuse and memory ----------------------------------------------------------------------

TEST_P(EveryPolicy, MisuseThrows) {
  std::vector<std::uint64_t> slot_keys(4, 0);
  const auto policy = make_eviction_policy(GetParam(), PolicyContext{4, keys_of(slot_keys)});
  EXPECT_THROW(policy->on_insert(4, 1), std::out_of_range);
  EXPECT_THROW(policy->on_hit(0), std::logic_error);
  EXPECT_THROW(policy->on_remove(0), std::logic_error);
  slot_keys[0] = 7;
  policy->on_insert(0, 7);
  EXPECT_THROW(policy->on_insert(0, 7), std::logic_error);
  EXPECT_EQ(policy->check_invariants(), "");
}

TEST_P(EveryPolicy, EmptyCapacityNeverEvicts) {
  const auto policy = make_eviction_policy(GetParam(), PolicyContext{0, {}});
  const PinSet no_pins(0);
  EXPECT_EQ(policy->evict(1, no_pins), std::nullopt);
  EXPECT_EQ(policy->check_invariants(), "");
}

TEST_P(EveryPolicy, MemoryPerSlotStaysWithinItsBudget) {
  constexpr std::uint32_t kCapacity = 1u << 20;
  std::vector<std::uint64_t> slot_keys(kCapacity, 0);
  const auto policy =
      make_eviction_policy(GetParam(), PolicyContext{kCapacity, keys_of(slot_keys)});
  const double per_slot = static_cast<double>(policy->memory_bytes()) / kCapacity;
  // LRU: two uint32 links. 2Q: + a tag byte + c/2 ghosts. ARC: + a tag byte + c ghosts.
  const double budget = GetParam() == "lru" ? 8.01 : GetParam() == "2q" ? 24.0 : 37.0;
  EXPECT_LE(per_slot, budget);
  RecordProperty("bytes_per_slot", std::to_string(per_slot));
}

// ---- (6) the checkers detect broken engine-side state ---------------------------------------
// The public interface offers no way to corrupt a policy's private links, so these corrupt what
// the engine owns and the policy reads: slot_keys.

TEST_P(EveryPolicy, CheckerDetectsAKeyCachedInTwoSlots) {
  PolicyOnlyCache cache(GetParam(), 8);
  for (std::uint64_t id = 0; id < 8; ++id)
    cache.access(key_of(id));
  auto& slot_keys = cache.slot_keys();
  const std::uint64_t saved = slot_keys[3];
  slot_keys[3] = slot_keys[5];
  EXPECT_NE(cache.policy().check_invariants().find("cached twice"), std::string::npos);
  slot_keys[3] = saved;
  EXPECT_EQ(cache.policy().check_invariants(), "");
}

TEST_P(EveryPolicy, CheckerDetectsAGhostThatIsAlsoCached) {
  if (GetParam() == "lru") GTEST_SKIP() << "LRU keeps no ghosts";
  PolicyOnlyCache cache(GetParam(), 8);
  for (std::uint64_t id = 0; id < 8; ++id)
    cache.access(key_of(id));
  cache.access(key_of(0));  // ARC: to T2, so that the next miss is case IV.B and leaves a ghost
  cache.access(key_of(8));  // one eviction
  const std::uint64_t ghost = cache.last_victim_key();
  auto& slot_keys = cache.slot_keys();
  const std::uint64_t saved = slot_keys[2];
  slot_keys[2] = ghost;
  EXPECT_NE(cache.policy().check_invariants().find("ghost"), std::string::npos);
  slot_keys[2] = saved;
  EXPECT_EQ(cache.policy().check_invariants(), "");
}

}  // namespace
}  // namespace flashtwin::engine
