// Device presets, validation, closed-form timing and the GC rule (see device_model.hpp).
#include "flashtwin/models/device_model.hpp"

#include "workload_text.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

namespace flashtwin::models {
namespace {

// The preset table. Datasheet figures are quoted from memory of the vendors' product briefs and
// datasheets (sequential MB/s, typical latency); re-check them against the current datasheet
// before calibrating anything. Queue depths and GC parameters are modelling choices, not
// datasheet figures: the GC factor is about the ratio of the datasheet's steady-state 4 KiB random
// write bandwidth to its sequential write bandwidth.
std::map<std::string, DeviceProfile, std::less<>> make_presets() {
  std::map<std::string, DeviceProfile, std::less<>> table;
  auto add = [&table](DeviceProfile p) {
    validate(p);
    const std::string key = p.name;
    table.emplace(key, std::move(p));
  };

  // Intel SSD D3-S4510 960 GB (SATA 6 Gb/s, TLC), Intel datasheet: sequential read 560 MB/s,
  // sequential write 510 MB/s, typical latency read 36 us / write 37 us; 4 KiB random write
  // ~36k IOPS (~150 MB/s, ~0.3 of sequential). Queue depth 32 = SATA NCQ.
  add({.name = "sata-ssd-960g",
       .read_latency_us = 36,
       .write_latency_us = 37,
       .read_mbps = 560,
       .write_mbps = 510,
       .queue_depth = 32,
       .is_volatile = false,
       .gc = {.onset_utilisation = 0.5,
              .recovery_utilisation = 0.25,
              .write_bandwidth_factor = 0.35,
              .window_s = 5.0}});

  // Intel SSD DC P4610 1.6 TB (NVMe PCIe 3.1 x4, TLC), Intel product brief: sequential read
  // 3200 MB/s, sequential write 2080 MB/s, latency read 77 us / write 18 us; 4 KiB random write
  // ~199k IOPS (~815 MB/s, ~0.4 of sequential). Queue depth 128: a modelling choice (the random
  // figures are quoted at high queue depths). Endurance 3 drive writes per day (5 years).
  add({.name = "nvme-1.6t",
       .read_latency_us = 77,
       .write_latency_us = 18,
       .read_mbps = 3200,
       .write_mbps = 2080,
       .queue_depth = 128,
       .is_volatile = false,
       .gc = {.onset_utilisation = 0.5,
              .recovery_utilisation = 0.3,
              .write_bandwidth_factor = 0.4,
              .window_s = 5.0},
       .endurance_dwpd = 3});

  // Intel Optane SSD DC P4800X 375 GB (3D XPoint, NVMe), Intel product brief: sequential read
  // 2400 MB/s, sequential write 2000 MB/s, latency < 10 us read and write (10 us used here).
  // Write-in-place media: no GC slowdown (factor 1). Queue depth 32: modelling choice (the brief
  // shows it near peak IOPS at low queue depths).
  add({.name = "nvme-optane-375g",
       .read_latency_us = 10,
       .write_latency_us = 10,
       .read_mbps = 2400,
       .write_mbps = 2000,
       .queue_depth = 32,
       .is_volatile = false,
       .gc = {.onset_utilisation = 1.0,
              .recovery_utilisation = 0.5,
              .write_bandwidth_factor = 1.0,
              .window_s = 5.0}});

  // A RAM tier in the hypervisor (not a datasheet): 1 us per I/O for the software path and copy
  // set-up, 10 000 MB/s for one copying core (below a DDR4 channel's ~21 GB/s peak). Volatile, no
  // GC. Queue depth 1024: effectively unlimited.
  add({.name = "ram",
       .read_latency_us = 1,
       .write_latency_us = 1,
       .read_mbps = 10000,
       .write_mbps = 10000,
       .queue_depth = 1024,
       .is_volatile = true,
       .gc = {.onset_utilisation = 1.0,
              .recovery_utilisation = 0.5,
              .write_bandwidth_factor = 1.0,
              .window_s = 5.0}});
  return table;
}

const std::map<std::string, DeviceProfile, std::less<>>& presets() {
  static const auto table = make_presets();
  return table;
}

[[noreturn]] void reject(const DeviceProfile& p, const char* field, const char* rule, double got) {
  throw std::invalid_argument("device '" + p.name + "': " + field + ": " + rule + ", got " +
                              format_number(got));
}

void require_positive(const DeviceProfile& p, const char* field, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) reject(p, field, "must be finite and > 0", value);
}

void require_non_negative(const DeviceProfile& p, const char* field, double value) {
  if (!(value >= 0.0) || !std::isfinite(value)) reject(p, field, "must be finite and >= 0", value);
}

}  // namespace

void validate(const DeviceProfile& p) {
  if (p.name.empty()) throw std::invalid_argument("device: name: must not be empty");
  require_non_negative(p, "read_latency_us", p.read_latency_us);
  require_non_negative(p, "write_latency_us", p.write_latency_us);
  require_positive(p, "read_mbps", p.read_mbps);
  require_positive(p, "write_mbps", p.write_mbps);
  if (p.queue_depth < 1) reject(p, "queue_depth", "must be >= 1", p.queue_depth);
  const GcSlowdown& gc = p.gc;
  if (!(gc.onset_utilisation > 0.0 && gc.onset_utilisation <= 1.0)) {
    reject(p, "gc.onset_utilisation", "must be in (0, 1]", gc.onset_utilisation);
  }
  if (!(gc.write_bandwidth_factor > 0.0 && gc.write_bandwidth_factor <= 1.0)) {
    reject(p, "gc.write_bandwidth_factor", "must be in (0, 1]", gc.write_bandwidth_factor);
  }
  if (!(gc.recovery_utilisation >= 0.0 && gc.recovery_utilisation < gc.onset_utilisation &&
        gc.recovery_utilisation < gc.write_bandwidth_factor)) {
    reject(p, "gc.recovery_utilisation",
           "must be >= 0 and below both gc.onset_utilisation and gc.write_bandwidth_factor",
           gc.recovery_utilisation);
  }
  require_positive(p, "gc.window_s", gc.window_s);
}

double io_time_s(const DeviceProfile& profile, DeviceOp op, std::uint64_t bytes) {
  const bool read = op == DeviceOp::read;
  const double latency_us = read ? profile.read_latency_us : profile.write_latency_us;
  const double mbps = read ? profile.read_mbps : profile.write_mbps;
  return latency_us * 1e-6 + static_cast<double>(bytes) / (mbps * 1e6);
}

const DeviceProfile& device_preset(std::string_view name) {
  const auto& table = presets();
  if (auto it = table.find(name); it != table.end()) return it->second;
  std::string known;
  for (const auto& [key, profile] : table)
    known += (known.empty() ? "" : ", ") + key;
  throw std::invalid_argument("unknown device preset '" + std::string(name) +
                              "'; known presets: " + known);
}

std::vector<std::string> device_preset_names() {
  std::vector<std::string> names;
  for (const auto& [key, profile] : presets())
    names.push_back(key);
  return names;
}

GarbageCollection::GarbageCollection(const DeviceProfile& profile) : profile_(profile) {
  validate(profile_);
}

double GarbageCollection::end_window(std::uint64_t written_bytes) {
  const double capacity_bytes = profile_.write_mbps * 1e6 * profile_.gc.window_s;
  const double utilisation = static_cast<double>(written_bytes) / capacity_bytes;
  if (!collecting_ && utilisation > profile_.gc.onset_utilisation) {
    collecting_ = true;
  } else if (collecting_ && utilisation < profile_.gc.recovery_utilisation) {
    collecting_ = false;
  }
  return write_mbps();
}

double GarbageCollection::write_mbps() const {
  return collecting_ ? profile_.write_mbps * profile_.gc.write_bandwidth_factor
                     : profile_.write_mbps;
}

}  // namespace flashtwin::models
