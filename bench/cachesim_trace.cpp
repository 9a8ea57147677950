// flashtwin-cachesim-trace OUT [REQUESTS [BLOCKS [THETA [SCAN_SHARE [SEED]]]]]: writes the trace
// of the cache-only replay comparison with libCacheSim (docs/PERFORMANCE.md) as vscsi v1, a format
// both simulators read. REQUESTS single-block 4 KiB reads (default 10,000,000): a share
// 1 - SCAN_SHARE (default 0.9) drawn Zipf(THETA) (default 0.9) over BLOCKS blocks (default 2 Mi,
// 8 GiB), and SCAN_SHARE a sequential scan of blocks after those (one pass, so every scan block is
// read once), interleaved at constant rates in time order. Deterministic for SEED (default 1).
// Exit 0, or 2 with a message for bad arguments or an unwritable file.
#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/models/trace_writers.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace {

using flashtwin::models::AddressPattern;
using flashtwin::models::ArrivalKind;
using flashtwin::models::StreamRequest;
using flashtwin::models::SyntheticWorkload;

constexpr std::uint64_t kBlock = 4096;

SyntheticWorkload reads(AddressPattern pattern, std::uint64_t blocks, std::uint64_t requests,
                        double iops, double theta, std::uint64_t seed) {
  SyntheticWorkload w;
  w.disk_bytes = blocks * kBlock;
  w.pattern = pattern;
  w.zipf_theta = theta;
  w.read_ratio = 1.0;
  w.arrivals = ArrivalKind::constant;
  w.iops = iops;
  w.max_requests = requests;
  w.seed = seed;
  return w;
}

int write_trace(int argc, char** argv) {
  if (argc < 2 || argc > 7) {
    std::fprintf(stderr,
                 "usage: flashtwin-cachesim-trace OUT [REQUESTS [BLOCKS [THETA [SCAN_SHARE "
                 "[SEED]]]]]\n");
    return 2;
  }
  auto arg = [&](int i, const char* fallback) {
    return std::string(i < argc ? argv[i] : fallback);
  };
  const std::uint64_t requests = std::stoull(arg(2, "10000000"));
  const std::uint64_t blocks = std::stoull(arg(3, "2097152"));
  const double theta = std::stod(arg(4, "0.9"));
  const double scan_share = std::stod(arg(5, "0.1"));
  const std::uint64_t seed = std::stoull(arg(6, "1"));
  if (requests == 0 || blocks == 0 || !(scan_share >= 0 && scan_share < 1)) {
    std::fprintf(stderr,
                 "flashtwin-cachesim-trace: REQUESTS and BLOCKS > 0, SCAN_SHARE in [0, 1)\n");
    return 2;
  }
  const auto scan_requests = static_cast<std::uint64_t>(static_cast<double>(requests) * scan_share);
  const std::uint64_t zipf_requests = requests - scan_requests;
  // Rates in proportion, over the same span of time: 1 s per 10,000 requests.
  auto zipf = flashtwin::models::make_synthetic_stream(
      reads(AddressPattern::zipf, blocks, zipf_requests, 10000.0 * (1 - scan_share), theta, seed));
  std::unique_ptr<flashtwin::models::RequestStream> scan;
  if (scan_requests > 0) {
    scan = flashtwin::models::make_synthetic_stream(reads(AddressPattern::sequential, scan_requests,
                                                          scan_requests, 10000.0 * scan_share,
                                                          theta, seed + 1));
  }
  auto writer = flashtwin::models::make_trace_writer("vscsi", argv[1]);
  StreamRequest a, b;
  bool has_a = zipf->next(a);
  bool has_b = scan != nullptr && scan->next(b);
  while (has_a || has_b) {
    if (has_a && (!has_b || a.time_ns <= b.time_ns)) {
      writer->write(a);
      has_a = zipf->next(a);
    } else {
      b.offset_bytes += blocks * kBlock;  // the scan reads blocks the Zipf part never touches
      writer->write(b);
      has_b = scan->next(b);
    }
  }
  writer->finish();
  std::printf("%s: %llu requests (%llu Zipf(%g) over %llu blocks, %llu sequential scan)\n", argv[1],
              static_cast<unsigned long long>(writer->counters().written),
              static_cast<unsigned long long>(zipf_requests), theta,
              static_cast<unsigned long long>(blocks),
              static_cast<unsigned long long>(scan_requests));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return write_trace(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flashtwin-cachesim-trace: %s\n", e.what());
    return 2;
  }
}
