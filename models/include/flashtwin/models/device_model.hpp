// A cache device (SATA SSD, NVMe, Optane, a RAM tier): its parameters as a datasheet gives them
// (DeviceProfile), the queues that reproduce them (FlashDevice), and presets found by name.
//
// The queues. A device is a controller in front of `channels` parallel flash units (dies behind
// their channels) served from one waiting line (a ServerPool), with a DRAM write buffer:
//   - read of S bytes: a fixed controller/transfer time, then min(channels, ceil(S / 4 KiB))
//     parts of S / parts bytes, each a job on a channel of
//         read_part_s(b) = read_fixed_s + b / (read_mbps / channels),
//     done when every part is. read_fixed_s is set so that a 4 KiB part takes channels /
//     read_iops (so `channels` busy channels give read_iops), and the controller time is the rest
//     of read_latency_us (so a 4 KiB read alone takes read_latency_us).
//   - write of S bytes: acknowledged write_latency_us after the write buffer admits it; the buffer
//     drains each write as one background job of program time
//         program_s(S) = WA * page_program_s * S / 4 KiB,
//     where page_program_s is set so that at the steady-state write amplification WA_ss the
//     channels drain exactly write_iops random 4 KiB writes per second. When the buffer is full,
//     writes wait (the steady state of the datasheet's random-write figure).
//   - reads and programs share the channels. Reads go first while the buffer is less than half
//     full; from then on (and while writes wait) programs go first, so sustained writes and
//     garbage collection slow reads, as on real flash.
// Garbage collection (write amplification). Cleaning a block whose pages are a fraction u valid
// rewrites them: WA = 1 / (1 - u) (the cleaning-cost model of log-structured storage, with
// u = valid bytes / physical bytes). Physical bytes = capacity * (1 + spare_factor); valid bytes =
// the capacity the cache uses. So a device used to its full capacity runs at WA_ss =
// (1 + spare_factor) / spare_factor and reproduces the datasheet's steady-state write IOPS; a
// cache using half of it writes faster. A preconditioned device (the default; the datasheets'
// steady state) cleans from the start; a fresh one writes at WA 1 until it has written its
// physical capacity once. Media written in place (3D XPoint, DRAM) have no GC: WA 1.
// Queue depth: at most queue_depth commands are outstanding (submitted and not completed); more
// wait in arrival order in the host's queue.
//
// What is a datasheet figure and what is a modelling choice is said per preset in
// device_model.cpp; a test (tests/models/device_datasheet_test.cpp) measures each preset's 4 KiB
// random QD1 latencies and high-queue-depth IOPS in the model and compares them with the sheet.
//
// Units: latencies in microseconds, bandwidths in MB/s (10^6 bytes per second), sizes in bytes.
// Thread rules: presets are immutable; a FlashDevice is not thread-safe.
#pragma once

#include "flashtwin/models/event_scheduler.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

enum class DeviceOp : std::uint8_t { read, write };

struct DeviceProfile {
  std::string name;
  std::uint64_t capacity_bytes = 0;  // the device's own usable capacity; > 0
  double read_latency_us = 0;        // 4 KiB random read at queue depth 1; > 0
  double write_latency_us = 0;       // 4 KiB random write at queue depth 1; > 0
  double read_iops = 0;              // 4 KiB random reads at high queue depth; > 0
  double write_iops = 0;             // 4 KiB random writes at high queue depth, steady state; > 0
  double read_mbps = 0;              // sequential read; > 0
  std::uint32_t channels = 1;        // flash units working in parallel; >= 1
  std::uint32_t queue_depth = 1;     // commands outstanding at once; >= 1
  std::uint64_t write_buffer_bytes = 0;  // DRAM write buffer; > 0
  double spare_factor = 0.07;            // physical / capacity - 1 (over-provisioning); > 0
  bool garbage_collection = true;        // false: written in place (no write amplification)
  double endurance_dwpd = 0;             // rated drive writes per day (5 years); 0: not rated
  bool is_volatile = false;              // contents lost on power loss (a RAM tier)
};

// Throws std::invalid_argument naming the device and the field, e.g.
// "device 'x': read_iops: must be finite and > 0, got -1".
void validate(const DeviceProfile& profile);

// Steady-state write amplification of a device whose cache uses `used_bytes` of it (formula in
// the file comment); 1 without garbage collection.
double write_amplification(const DeviceProfile& profile, std::uint64_t used_bytes);

// The preset called `name`. Throws std::invalid_argument listing the known names for an unknown
// one. Presets (sources in device_model.cpp): "nvme-1.6t", "nvme-p4500-1t", "nvme-optane-375g",
// "ram", "sata-ssd-960g".
const DeviceProfile& device_preset(std::string_view name);
// Known preset names, sorted.
std::vector<std::string> device_preset_names();

// Counters of a FlashDevice since it was built; subtract two snapshots for a window.
struct DeviceLoad {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;  // by the host (wear is this times write amplification)
  std::uint64_t writes_waited = 0;  // writes that found the write buffer full
  std::uint32_t channels = 0;
  double channel_busy_s = 0;       // busy channel-seconds
  double write_amplification = 1;  // a gauge
};

class FlashDevice {
 public:
  // A device whose cache uses `used_bytes` of it (<= capacity_bytes, checked: throws
  // std::invalid_argument naming both). Service times are deterministic. Validates `profile`.
  FlashDevice(const DeviceProfile& profile, std::uint64_t used_bytes, EventScheduler& scheduler,
              bool preconditioned = true);
  ~FlashDevice();
  FlashDevice(const FlashDevice&) = delete;
  FlashDevice& operator=(const FlashDevice&) = delete;

  // An I/O of `bytes`; `done` runs at its completion.
  void submit(DeviceOp op, std::uint64_t bytes, std::function<void()> done);

  DeviceLoad load() const;
  const DeviceProfile& profile() const;

 private:
  struct Queues;
  std::unique_ptr<Queues> queues_;
};

}  // namespace flashtwin::models
