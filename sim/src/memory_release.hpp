// Hands the memory the C library's allocator holds free back to the system, so that a run's
// resident memory follows what it holds now rather than the most it ever held. Some structures
// shrink while others grow: in the final destage the engines' dirty sets give back their leaves
// as the array's version map takes new entries, and the allocator would otherwise keep the freed
// pages resident (the default scenario run for 600 s peaked 70 MB higher without it).
// glibc's malloc_trim(0) returns every whole free page, also in the middle of the heap. A no-op
// with another C library. Internal to sim/.
#pragma once

namespace flashtwin::sim {

void release_freed_memory();

}  // namespace flashtwin::sim
