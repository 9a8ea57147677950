// Miss-ratio curves of an LRU cache, from one pass over the block references of a workload:
// the miss ratio at every cache size at once (docs/SIZING.md).
//
// Exact: Mattson's stack distances. A reference to a block that was referenced before hits in an
// LRU cache of C blocks exactly when fewer than C distinct other blocks were referenced since its
// last reference (its stack distance). CurveBuilder keeps, per block, the position of its last
// reference on a time line of references, and a Fenwick tree with a 1 at each block's latest
// position: the distance is the number of 1s after the block's position, O(log n) per reference.
// When the time line fills, the live positions are renumbered in order (amortised O(1)), so memory
// is O(distinct blocks), not O(references). First references (cold misses) never hit.
//
// SHARDS (Waldspurger et al., FAST '15): the same, on the references to a spatially hashed sample
// of the blocks: a block is sampled when hash(block) mod P < T, so a sampled block's references
// are all kept. Each sampled reference stands for 1/R references (R = T / P) and its sampled
// distance d for d / R distinct blocks.
//   - fixed rate: R given (e.g. 0.01). The total weight is corrected to the references actually
//     counted (SHARDS-adj: the difference goes to the smallest distance).
//   - fixed size: at most max_sampled_blocks blocks are tracked; when one more would exceed it,
//     the block with the largest hash leaves (and every block hashing as high) and T falls to its
//     hash, so R adapts to the trace: constant memory for any trace.
//
// What is a reference: every block a read or write request touches (block_bytes blocks), keyed by
// (disk, block); flushes and discards are not references. Reads and writes both make a block most
// recent (a write-back or write-through cache allocates on write); read hit ratios count reads
// only. The curve is the one of LRU without admission control: the engine's sequential cut-off or
// promote-after-hits admit less, and ARC / 2Q have no stack property (cachesim runs them at each
// size instead).
//
// Resolution: distances are kept in at most max_bins bins; a bin is one block wide (at a fixed
// rate R, the largest power of two up to 1 / R: scaled distances are its multiples) until the
// distances need more bins (more than 2M distinct blocks, 8 GiB of 4 KiB blocks), then 2, 4, ...
// times as wide (adjacent bins merged); a capacity inside a bin counts the bin's references as
// spread evenly over it. Exact curves are exact, at every size, below that.
//
// Not thread-safe; deterministic (the hash is fixed).
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

enum class CurveSampling : std::uint8_t { exact, fixed_rate, fixed_size };

struct CurveOptions {
  CurveSampling sampling = CurveSampling::exact;
  double rate = 0.01;                           // fixed_rate: R in (0, 1]
  std::uint64_t max_sampled_blocks = 8192;      // fixed_size: >= 1
  std::uint64_t hash_seed = 0;                  // SHARDS: which blocks are sampled
  std::uint32_t block_bytes = 4096;             // > 0
  std::size_t max_bins = std::size_t{1} << 21;  // distance bins kept (see Resolution); >= 2
};

// Throws std::invalid_argument naming the option.
void validate(const CurveOptions& options);
// "exact", "shards fixed rate 0.01", "shards fixed size 8192 blocks".
std::string describe(const CurveOptions& options);

// One curve: what a pass over the references found. Hit ratios are of LRU at a capacity in
// blocks; capacities are whole blocks.
class MissRatioCurve {
 public:
  double miss_ratio(std::uint64_t capacity_blocks) const;       // of every reference
  double read_miss_ratio(std::uint64_t capacity_blocks) const;  // of read references
  double hit_ratio(std::uint64_t capacity_blocks) const { return 1 - miss_ratio(capacity_blocks); }
  double read_hit_ratio(std::uint64_t capacity_blocks) const {
    return 1 - read_miss_ratio(capacity_blocks);
  }
  // The smallest capacity whose read hit ratio reaches `target` (in [0, 1]); none when even a
  // cache holding every block misses more (first references are misses).
  std::optional<std::uint64_t> capacity_for_read_hit(double target) const;
  std::optional<std::uint64_t> capacity_for_hit(double target) const;

  std::uint64_t references = 0;       // block references counted (all, sampled or not)
  std::uint64_t read_references = 0;  // of them, reads
  std::uint64_t sampled_references = 0;
  double footprint_blocks = 0;   // distinct blocks referenced (estimated when sampled)
  double final_rate = 1;         // R at the end (1 when exact)
  std::uint64_t bin_blocks = 1;  // width of a distance bin
  std::uint32_t block_bytes = 4096;
  std::string method;  // describe(options)

 private:
  friend class CurveBuilder;
  struct Counts {
    std::vector<double> hits_below;  // [i]: weight of hits with distance < i * bin_blocks
    double total = 0;                // weight of every reference of the kind
  };
  static double miss_ratio(const Counts& counts, std::uint64_t capacity_blocks,
                           std::uint64_t bin_blocks);
  static std::optional<std::uint64_t> capacity_for(const Counts& counts, double target,
                                                   std::uint64_t bin_blocks);
  Counts all_;
  Counts reads_;
};

class CurveBuilder {
 public:
  explicit CurveBuilder(const CurveOptions& options = {});  // validates (throws)
  ~CurveBuilder();
  CurveBuilder(const CurveBuilder&) = delete;
  CurveBuilder& operator=(const CurveBuilder&) = delete;

  // One reference to block `key` (any 64-bit key but ~0: use disk_block_key). Uncounted, it only
  // makes the block most recent (a warm-up: the curve leaves it out). Not admitted (the engine's
  // admission refused its request), a block referenced before is referenced as usual, and one
  // never referenced is a miss that does not enter the stack (the engine does not fill it; a
  // block it holds still hits, which this approximates where the cache is too small to hold it).
  void reference(std::uint64_t key, bool read, bool counted = true, bool admitted = true);
  // Every block of a read or write request of virtual disk `disk` (< 2^20); others are ignored.
  void request(std::uint32_t disk, const models::StreamRequest& request, bool counted = true,
               bool admitted = true);

  MissRatioCurve curve() const;

  // Every sampled reference so far, counted or not, and of them those whose block was tracked
  // already (a hit in a cache that never evicts): how a warm-up sees its hit ratio level off.
  struct Tally {
    std::uint64_t sampled = 0;
    std::uint64_t repeated = 0;
  };
  Tally tally() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace flashtwin::sim
