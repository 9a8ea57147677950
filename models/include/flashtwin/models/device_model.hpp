// DeviceProfile: the parameters of one cache device type (SATA SSD, NVMe, Optane, a RAM tier), its
// closed-form I/O timing, its garbage-collection slowdown rule, and presets found by name.
//
// Plain C++ (no SimGrid): the SimGrid platform builder (simgrid_platform.hpp) turns a profile into
// links; the runtime applies the GC rule by changing the write link's bandwidth.
//
// Units: latencies in microseconds, bandwidths in MB/s where 1 MB/s = 10^6 bytes per second
// (megabytes, not megabits; the same unit as the vendor datasheets' "MB/s").
//
// Timing model (what the SimGrid links reproduce exactly for an I/O alone on the device):
//   io_time_s(read,  S) = read_latency_us  * 1e-6 + S / (read_mbps  * 1e6)
//   io_time_s(write, S) = write_latency_us * 1e-6 + S / (write_mbps * 1e6)
// Concurrent I/Os share the bandwidth; the latency part of concurrent I/Os overlaps (see
// simgrid_platform.hpp for what queue_depth does in SimGrid 3.32).
//
// Garbage-collection rule (GarbageCollection below). Time is cut into windows of gc.window_s. At
// the end of each window, the write utilisation is
//   u = bytes written in the window / (write_mbps * 1e6 * gc.window_s)
// i.e. the share of the nominal write bandwidth that was used. GC starts when u >
// gc.onset_utilisation and stops when u < gc.recovery_utilisation (hysteresis). While GC runs, the
// device writes at gc.write_bandwidth_factor * write_mbps; reads are unaffected.
// recovery_utilisation < write_bandwidth_factor, so a workload that saturates the slowed device (u
// ~= factor) keeps GC on instead of flapping it off every other window. A factor of 1 means "no GC
// slowdown" (RAM, write-in-place media).
//
// Thread rules: presets are immutable and may be read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

enum class DeviceOp : std::uint8_t { read, write };

struct GcSlowdown {
  double onset_utilisation = 1.0;       // in (0, 1]
  double recovery_utilisation = 0.5;    // in [0, onset_utilisation) and < write_bandwidth_factor
  double write_bandwidth_factor = 1.0;  // in (0, 1]; 1 = no slowdown
  double window_s = 5.0;                // > 0 and finite
};

struct DeviceProfile {
  std::string name;
  double read_latency_us = 0;   // >= 0 and finite
  double write_latency_us = 0;  // >= 0 and finite
  double read_mbps = 0;         // > 0 and finite
  double write_mbps = 0;        // > 0 and finite
  // Commands the device serves at once (>= 1). See simgrid_platform.hpp for how it is enforced.
  std::uint32_t queue_depth = 1;
  // Contents lost on power loss (a RAM tier): write-back to it is only as safe as its replicas.
  bool is_volatile = false;
  GcSlowdown gc;
  // Rated endurance in drive writes per day (the datasheet's DWPD); 0: not rated (RAM, unknown).
  double endurance_dwpd = 0;
};

// Throws std::invalid_argument naming the device and the field, e.g.
// "device 'x': read_mbps: must be finite and > 0, got -1".
void validate(const DeviceProfile& profile);

// The closed-form duration of one I/O of `bytes` alone on the device (formula above), seconds.
double io_time_s(const DeviceProfile& profile, DeviceOp op, std::uint64_t bytes);

// The preset called `name`. Throws std::invalid_argument listing the known names for an unknown
// one. Presets (sources in device_model.cpp): "sata-ssd-960g", "nvme-1.6t", "nvme-optane-375g",
// "ram".
const DeviceProfile& device_preset(std::string_view name);
// Known preset names, sorted.
std::vector<std::string> device_preset_names();

// The GC rule's state for one device (see the file comment). Not thread-safe.
class GarbageCollection {
 public:
  // Requires a valid profile (checked: throws std::invalid_argument).
  explicit GarbageCollection(const DeviceProfile& profile);

  // Ends one window of profile.gc.window_s during which `written_bytes` were written; returns the
  // write bandwidth (MB/s) the device has for the next window.
  double end_window(std::uint64_t written_bytes);

  bool collecting() const { return collecting_; }
  // Current write bandwidth, MB/s: write_mbps, or write_mbps * write_bandwidth_factor during GC.
  double write_mbps() const;

 private:
  DeviceProfile profile_;
  bool collecting_ = false;
};

}  // namespace flashtwin::models
