// Prewarm: fills one host's cache before simulated time starts, so that results describe a warm
// cache rather than a cold start. The host's engine is fed reads drawn from a second instance of
// each disk's own synthetic workload (same distribution, a seed derived from the disk's), merged
// by issue time so that each disk weighs as its rate, through HostEngine::warm_read: what a read
// does to the cache with every command completed at once at t = 0, without a request's
// machinery; the filled slots take the array's versions in the flash version store. Writes in
// the stream are issued as reads of the same range, so no data is dirty afterwards and the array
// is not written.
//
// Stops when the cache is full (warm_read never evicts), when the reads have covered the disks'
// footprint (as many block reads as the disks hold blocks), when every stream ends, or when the hit
// ratio has levelled off: a round of 2^20 block reads (4 GiB of 4 KiB blocks) hit less than 0.5
// percentage point more often than the round before (a skewed workload's hot set is then in; a
// uniform one over a large footprint would take the whole footprint, and warms on in the run).
// Deterministic: same disks and seeds, same cache contents. Internal to sim/.
#pragma once

#include "flashtwin/engine/commands.hpp"
#include "flashtwin/engine/host_engine.hpp"
#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/sim/version_store.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

namespace flashtwin::sim {

struct PrewarmDisk {
  engine::DiskId disk = 0;             // added to the engine already
  models::SyntheticWorkload workload;  // the disk's own; prewarm derives its seed from it
};

struct PrewarmResult {
  std::uint64_t requests = 0;       // reads submitted
  std::uint64_t cached_blocks = 0;  // the engine's cached blocks afterwards
  // The engine's last timer request, which the runtime must arm (the engine expects it).
  std::optional<engine::SetTimer> timer;
};

// The seed of the prewarm stream of a disk whose workload has `seed`.
std::uint64_t prewarm_seed(std::uint64_t seed);

// Requires every disk to be added to `engine` (whose block size is block_bytes > 0) and a flash
// store with the engine's capacity. Request ids first_request, first_request + 1, ... are used.
// `array` is read for the versions of blocks fetched (all 0 before the run). Throws
// std::logic_error if the engine issues a command other than a timer (it has nothing to do before
// a request), and what make_synthetic_stream or the engine throw for a bad workload.
// `stop`, if given, is polled every few hundred requests: once it is set the prewarm ends where
// it is (a Ctrl-C during a long prewarm stops the run within moments, not after the fill).
PrewarmResult prewarm(engine::HostEngine& engine, FlashVersions& flash, const ArrayVersions& array,
                      const std::vector<PrewarmDisk>& disks, std::uint32_t block_bytes,
                      engine::RequestId first_request, const std::atomic<bool>* stop = nullptr);

}  // namespace flashtwin::sim
