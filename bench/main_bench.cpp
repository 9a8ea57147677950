// The benchmarks' main(): every *_bench.cpp registers its benchmarks.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
