// How much memory one process of a run of a scenario may need at its peak (docs/SWEEPS.md, "On
// Slurm"): what a sweep asks Slurm for per task before any design has run (a run with a baseline
// has two such processes at once; the caller counts them). Memory grows with the blocks a run
// touches (cache index and policy, the consistency oracle's versions, the array's and devices'
// stores), so the estimate is
//     kBaseBytes + kBytesPerTouchedBlock * touched blocks
// where touched blocks are bounded, per disk, by its size and by what its workload can reach in
// the run (requests x the largest request, in cache blocks; a trace: the disk's size), plus what
// prewarm fills (each cache's capacity, at most its VMs' disks). An upper bound: the constants
// were measured (docs/SWEEPS.md, "On Slurm": about 20 B per cached clean block above a base of
// about 50 MiB) and given headroom for dirty blocks and the oracle's versions, and prewarm usually
// fills less than the bound. A sweep replaces the estimate by its own measured peaks once designs
// ran.
#pragma once

#include "flashtwin/sim/scenario.hpp"

#include <cstdint>

namespace flashtwin::sim {

inline constexpr std::uint64_t kBaseBytes = 64ull << 20;
inline constexpr std::uint64_t kBytesPerTouchedBlock = 48;

std::uint64_t touched_blocks_bound(const Scenario& scenario);
std::uint64_t estimate_peak_memory_bytes(const Scenario& scenario);

}  // namespace flashtwin::sim
