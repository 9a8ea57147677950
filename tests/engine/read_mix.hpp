// A mix of reads for tests of the reads served at once (warm_read_test.cpp,
// reads_at_once_test.cpp), and the policy cases they run under.
#pragma once

#include "engine_test_config.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace flashtwin::testing {

struct Read {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Reads of 1 to 8 blocks, some not block-aligned, Zipf-like over `footprint` blocks (a hot
// region and a cold one), now and then a burst of four sequential 8-block reads (past a
// 16-block sequential cutoff) and a 120-block read (past the bypass limit of a 400-block cache).
inline std::vector<Read> reads(std::uint64_t seed, std::uint64_t footprint, int n) {
  std::mt19937_64 rng(seed);
  std::vector<Read> out;
  std::uint64_t sequential = footprint;  // the next block of a sequential run
  while (out.size() < static_cast<std::size_t>(n)) {
    const std::uint64_t roll = rng() % 20;
    if (roll < 2) {  // a sequential burst beyond the footprint
      for (int i = 0; i < 4; ++i, sequential += 8)
        out.push_back({sequential * kBlock, 8 * kBlock});
      continue;
    }
    if (roll == 2) {  // too long to be admitted
      out.push_back({(rng() % footprint) * kBlock, 120 * kBlock});
      continue;
    }
    const std::uint64_t block = roll < 12 ? rng() % (footprint / 8) : rng() % footprint;
    const std::uint64_t blocks = 1 + rng() % 8;
    const std::uint64_t skew = rng() % 4 == 0 ? 512 : 0;  // a read that is not block-aligned
    out.push_back({block * kBlock + skew, blocks * kBlock - 2 * skew});
  }
  return out;
}

// An eviction policy and the admission filters in front of it.
struct Case {
  std::string eviction;
  std::vector<std::string> admission;
};

inline void PrintTo(const Case& c, std::ostream* os) {
  *os << c.eviction;
  for (const std::string& a : c.admission)
    *os << " + " << a;
}

// The case's cache of `capacity` blocks: a sequential cutoff of 16 blocks, and a promotion
// counter per block (the default, capacity / 4 shared, fills a small cache only very late).
inline engine::EngineConfig case_config(const Case& c, std::uint64_t capacity) {
  engine::EngineConfig config = small_config(capacity);
  config.eviction = c.eviction;
  config.admission.policies = c.admission;
  config.admission.sequential_cutoff_bytes = 16 * kBlock;
  config.admission.promote_table_entries = 4096;
  return config;
}

// LRU, ARC and 2Q, each alone and with admission filters.
inline auto policy_cases() {
  return ::testing::Values(Case{"lru", {}}, Case{"arc", {}}, Case{"2q", {}},
                           Case{"lru", {"sequential-cutoff"}}, Case{"arc", {"promote-after-hits"}},
                           Case{"2q", {"sequential-cutoff", "promote-after-hits"}});
}

inline std::string case_name(const ::testing::TestParamInfo<Case>& param_info) {
  std::string name = param_info.param.eviction == "2q" ? "two_queue" : param_info.param.eviction;
  for (const std::string& a : param_info.param.admission)
    name += a == "sequential-cutoff" ? "_cutoff" : "_promote";
  return name;
}

}  // namespace flashtwin::testing
