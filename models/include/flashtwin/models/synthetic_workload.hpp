// SyntheticWorkload: the settings of one virtual disk's synthetic workload, and the factory that
// turns them into a RequestStream.
//
// The stream is a deterministic function of the struct: the same settings (seed included) give the
// same requests with every standard library (the generators use std::mt19937_64 and their own
// distribution code, never the implementation-defined std:: distributions). The one platform
// dependence left is the last-bit rounding of the C library's log/exp/pow, which could, rarely,
// move a time by 1 ns or a zipf draw to a neighbouring rank.
//
// Contracts of the stream built from a valid workload:
//   - every request is a read or a write with offset_bytes and length_bytes multiples of
//     alignment_bytes, length_bytes > 0 and offset_bytes + length_bytes <= disk_bytes;
//   - time_ns never decreases; it starts at 0 for constant arrivals;
//   - the stream ends after max_requests requests (if set) or at the first request whose time would
//     be >= duration_s (if set), whichever comes first.
//
// Strict inputs: make_synthetic_stream and validate throw std::invalid_argument naming the bad
// field, e.g. "read_ratio: must be in [0, 1], got 1.5". Nothing is silently clamped.
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace flashtwin::models {

// Where requests land on the disk. A request's first block is drawn from the pattern; a request
// that would run past the end of the disk is moved back so that it ends at the end of the disk.
//   uniform    - every block equally likely.
//   zipf       - block popularity follows Zipf(zipf_theta) by rank; ranks are scattered over the
//                disk by a seeded bijection so the hot blocks are not all at the start.
//   hot_set    - hot_fraction of the blocks (scattered the same way) receive hot_access_fraction of
//                the requests; uniform within the hot and within the cold blocks.
//   sequential - each request starts where the previous one ended, from start_offset_bytes,
//   wrapping
//                to offset 0 when the next request would run past the end of the disk (a backup).
enum class AddressPattern : std::uint8_t { uniform, zipf, hot_set, sequential };

// How issue times are spaced at `iops`.
//   constant - exactly periodic (request i at i / iops seconds, first at 0).
//   poisson  - exponential inter-arrival times with mean 1 / iops.
enum class ArrivalKind : std::uint8_t { constant, poisson };

// One entry of the request size mix: length_bytes is drawn with probability weight / sum(weights).
struct SizeWeight {
  std::uint64_t length_bytes = 4096;  // > 0, a multiple of alignment_bytes, <= disk_bytes
  double weight = 1.0;                // > 0 and finite
};

struct SyntheticWorkload {
  // Disk geometry. disk_bytes is required (> 0) and must be a multiple of alignment_bytes;
  // alignment_bytes is a power of two >= 512. All offsets and lengths are multiples of it, and a
  // "block" below means alignment_bytes bytes.
  std::uint64_t disk_bytes = 0;
  std::uint64_t alignment_bytes = 4096;

  // Address pattern and its parameters. The parameters of other patterns are ignored but their
  // ranges are still checked, so a typo never hides. zipf_theta > 0 and finite (1 included; both
  // < 1 and > 1 supported). hot_fraction in (0, 1); for hot_set, round(hot_fraction * blocks) must
  // leave at least one hot and one cold block. hot_access_fraction in [0, 1]. start_offset_bytes
  // (sequential) is a multiple of alignment_bytes and < disk_bytes.
  AddressPattern pattern = AddressPattern::uniform;
  double zipf_theta = 0.99;
  double hot_fraction = 0.1;
  double hot_access_fraction = 0.9;
  std::uint64_t start_offset_bytes = 0;

  // Fraction of requests that are reads (the rest are writes), in [0, 1].
  double read_ratio = 0.7;

  // Request sizes: at least one entry.
  std::vector<SizeWeight> size_mix = std::vector<SizeWeight>(1);  // {4096 bytes, weight 1}

  // Arrivals at `iops` (> 0, finite) requests per second while "on". Bursts: if burst_on_s and
  // burst_off_s are both > 0, time alternates between burst_on_s seconds at iops and burst_off_s
  // seconds at iops * burst_off_rate_factor (in [0, 1]; 0 = silent), starting with an "on" period.
  // Both 0 means no bursts; exactly one 0 is invalid.
  ArrivalKind arrivals = ArrivalKind::poisson;
  double iops = 1000.0;
  double burst_on_s = 0.0;
  double burst_off_s = 0.0;
  double burst_off_rate_factor = 0.0;

  // Limits: 0 means unlimited, but at least one of them must be set.
  std::uint64_t max_requests = 0;
  double duration_s = 0.0;

  // Seeds every random choice (addresses, zipf rank scattering, kinds, sizes, arrivals).
  std::uint64_t seed = 1;
};

// Throws std::invalid_argument naming the first bad field; returns normally if `workload` is valid.
void validate(const SyntheticWorkload& workload);

// One line for reports, e.g. "zipf(0.99) 70% reads 4KiB 1000 IOPS poisson on 100GiB, seed 1".
// Requires a valid workload.
std::string describe(const SyntheticWorkload& workload);

// Builds the stream. Throws std::invalid_argument (see validate). Setup is O(1) except for zipf,
// whose normalising constant takes O(min(blocks, 10^7)) time once (about 0.1 s at the cap).
std::unique_ptr<RequestStream> make_synthetic_stream(const SyntheticWorkload& workload);

}  // namespace flashtwin::models
