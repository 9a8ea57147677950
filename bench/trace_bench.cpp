// Trace reader speed (Google Benchmark): records per second of the blktrace reader over a real
// trace, all records read and every queue event turned into a request.
//
//   tar --zstd -xf ../shared/traces/hadoop-datanode-sdb.blktrace.tar.zst -C /tmp
//   FLASHTWIN_BLKTRACE=/tmp/eternity8/sdb build/bench/flashtwin-bench --benchmark_filter=Blktrace
//   FLASHTWIN_VSCSI=../shared/traces/cloudphysics-vm.vscsi build/bench/flashtwin-bench
//       --benchmark_filter=Vscsi       (one command line)
//
// Without the variable a benchmark says so and skips.
#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/vscsi_reader.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

void BlktraceRecords(benchmark::State& state) {
  const char* prefix = std::getenv("FLASHTWIN_BLKTRACE");
  if (prefix == nullptr) {
    state.SkipWithError("set FLASHTWIN_BLKTRACE to a blktrace prefix (see the file comment)");
    return;
  }
  std::uint64_t records = 0;
  for (auto _ : state) {
    flashtwin::models::BlktraceReader reader(flashtwin::models::BlktraceReader::cpu_files(prefix));
    flashtwin::models::StreamRequest request;
    while (reader.next(request))
      benchmark::DoNotOptimize(request);
    records += reader.counters().records_read;
  }
  state.counters["records_per_second"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

void VscsiRecords(benchmark::State& state) {
  const char* file = std::getenv("FLASHTWIN_VSCSI");
  if (file == nullptr) {
    state.SkipWithError("set FLASHTWIN_VSCSI to a vscsi trace (see the file comment)");
    return;
  }
  std::uint64_t records = 0;
  for (auto _ : state) {
    flashtwin::models::VscsiReader reader(file);
    flashtwin::models::StreamRequest request;
    while (reader.next(request)) {
      benchmark::DoNotOptimize(request);
      ++records;
    }
  }
  state.counters["records_per_second"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BlktraceRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(VscsiRecords)->Unit(benchmark::kMillisecond);
