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
  // promote-after-hits: a block is admitted on its N-th miss. Misses are counted in a table of up
  // to `promote_table_entries` counters (0: one per four cache slots) that starts at 1 Ki and
  // doubles as blocks start counters, so its memory follows the misses seen; colliding blocks
  // share a counter, which can only admit early or late, never lose data.
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
  // Rate control (docs/ENGINE.md, "Destage rate"): while anything is dirty, destage runs
  // continuously, its operations spaced so that at most `rate` bytes per second go to the array,
  // where rate rises from `min_rate_bytes_per_s` (dirty data at or below the low watermark) in
  // proportion to the dirty fraction up to `max_rate_bytes_per_s` (at the high watermark). Above
  // the high watermark, while a flush, drain or throttled write waits, and when the host is idle,
  // destage runs at the max rate: the final drain is bounded by it too. Per host.
  // 0 <= min_rate_bytes_per_s <= max_rate_bytes_per_s; max_rate_bytes_per_s 0 means no pacing at
  // all (destage then runs only at the watermarks, for waiters and when idle, as fast as
  // max_in_flight lets it).
  std::uint64_t min_rate_bytes_per_s = 2'000'000;
  std::uint64_t max_rate_bytes_per_s = 16'000'000;
  // A failed destage (flash read or array write) is retried after `retry_after_ns`, doubling with
  // every failure in a row (up to 64 times it). After `max_tries` failures in a row, the flushes
  // and throttled writes waiting for destage fail with Status::io_error instead of waiting forever,
  // and so do new ones until a destage succeeds again (the dirty data stays on flash and destage
  // keeps trying at the longest back-off). max_tries >= 1, retry_after_ns >= 0.
  TimeNs retry_after_ns = 10'000'000;
  std::uint32_t max_tries = 6;
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
  // Replication (docs/CLUSTER.md, "Link cuts and partitions"). A ReplicaWrite or ReplicaRelease
  // whose ack has not come `replica_timeout_ns` after it was sent is waited for again (a release
  // is sent again, same sequence), up to `replica_retries` times; when the last wait ends
  // unanswered too, the peer is taken as unreachable: every ack this engine awaits from it is
  // abandoned (those writes go to the array too, as after a refusal), it leaves every VM's peers,
  // and the engine says PeerUnreachable. 50 ms is far above a loaded round trip (a peer's flash
  // write plus the network) and, with two retries, gives up 150 ms after the send: the VM stalls
  // that long, as in FVP-like products (tens of ms per try). 0: never time out (an ack that
  // never comes is waited for forever). 0 <= replica_timeout_ns <= 2^50, replica_retries <= 100.
  TimeNs replica_timeout_ns = 50'000'000;
  std::uint32_t replica_retries = 2;
};

}  // namespace flashtwin::engine
