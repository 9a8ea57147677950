// Through the whole engine (not just the policy), LRU and ARC hit exactly as the simple reference
// implementations do, on random and looping read workloads. Every request is a one-block read in
// write-through mode, so every block is clean and each access is one policy access.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"
#include "reference_policies.hpp"

#include <gtest/gtest.h>

#include <random>

namespace flashtwin::testing {
namespace {

using namespace flashtwin::engine::reference;

template <class Reference>
void expect_same_hits(const std::string& policy, std::uint64_t capacity,
                      const std::vector<std::uint64_t>& blocks) {
  EngineConfig config = small_config(capacity);
  config.eviction = policy;
  FakeRuntime rt(config, CacheMode::write_through, std::uint64_t{1} << 32);
  Reference reference(capacity);
  std::uint64_t reference_hits = 0;
  for (std::uint64_t block : blocks) {
    reference_hits += reference.access(block) ? 1 : 0;
    rt.read(block * kBlock, kBlock);
    rt.complete_all();
  }
  EXPECT_EQ(rt.counter("read_hit_blocks"), reference_hits) << policy << " capacity " << capacity;
  EXPECT_EQ(rt.engine().check_invariants(), "");
}

std::vector<std::uint64_t> uniform(std::uint64_t seed, std::uint64_t footprint, int n) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i)
    out.push_back(rng() % footprint);
  return out;
}

std::vector<std::uint64_t> looping(std::uint64_t loop, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i)
    out.push_back(static_cast<std::uint64_t>(i) % loop);
  return out;
}

// A hot set re-read between one-off cold blocks: the workload where ARC adapts.
std::vector<std::uint64_t> hot_and_scan(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> out;
  std::uint64_t cold = 1'000'000;
  for (int i = 0; i < n; ++i)
    out.push_back(rng() % 3 == 0 ? cold++ : rng() % 40);
  return out;
}

TEST(ReferenceEquality, LruMatchesTheReferenceThroughTheEngine) {
  for (std::uint64_t capacity : {16u, 50u, 128u}) {
    expect_same_hits<ReferenceLru>("lru", capacity, uniform(capacity, 3 * capacity, 6000));
    expect_same_hits<ReferenceLru>("lru", capacity, looping(capacity + 5, 6000));
    expect_same_hits<ReferenceLru>("lru", capacity, hot_and_scan(capacity, 6000));
  }
}

TEST(ReferenceEquality, ArcMatchesTheReferenceThroughTheEngine) {
  for (std::uint64_t capacity : {16u, 50u, 128u}) {
    expect_same_hits<ReferenceArc>("arc", capacity, uniform(capacity, 3 * capacity, 6000));
    expect_same_hits<ReferenceArc>("arc", capacity, looping(capacity + 5, 6000));
    expect_same_hits<ReferenceArc>("arc", capacity, hot_and_scan(capacity, 6000));
  }
}

TEST(ReferenceEquality, TwoQueueMatchesTheReferenceThroughTheEngine) {
  for (std::uint64_t capacity : {16u, 50u, 128u}) {
    expect_same_hits<ReferenceTwoQueue>("2q", capacity, uniform(capacity, 3 * capacity, 6000));
    expect_same_hits<ReferenceTwoQueue>("2q", capacity, hot_and_scan(capacity, 6000));
  }
}

}  // namespace
}  // namespace flashtwin::testing
