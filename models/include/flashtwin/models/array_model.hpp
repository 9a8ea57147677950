// The shared storage array behind the flash tier, as the queues it has (ArrayProfile,
// StorageArray), and its presets found by name.
//
//   host --network--> front end --> [read cache] --> backend: N servers, FIFO
//                         |                              ^
//                         +--> NVRAM write cache ---drain (background jobs)
//
// - Front end: ports of frontend_mbps in all and controller_latency_us per I/O. They are shared by
//   every host, so the SimGrid platform makes them a link on every route to the array
//   (simgrid_platform.hpp); StorageArray models what lies behind them.
// - Read cache: a read hits the controller's cache with probability read_cache_hit_ratio and
//   needs no backend work; otherwise it is a backend job.
// - NVRAM: a write is acknowledged as soon as NVRAM has room for it; admitted writes drain to the
//   backend oldest first, each costing write_penalty backend operations of its size (RAID: 2 for
//   RAID 10, 4 for RAID 5, 6 for RAID 6, less where the array coalesces full stripes). Drains run
//   on idle servers, and go before host reads once NVRAM is nvram_urgent_fill full or writes wait.
//   When NVRAM is full, writes wait for drains: the write cliff. Without NVRAM (0 bytes) a write
//   is acknowledged when the backend has done its write_penalty operations.
// - Backend: backend_servers identical servers (spindles, or flash units) with one FIFO line (a
//   ServerPool). One operation of S bytes takes a positioning time (mean backend_positioning_us,
//   coefficient of variation backend_service_cv: 0 deterministic, 1 exponential, gamma between)
//   plus S / backend_media_mbps. Latency distributions and saturation come from this queue:
//   nothing caps or shapes them.
//
// Two controls make the array fail as real arrays do (scenario events drive them, sim/):
// - Slowdown (a RAID rebuild, a degraded controller): set_service_factor(k), k >= 1. Backend
//   operations that start while it is set take k times their service time (positioning plus
//   transfer; a write's drain, its write_penalty operations in a row, is one operation here);
//   operations already in service keep theirs. The controller, the read cache and NVRAM admission
//   are not slowed: NVRAM still acknowledges writes at once while it has room, but drains k times
//   slower, so the write cliff comes sooner. k = 1 restores the array. backend_demand_s stays the
//   nominal work; backend_busy_server_s shows the slowdown.
// - Outage (both controllers down, the array answers nothing): from begin_outage(), no backend
//   operation starts, NVRAM admits no write and the read cache answers no read (it is the
//   controller's); reads and writes arriving are held, in arrival order. Operations already in
//   service (host reads, drains) run to their end, but their completions are held too. NVRAM
//   keeps what it holds (battery-backed and mirrored: an outage loses nothing). end_outage()
//   first delivers the held completions in the order the operations ended (a finished drain frees
//   its NVRAM room, which admits the writes that waited for room since before the outage), then
//   admits the held requests in arrival order as if they arrived then: read cache, NVRAM, backend
//   line, with the service factor of that moment. Hosts neither time out nor retry: a request is
//   held, never failed. The front end (a link of the SimGrid platform) still carries data: a
//   write's data reaches the controller and waits there.
//
// Units: latencies in microseconds, bandwidths in MB/s (10^6 bytes per second), sizes in bytes.
// Thread rules: presets are immutable; a StorageArray is not thread-safe.
#pragma once

#include "flashtwin/models/event_scheduler.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

struct ArrayProfile {
  std::string name;
  double frontend_mbps = 0;           // all front-end ports together; > 0
  double controller_latency_us = 0;   // per I/O through the controller; >= 0
  std::uint64_t nvram_bytes = 0;      // write cache; 0: none
  double nvram_urgent_fill = 0.5;     // in [0, 1]: drains go before reads from this fill on
  double read_cache_hit_ratio = 0;    // in [0, 1)
  std::uint32_t backend_servers = 1;  // >= 1
  double backend_positioning_us = 0;  // mean per backend operation; > 0
  double backend_service_cv = 0;      // in [0, 1]
  double backend_media_mbps = 0;      // per server; > 0
  double write_penalty = 1;           // backend operations per written byte drained; >= 1
};

// Throws std::invalid_argument naming the array and the field.
void validate(const ArrayProfile& profile);

// Mean backend service time of one operation of `bytes`, microseconds.
double backend_service_us(const ArrayProfile& profile, std::uint64_t bytes);
// Backend throughput limit for a stream of `bytes`-sized I/Os with `read_share` reads (the rest
// writes, each costing write_penalty operations), in I/Os per second, read cache hits excluded.
double backend_capacity_iops(const ArrayProfile& profile, std::uint64_t bytes, double read_share);

// The preset called `name`: "all-flash", "hybrid-10k" (what each stands for, with sources, in
// array_model.cpp). Throws std::invalid_argument listing the known names for an unknown one.
const ArrayProfile& array_preset(std::string_view name);
// Known preset names, sorted.
std::vector<std::string> array_preset_names();

// Counters of a StorageArray since it was built; subtract two snapshots for a window.
struct ArrayLoad {
  std::uint64_t reads = 0;   // host reads that reached the array
  std::uint64_t writes = 0;  // host writes that reached the array
  std::uint64_t read_cache_hits = 0;
  std::uint64_t writes_waited = 0;     // writes that found NVRAM full
  std::uint64_t nvram_used_bytes = 0;  // a gauge, at the snapshot
  std::uint64_t nvram_bytes = 0;       // capacity
  std::uint32_t backend_servers = 0;
  std::size_t backend_waiting = 0;  // a gauge: foreground jobs in line
  double backend_busy_server_s = 0;
  // Backend work that arrived: each read's service time, each write's mean drain cost
  // (write_penalty operations) when it reaches the array, drained or not.
  double backend_demand_s = 0;
  // Outages and slowdowns (see StorageArray).
  std::uint64_t requests_held = 0;   // host reads and writes that arrived during an outage
  std::size_t requests_on_hold = 0;  // a gauge: of those, not yet admitted (the outage goes on)
  double service_factor = 1;         // a gauge: the backend's slowdown factor (1: none)
  bool outage = false;               // a gauge: the array is in an outage
};

// Whether the backend kept up over a window, and the figures that say so.
struct ArraySaturation {
  double offered_iops = 0;   // host I/Os per second that reached the array
  double capacity_iops = 0;  // the I/Os per second the backend can serve at this mix
  double utilisation = 0;    // busy server-seconds / (servers * window)
  double offered_load = 0;   // backend demand / (servers * window); >= 1: cannot keep up
  bool saturated = false;    // utilisation >= 0.98 or offered_load >= 1
};
// `begin` and `end` are snapshots `window_s` apart (> 0).
ArraySaturation assess_saturation(const ArrayLoad& begin, const ArrayLoad& end, double window_s);

class StorageArray {
 public:
  // `seed` drives service times and read cache hits. Validates `profile` (throws).
  StorageArray(const ArrayProfile& profile, EventScheduler& scheduler, std::uint64_t seed);
  ~StorageArray();
  StorageArray(const StorageArray&) = delete;
  StorageArray& operator=(const StorageArray&) = delete;

  // A read of `bytes` that crossed the front end; `done` runs when its data is ready to go back.
  void read(std::uint64_t bytes, std::function<void()> done);
  // A write of `bytes` that crossed the front end; `done` runs when it is acknowledged.
  void write(std::uint64_t bytes, std::function<void()> done);

  // Slowdown: backend operations starting from now take `factor` times their service time; 1
  // restores. Requires a finite factor >= 1 (throws std::invalid_argument).
  void set_service_factor(double factor);
  // Outage: see the file comment. begin_outage() during an outage and end_outage() outside one
  // throw std::logic_error.
  void begin_outage();
  void end_outage();

  ArrayLoad load() const;
  const ArrayProfile& profile() const;

 private:
  struct Queues;
  std::unique_ptr<Queues> queues_;
};

}  // namespace flashtwin::models
