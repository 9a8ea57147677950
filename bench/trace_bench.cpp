// Trace reader speed (Google Benchmark): records per second of the blktrace reader over a real
// trace, all records read and every queue event turned into a request.
//
//   tar --zstd -xf ../shared/traces/hadoop-datanode-sdb.blktrace.tar.zst -C /tmp
//   FLASHTWIN_BLKTRACE=/tmp/eternity8/sdb build/bench/flashtwin-bench --benchmark_filter=Blktrace
//   FLASHTWIN_BLKTRACE=../shared/traces/hadoop-datanode-sdb.blktrace.tar.zst
//       build/bench/flashtwin-bench --benchmark_filter=Blktrace   (the bundle read in place)
//   FLASHTWIN_VSCSI=../shared/traces/cloudphysics-vm.vscsi build/bench/flashtwin-bench
//       --benchmark_filter=Vscsi       (one command line)
//
// Without the variable a benchmark says so and skips.
#include "flashtwin/models/blkparse_text_reader.hpp"
#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/csv_trace_reader.hpp"
#include "flashtwin/models/fio_iolog_reader.hpp"
#include "flashtwin/models/msr_trace_reader.hpp"
#include "flashtwin/models/vscsi_reader.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

void BlktraceRecords(benchmark::State& state) {
  const char* prefix = std::getenv("FLASHTWIN_BLKTRACE");
  if (prefix == nullptr) {
    state.SkipWithError(
        "set FLASHTWIN_BLKTRACE to a blktrace prefix or bundle (see the file comment)");
    return;
  }
  // A file (a bundle, or one per-CPU file) as it is; a prefix for its per-CPU files.
  const std::vector<std::filesystem::path> files =
      std::filesystem::is_regular_file(prefix)
          ? std::vector<std::filesystem::path>{prefix}
          : flashtwin::models::BlktraceReader::cpu_files(prefix);
  std::uint64_t records = 0;
  for (auto _ : state) {
    flashtwin::models::BlktraceReader reader(files);
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

// The text formats, on a million generated lines each (written once to the temp folder).
constexpr int kTextLines = 1'000'000;

std::string text_trace(const std::string& name, const std::function<std::string(int)>& line,
                       const std::string& header) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  if (!std::filesystem::exists(path)) {
    std::ofstream out(path);
    out << header;
    for (int i = 0; i < kTextLines; ++i)
      out << line(i);
  }
  return path;
}

template <class Reader>
void TextRecords(benchmark::State& state, const std::string& path) {
  std::uint64_t records = 0;
  for (auto _ : state) {
    Reader reader(path);
    flashtwin::models::StreamRequest request;
    while (reader.next(request)) {
      benchmark::DoNotOptimize(request);
      ++records;
    }
  }
  state.counters["records_per_second"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

void CsvRecords(benchmark::State& state) {
  TextRecords<flashtwin::models::CsvTraceReader>(
      state, text_trace(
                 "flashtwin-bench.csv",
                 [](int i) {
                   return std::to_string(i * 10) + (i % 3 ? ",R," : ",W,") +
                          std::to_string((i * 7919L % 1000000) * 4096) + ",4096\n";
                 },
                 "time_us,op,offset,length\n"));
}

void BlkparseTextRecords(benchmark::State& state) {
  TextRecords<flashtwin::models::BlkparseTextReader>(
      state, text_trace(
                 "flashtwin-bench.blkparse",
                 [](int i) {
                   char line[128];
                   std::snprintf(line, sizeof line,
                                 "  8,16   1 %8d %5d.%09d  4242  Q  %s %ld + 8 [db]\n", i + 1,
                                 i / 100000, (i % 100000) * 10000, i % 3 ? "R " : "WS",
                                 i * 7919L % 1000000 * 8);
                   return std::string(line);
                 },
                 ""));
}

void FioIologRecords(benchmark::State& state) {
  TextRecords<flashtwin::models::FioIologReader>(
      state, text_trace(
                 "flashtwin-bench.iolog",
                 [](int i) {
                   return std::to_string(i / 100) + " /dev/sdb " + (i % 3 ? "read " : "write ") +
                          std::to_string((i * 7919L % 1000000) * 4096) + " 4096\n";
                 },
                 "fio version 3 iolog\n0 /dev/sdb add\n0 /dev/sdb open\n"));
}

void MsrRecords(benchmark::State& state) {
  TextRecords<flashtwin::models::MsrTraceReader>(
      state, text_trace(
                 "flashtwin-bench.msr.csv",
                 [](int i) {
                   return std::to_string(128166372000000000L + i * 1000L) + ",hm,0," +
                          (i % 3 ? "Read," : "Write,") +
                          std::to_string((i * 7919L % 1000000) * 4096) + ",4096,1500\n";
                 },
                 ""));
}

}  // namespace

BENCHMARK(BlktraceRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(CsvRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(BlkparseTextRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(FioIologRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(MsrRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(VscsiRecords)->Unit(benchmark::kMillisecond);
