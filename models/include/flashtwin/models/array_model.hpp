// ArrayProfile: the parameters of the shared storage array behind the flash tier, the backend
// latency as load rises, and presets found by name.
//
// Plain C++ (no SimGrid). The SimGrid platform builder models the array's front end as a link
// (frontend_mbps, controller_latency_us) on every route to the array; the runtime adds the backend
// latency below to I/Os that miss the NVRAM write cache (reads, and writes once NVRAM is full) and
// drains NVRAM at destage_mbps.
//
// Units: latencies in microseconds, bandwidths in MB/s (10^6 bytes per second), load in IOPS.
//
// Backend latency (backend_latency_us). The backend is N independent servers (disks, or flash
// groups), each serving one I/O at a time in backend_base_latency_us on average, with I/Os spread
// uniformly over them and Poisson arrivals. So N = backend_iops * base latency, each server is an
// M/M/1 queue with utilisation rho = load_iops / backend_iops, and the mean response time is the
// M/M/1 formula
//     R(load) = backend_base_latency_us / (1 - load_iops / backend_iops)   for load < backend_iops
// and +infinity at or above the ceiling (the queue grows without bound). R(0) is the base latency;
// R doubles at 50 % of the ceiling and is 10x at 90 %.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

struct ArrayProfile {
  std::string name;
  double frontend_mbps = 0;            // all front-end ports together; > 0
  double controller_latency_us = 0;    // per I/O through the controller (NVRAM hit); >= 0
  std::uint64_t nvram_bytes = 0;       // write cache; may be 0 (no write cache)
  double destage_mbps = 0;             // NVRAM -> backend drain rate; > 0
  double backend_iops = 0;             // backend ceiling; > 0
  double backend_base_latency_us = 0;  // unloaded backend service time; > 0
};

// Throws std::invalid_argument naming the array and the field.
void validate(const ArrayProfile& profile);

// Mean backend response time at `load_iops` (formula above), microseconds: finite and increasing
// for 0 <= load_iops < backend_iops, +infinity at or above it. Throws std::invalid_argument for a
// negative or NaN load.
double backend_latency_us(const ArrayProfile& profile, double load_iops);

// The preset called `name`: "all-flash", "hybrid-10k" (sources in array_model.cpp). Throws
// std::invalid_argument listing the known names for an unknown one.
const ArrayProfile& array_preset(std::string_view name);
// Known preset names, sorted.
std::vector<std::string> array_preset_names();

}  // namespace flashtwin::models
