// Miss-ratio curve speed (Google Benchmark): block references per second of the exact LRU curve
// (stack distances) and of SHARDS (fixed rate 1 %, fixed size 8,192 blocks), over the references
// of the cache-only comparison's trace kind: 10 M single-block reads, Zipf 0.9 over 2 Mi blocks
// (8 GiB) plus a 10 % sequential scan, generated once in memory (so the trace reader is not
// measured). SHARDS' speed-up is the ratio of the rates, side by side in one run:
//
//   build/bench/flashtwin-bench --benchmark_filter=Curve
#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/sim/block_map.hpp"
#include "flashtwin/sim/miss_ratio_curve.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

using flashtwin::sim::CurveBuilder;
using flashtwin::sim::CurveOptions;
using flashtwin::sim::CurveSampling;

const std::vector<std::uint64_t>& references() {
  static const std::vector<std::uint64_t> keys = [] {
    constexpr std::uint64_t kRequests = 10'000'000, kBlocks = 2 << 20;
    flashtwin::models::SyntheticWorkload zipf;
    zipf.disk_bytes = kBlocks * 4096;
    zipf.pattern = flashtwin::models::AddressPattern::zipf;
    zipf.zipf_theta = 0.9;
    zipf.read_ratio = 1;
    zipf.max_requests = kRequests * 9 / 10;
    zipf.iops = 1e6;
    std::vector<std::uint64_t> out;
    out.reserve(kRequests);
    auto stream = flashtwin::models::make_synthetic_stream(zipf);
    flashtwin::models::StreamRequest r;
    std::uint64_t scan = 0;
    while (stream->next(r)) {
      out.push_back(flashtwin::sim::disk_block_key(1, r.offset_bytes / 4096));
      if (out.size() % 9 == 0) out.push_back(flashtwin::sim::disk_block_key(1, kBlocks + scan++));
    }
    return out;
  }();
  return keys;
}

void run(benchmark::State& state, const CurveOptions& options) {
  const std::vector<std::uint64_t>& keys = references();
  for (auto _ : state) {
    CurveBuilder builder(options);
    for (const std::uint64_t key : keys)
      builder.reference(key, true);
    benchmark::DoNotOptimize(builder.curve().miss_ratio(1 << 18));
  }
  state.counters["references_per_second"] =
      benchmark::Counter(static_cast<double>(keys.size()) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void CurveExact(benchmark::State& state) {
  run(state, CurveOptions{});
}

void CurveShardsRate1Percent(benchmark::State& state) {
  CurveOptions o;
  o.sampling = CurveSampling::fixed_rate;
  o.rate = 0.01;
  run(state, o);
}

void CurveShardsSize8192(benchmark::State& state) {
  CurveOptions o;
  o.sampling = CurveSampling::fixed_size;
  o.max_sampled_blocks = 8192;
  run(state, o);
}

}  // namespace

BENCHMARK(CurveExact)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(CurveShardsRate1Percent)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(CurveShardsSize8192)->Unit(benchmark::kMillisecond)->Iterations(3);
