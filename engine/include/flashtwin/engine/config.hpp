// How a host engine is built: block size, flash capacity, eviction, admission and destage settings.
// HostEngine's constructor validates it and throws std::invalid_argument naming the bad field.
#pragma once

#include "flashtwin/engine/types.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace flashtwin::engine {

struct AdmissionConfig {
  // Admission policies by name, all of which must admit a block ("sequential-cutoff",
  // "promote-after-hits"). Empty: every missed block is admitted.
  std::vector<std::string> policies;
  // sequential-cutoff: once a disk's current run of contiguous requests reaches this many bytes,
  // its further blocks bypass the flash (reads are not filled, write-back writes go to the array).
  std::uint64_t sequential_cutoff_bytes = 4 << 20;
  // promote-after-hits: a block is admitted on its N-th miss. Misses are counted in a fixed table
  // of `promote_table_entries` counters (0: one per four cache slots); colliding blocks share a
  // counter, which can only admit early, never lose data.
  std::uint32_t promote_after_hits = 2;
  std::uint32_t promote_table_entries = 0;
};

struct DestageConfig {
  // Fractions of the flash capacity. Destage runs at full rate once dirty data reaches
  // `high_watermark` and keeps going until it falls to `low_watermark`. Writes that would make
  // more than `dirty_limit` dirty wait until destage makes room (they are neither lost nor turned
  // into write-through). 0 < low <= high <= dirty_limit <= 1.
  double low_watermark = 0.25;
  double high_watermark = 0.5;
  double dirty_limit = 0.8;
  // Destage operations in flight at once (each one flash read + one array write).
  std::uint32_t max_in_flight = 8;
  // Adjacent dirty blocks of one disk are coalesced into array writes of at most this size.
  std::uint64_t max_coalesce_bytes = 1 << 20;
  // With no VM I/O in flight for this long, destage runs at full rate until VM I/O resumes.
  TimeNs idle_after_ns = 2'000'000;
};

struct EngineConfig {
  HostId host = 0;
  // Cache block size: a power of two from 4 KiB to 1 MiB, or 512 bytes for studies.
  std::uint32_t block_bytes = 4096;
  // Flash capacity in cache blocks (at least 16, at most 2^32 - 2).
  std::uint64_t capacity_blocks = 0;
  std::string eviction = "lru";
  AdmissionConfig admission;
  DestageConfig destage;
};

}  // namespace flashtwin::engine
