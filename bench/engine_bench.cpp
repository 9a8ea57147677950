// Engine benchmarks (Google Benchmark): cache-only replay speed and metadata bytes per cached
// block.
//
//   build/bench/flashtwin-bench                       all of them
//   build/bench/flashtwin-bench --benchmark_filter=Replay
//
// Replay: 4 KiB requests (70 % reads unless named "reads") over a footprint twice the cache, drawn
// in advance so the figure is the engine plus the cache-only driver, not the workload generator.
// Reported as items_per_second = requests per second on one core, with the consistency oracle off
// (the engine alone) and on (devices holding versions, every read checked). Memory: fill a cache of
// 4 Mi blocks with distinct blocks and report the engine's metadata bytes per cached block (index,
// slot table, eviction policy, admission state, dirty set), clean and half dirty, and for ARC and
// 2Q also after a second capacity of blocks has gone through (ghost lists full).
#include "flashtwin/sim/cache_only_replay.hpp"

#include <benchmark/benchmark.h>

#include <map>
#include <random>
#include <tuple>

namespace {

using namespace flashtwin;

// Replays a prepared vector of requests.
class VectorStream final : public models::RequestStream {
 public:
  explicit VectorStream(const std::vector<models::StreamRequest>& requests) : requests_(requests) {}
  bool next(models::StreamRequest& out) override {
    if (next_ == requests_.size()) return false;
    out = requests_[next_++];
    return true;
  }
  std::string describe() const override { return "prepared requests"; }

 private:
  const std::vector<models::StreamRequest>& requests_;
  std::size_t next_ = 0;
};

constexpr std::uint64_t kBlock = 4096;

const std::vector<models::StreamRequest>& prepared(std::uint64_t footprint_blocks, bool skewed,
                                                   int read_percent) {
  static std::map<std::tuple<std::uint64_t, bool, int>, std::vector<models::StreamRequest>> cache;
  auto& requests = cache[{footprint_blocks, skewed, read_percent}];
  if (!requests.empty()) return requests;
  std::mt19937_64 rng(42);
  requests.resize(2'000'000);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    std::uint64_t block = rng() % footprint_blocks;
    // Skewed: 80 % of requests go to 20 % of the blocks.
    if (skewed && rng() % 10 < 8) block %= footprint_blocks / 5;
    requests[i].time_ns = static_cast<std::int64_t>(i) * 1000;
    requests[i].kind =
        static_cast<int>(rng() % 100) < read_percent ? engine::IoKind::read : engine::IoKind::write;
    requests[i].offset_bytes = block * kBlock;
    requests[i].length_bytes = kBlock;
  }
  return requests;
}

// Footprint = capacity * footprint_halves / 2 (default: twice the cache). `at_once`: reads of an
// engine at rest served by HostEngine::reads_at_once (CacheOnlyOptions::reads_at_once).
void Replay(benchmark::State& state, const char* policy, engine::CacheMode mode, bool check,
            bool skewed, int read_percent = 70, int footprint_halves = 4, bool at_once = true) {
  const std::uint64_t capacity = static_cast<std::uint64_t>(state.range(0));
  const std::uint64_t footprint = capacity * static_cast<std::uint64_t>(footprint_halves) / 2;
  const auto& requests = prepared(footprint, skewed, read_percent);
  std::uint64_t done = 0;
  for (auto _ : state) {
    sim::CacheOnlyOptions options;
    options.engine.capacity_blocks = capacity;
    options.engine.eviction = policy;
    // Unpaced destage, as these figures were always measured: a million requests per simulated
    // second are far beyond any destage rate, and paced write-back would only queue at the gate.
    options.engine.destage.max_rate_bytes_per_s = 0;
    options.mode = mode;
    options.check_consistency = check;
    options.reads_at_once = at_once;
    sim::CacheOnlyReplay replay(options);
    replay.add_disk(footprint * kBlock, std::make_unique<VectorStream>(requests));
    replay.run();
    done += replay.report().requests;
    state.counters["read_hit_ratio"] = replay.report().read_hit_ratio();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}

// Fills a cache of 4 Mi slots with distinct blocks (no eviction, so no ghosts). `churned`: then
// reads the first half again (ARC's T2, 2Q's Am) and a second capacity of new blocks, so that
// evictions leave ghosts (ARC's B1 and B2, 2Q's A1out) as a running cache has them.
void MetadataPerBlock(benchmark::State& state, const char* policy, bool half_dirty,
                      bool churned = false) {
  const std::uint64_t capacity = 4u << 20;
  for (auto _ : state) {
    engine::EngineConfig config;
    config.capacity_blocks = capacity;
    config.eviction = policy;
    config.destage.low_watermark = config.destage.high_watermark = 0.6;
    config.destage.dirty_limit = 0.6;
    sim::CacheOnlyOptions options{config, engine::CacheMode::write_back, false, 0};
    sim::CacheOnlyReplay replay(options);
    std::vector<std::uint64_t> blocks(capacity);
    for (std::uint64_t b = 0; b < capacity; ++b)
      blocks[b] = b;
    if (churned) {
      for (std::uint64_t b = 0; b < capacity / 2; ++b)
        blocks.push_back(b);
      for (std::uint64_t b = capacity; b < 2 * capacity; ++b)
        blocks.push_back(b);
    }
    std::vector<models::StreamRequest> fill(blocks.size());
    for (std::size_t i = 0; i < fill.size(); ++i) {
      const bool write = half_dirty && i % 2 == 0;
      fill[i] = {static_cast<std::int64_t>(i), write ? engine::IoKind::write : engine::IoKind::read,
                 blocks[i] * kBlock, kBlock, 0};
    }
    replay.add_disk((churned ? 2 : 1) * capacity * kBlock, std::make_unique<VectorStream>(fill));
    replay.run();
    const auto report = replay.report();
    state.counters["cached_blocks"] = static_cast<double>(report.counters.at("cached_blocks"));
    state.counters["dirty_blocks"] = static_cast<double>(report.counters.at("dirty_blocks"));
    state.counters["bytes_per_block"] = static_cast<double>(replay.metadata_bytes()) /
                                        static_cast<double>(report.counters.at("cached_blocks"));
  }
}

}  // namespace

BENCHMARK_CAPTURE(Replay, lru_writeback_engine_only, "lru", engine::CacheMode::write_back, false,
                  false)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, lru_writethrough_engine_only, "lru", engine::CacheMode::write_through,
                  false, false)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, lru_writeback_skewed_engine_only, "lru", engine::CacheMode::write_back,
                  false, true)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, arc_writeback_engine_only, "arc", engine::CacheMode::write_back, false,
                  false)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, 2q_writeback_engine_only, "2q", engine::CacheMode::write_back, false,
                  false)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, lru_reads_skewed_engine_only, "lru", engine::CacheMode::write_through,
                  false, true, 100)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
// All hits once warm: 100 % reads over half the cache. The engine's per-request cost alone.
BENCHMARK_CAPTURE(Replay, lru_read_hits_engine_only, "lru", engine::CacheMode::write_through, false,
                  false, 100, 1)
    ->Arg(1 << 16)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
// The same two with every request through submit() and the commands (no reads at once).
BENCHMARK_CAPTURE(Replay, lru_read_hits_submit_path, "lru", engine::CacheMode::write_through, false,
                  false, 100, 1, false)
    ->Arg(1 << 16)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, lru_reads_skewed_submit_path, "lru", engine::CacheMode::write_through,
                  false, true, 100, 4, false)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, lru_writeback_cache_resident, "lru", engine::CacheMode::write_back, false,
                  false)
    ->Arg(1 << 15)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(Replay, lru_writeback_checked, "lru", engine::CacheMode::write_back, true, false)
    ->Arg(1 << 20)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(MetadataPerBlock, lru_clean, "lru", false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(MetadataPerBlock, lru_half_dirty, "lru", true)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(MetadataPerBlock, arc_clean, "arc", false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(MetadataPerBlock, 2q_clean, "2q", false)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(MetadataPerBlock, arc_clean_with_ghosts, "arc", false, true)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(MetadataPerBlock, 2q_clean_with_ghosts, "2q", false, true)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
