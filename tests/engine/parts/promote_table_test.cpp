// promote-after-hits: its table of miss counters starts small and grows with the blocks it counts,
// keeping every count across a growth.
#include "admission.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace flashtwin::engine {
namespace {

AdmissionConfig promote_after(std::uint32_t hits) {
  AdmissionConfig config;
  config.promote_after_hits = hits;
  return config;
}

TEST(PromoteAfterHits, MemoryFollowsTheMissesCountedNotTheCapacity) {
  // Default size: one counter per four slots of 800 GiB (50 M counters, 200 MB at full size).
  auto policy = make_admission_policy("promote-after-hits", promote_after(2), 200'000'000);
  EXPECT_LE(policy->memory_bytes(), 4u << 10);
  for (std::uint64_t key = 0; key < 1000; ++key)
    EXPECT_FALSE(policy->admit_block(key));
  EXPECT_LT(policy->memory_bytes(), 64u << 10);
}

TEST(PromoteAfterHits, CountsSurviveTheTableGrowing) {
  constexpr std::uint64_t kEntries = 1u << 20;  // full size; it starts at 1 Ki words
  AdmissionConfig config = promote_after(2);
  config.promote_table_entries = kEntries;
  auto policy = make_admission_policy("promote-after-hits", config, 0);
  // Blocks whose counters never share a word, even in the coarsest table: each full-size index
  // >> 10 (the 1 Ki-word table) distinct.
  std::vector<std::uint64_t> keys;
  std::set<std::uint64_t> words;
  for (std::uint64_t key = 0; keys.size() < 900; ++key) {
    if (words.insert(reduce_hash(mix_key(key), kEntries) >> 10).second) keys.push_back(key);
  }
  const std::size_t before = policy->memory_bytes();
  for (std::uint64_t key : keys)
    EXPECT_FALSE(policy->admit_block(key)) << "first miss of " << key;
  EXPECT_GT(policy->memory_bytes(), before);  // 900 counters started: it grew
  for (std::uint64_t key : keys)
    EXPECT_TRUE(policy->admit_block(key)) << "second miss of " << key;
}

}  // namespace
}  // namespace flashtwin::engine
