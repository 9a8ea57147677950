// DirtySet: the ordered set of dirty blocks in fixed-size leaves, checked against a std::map model
// under random operations (clustered keys, so runs, splits and merges all happen), and its memory
// per dirty block.
#include "dirty_set.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace flashtwin::engine {
namespace {

struct ReferenceEntry {
  std::uint64_t written_seq = 0;
  std::uint64_t dirty_since = 0;
  bool destaging = false;
  std::uint32_t failed_tries = 0;
};
using Reference = std::map<std::uint64_t, ReferenceEntry>;

// The std::map implementation DirtySet replaced, kept as the model.
bool reference_next_run(const Reference& ref, std::uint64_t from, std::uint64_t lo,
                        std::uint64_t hi, std::uint32_t max_blocks,
                        std::vector<std::uint64_t>& run) {
  auto extend = [&](Reference::const_iterator it, std::uint64_t end) {
    run.clear();
    run.push_back(it->first);
    for (++it; it != ref.end() && run.size() < max_blocks; ++it) {
      if (it->first >= end || it->first != run.back() + 1 || it->second.destaging) break;
      run.push_back(it->first);
    }
    return true;
  };
  if (from < lo || from >= hi) from = lo;
  for (auto it = ref.lower_bound(from); it != ref.end() && it->first < hi; ++it) {
    if (!it->second.destaging) return extend(it, hi);
  }
  for (auto it = ref.lower_bound(lo); it != ref.end() && it->first < from; ++it) {
    if (!it->second.destaging) return extend(it, from);
  }
  return false;
}

void expect_same_entry(const DirtySet::Entry* got, const ReferenceEntry& want, std::uint64_t key) {
  ASSERT_NE(got, nullptr) << "key " << key;
  EXPECT_EQ(got->written_seq(), want.written_seq) << "key " << key;
  EXPECT_EQ(got->dirty_since(), want.dirty_since) << "key " << key;
  EXPECT_EQ(got->destaging(), want.destaging) << "key " << key;
  EXPECT_EQ(got->failed_tries(), want.failed_tries) << "key " << key;
}

TEST(DirtySet, AgreesWithAStdMapModelUnderRandomOperations) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    DirtySet set;
    Reference ref;
    std::mt19937_64 rng(seed);
    std::uint64_t seq = 0;
    // Keys cluster in a few disks and dense ranges, so adjacent runs are common.
    auto random_key = [&] {
      const std::uint64_t disk = rng() % 3;
      return (disk << 48) | (rng() % 4 == 0 ? rng() % 200'000 : 5000 + rng() % 3000);
    };
    std::vector<std::uint64_t> run, want_run;
    for (int step = 0; step < 200'000; ++step) {
      const std::uint64_t key = random_key();
      const unsigned what = static_cast<unsigned>(rng() % 20);
      if (what < 8) {  // a write completes
        ++seq;
        auto [it, inserted] = ref.try_emplace(key);
        it->second.written_seq = seq;
        it->second.failed_tries = 0;
        if (inserted) it->second.dirty_since = seq;
        EXPECT_EQ(set.mark_written(key, seq), inserted);
      } else if (what < 13) {  // cleaned (destaged or overwritten through), present or not
        ref.erase(key);
        set.erase(key);
      } else if (what < 15) {  // destage bookkeeping on a present block
        auto it = ref.lower_bound(key);
        if (it == ref.end()) continue;
        DirtySet::Entry* entry = set.find(it->first);
        ASSERT_NE(entry, nullptr);
        if (rng() % 2) {
          it->second.destaging = !it->second.destaging;
          entry->set_destaging(it->second.destaging);
        } else {
          it->second.failed_tries = std::min<std::uint32_t>(it->second.failed_tries + 1, 255);
          entry->count_failed_try();
        }
      } else if (what < 17) {  // a run for destage
        const std::uint64_t lo = rng() % 2 ? 0 : (rng() % 3) << 48;
        const std::uint64_t hi = lo == 0 ? ~std::uint64_t{0} : lo + (std::uint64_t{1} << 48);
        const auto max_blocks = static_cast<std::uint32_t>(1 + rng() % 40);
        const bool found = set.next_run(key, lo, hi, max_blocks, run);
        ASSERT_EQ(found, reference_next_run(ref, key, lo, hi, max_blocks, want_run));
        if (found) {
          EXPECT_EQ(run, want_run);
        }
      } else if (what < 18) {  // a flush collects a disk (now and then: a disk holds thousands)
        if (rng() % 32 != 0) continue;
        const std::uint64_t lo = (rng() % 3) << 48;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> got, want;
        set.collect(lo, lo + (std::uint64_t{1} << 48), got);
        for (auto it = ref.lower_bound(lo); it != ref.end() && it->first < lo + (1ull << 48); ++it)
          want.emplace_back(it->first, it->second.written_seq);
        EXPECT_EQ(got, want);
      } else {  // lookups
        const auto it = ref.find(key);
        if (it == ref.end()) {
          EXPECT_EQ(set.find(key), nullptr);
        } else {
          expect_same_entry(set.find(key), it->second, key);
        }
        const std::uint64_t seen = rng() % (seq + 1);
        EXPECT_EQ(set.safe_on_array(key, seen), it == ref.end() || it->second.dirty_since > seen);
      }
      ASSERT_EQ(set.size(), ref.size());
      if (step % 20'000 == 0) {
        ASSERT_EQ(set.check(), "") << "seed " << seed << " step " << step;
      }
    }
    ASSERT_EQ(set.check(), "");
    std::vector<std::uint64_t> walked;
    set.for_each([&](std::uint64_t key, const DirtySet::Entry& entry) {
      walked.push_back(key);
      expect_same_entry(&entry, ref.at(key), key);
    });
    EXPECT_EQ(walked.size(), ref.size());
    EXPECT_TRUE(std::is_sorted(walked.begin(), walked.end()));
  }
}

TEST(DirtySet, EmptiedLeavesMergeAwayAndTheSetIsUsableAfterwards) {
  DirtySet set;
  for (std::uint64_t key = 0; key < 10'000; ++key)
    set.mark_written(key * 3, key + 1);
  EXPECT_GT(set.leaves(), 100u);
  for (std::uint64_t key = 0; key < 10'000; ++key)
    set.erase(key * 3);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_EQ(set.leaves(), 1u);
  EXPECT_EQ(set.check(), "");
  std::vector<std::uint64_t> run;
  EXPECT_FALSE(set.next_run(0, 0, ~std::uint64_t{0}, 8, run));
  EXPECT_TRUE(set.mark_written(42, 1));
  ASSERT_TRUE(set.next_run(0, 0, ~std::uint64_t{0}, 8, run));
  EXPECT_EQ(run, std::vector<std::uint64_t>{42});
}

TEST(DirtySet, SequenceNumbersBeyondItsFieldAreRefused) {
  DirtySet set;
  EXPECT_TRUE(set.mark_written(1, DirtySet::kMaxSeq));
  EXPECT_EQ(set.find(1)->dirty_since(), DirtySet::kMaxSeq);
  EXPECT_THROW(set.mark_written(2, DirtySet::kMaxSeq + 1), std::overflow_error);
  EXPECT_EQ(set.size(), 1u);
}

// The cost per dirty block: about 24 bytes of key and entry over the leaves' fill, plus one map
// node per leaf. std::map took 64 bytes a block (docs/PERFORMANCE.md).
TEST(DirtySet, CostsAFractionOfAStdMapNodePerDirtyBlock) {
  constexpr std::uint64_t kBlocks = 200'000;
  DirtySet ascending;  // sequential writes: leaves stay full
  for (std::uint64_t key = 0; key < kBlocks; ++key)
    ascending.mark_written(key, key + 1);
  EXPECT_LT(static_cast<double>(ascending.memory_bytes()) / kBlocks, 27.0);

  DirtySet random;  // random writes: leaves between half and completely full
  std::mt19937_64 rng(5);
  while (random.size() < kBlocks)
    random.mark_written(rng() % (kBlocks * 50), random.size() + 1);
  EXPECT_LT(static_cast<double>(random.memory_bytes()) / kBlocks, 40.0);
  EXPECT_EQ(random.check(), "");
}

}  // namespace
}  // namespace flashtwin::engine
