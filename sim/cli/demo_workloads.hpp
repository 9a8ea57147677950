// The embedded demo mix for cache-only replay: three virtual disks with contrasting workloads that
// compete for one host's flash, so eviction and admission policies visibly differ.
//   oltp    zipf(0.99) random, 70 % reads, 4-64 KiB, 3000 IOPS    (a database)
//   vdi     hot set (5 % of blocks get 90 %), 85 % reads, bursts   (desktops booting)
//   backup  sequential 64 KiB reads, 200 IOPS                      (a scan that pollutes LRU)
#pragma once

#include "flashtwin/models/synthetic_workload.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace flashtwin::cli {

struct DemoDisk {
  std::string name;
  models::SyntheticWorkload workload;
};

// `duration_s` of simulated time; `seed` varies every disk's stream.
std::vector<DemoDisk> demo_workloads(double duration_s, std::uint64_t seed);

}  // namespace flashtwin::cli
