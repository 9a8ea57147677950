// Array presets, validation and backend latency (see array_model.hpp).
#include "flashtwin/models/array_model.hpp"

#include "workload_text.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

// Representative mid-range arrays, not one vendor's datasheet: the figures are the usual rules of
// thumb for the class, stated so they can be checked and replaced.
std::map<std::string, ArrayProfile, std::less<>> make_presets() {
  std::map<std::string, ArrayProfile, std::less<>> table;
  auto add = [&table](ArrayProfile p) {
    validate(p);
    const std::string key = p.name;
    table.emplace(key, std::move(p));
  };
  // Dual-controller hybrid array with 48 x 10k rpm SAS disks. A 10k rpm disk: 3 ms average
  // rotational latency (half a turn) + ~3.5 ms average seek -> ~6 ms per random I/O, ~170 IOPS;
  // 48 disks -> ~8000 IOPS before RAID write penalties. Front end 4 x 8 Gb FC (~800 MB/s each).
  // 8 GiB mirrored NVRAM; destage ~400 MB/s of coalesced writes.
  add({.name = "hybrid-10k",
       .frontend_mbps = 3200,
       .controller_latency_us = 150,
       .nvram_bytes = 8 * kGiB,
       .destage_mbps = 400,
       .backend_iops = 8000,
       .backend_base_latency_us = 6000});
  // Dual-controller all-flash array: "sub-millisecond" class. Front end 4 x 16 Gb FC
  // (~1600 MB/s each); 16 GiB NVRAM; backend of a few dozen SAS/NVMe SSDs, ~400k IOPS at ~200 us.
  add({.name = "all-flash",
       .frontend_mbps = 6400,
       .controller_latency_us = 100,
       .nvram_bytes = 16 * kGiB,
       .destage_mbps = 3000,
       .backend_iops = 400000,
       .backend_base_latency_us = 200});
  return table;
}

const std::map<std::string, ArrayProfile, std::less<>>& presets() {
  static const auto table = make_presets();
  return table;
}

[[noreturn]] void reject(const ArrayProfile& p, const char* field, const char* rule, double got) {
  throw std::invalid_argument("array '" + p.name + "': " + field + ": " + rule + ", got " +
                              format_number(got));
}

void require_positive(const ArrayProfile& p, const char* field, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) reject(p, field, "must be finite and > 0", value);
}

}  // namespace

void validate(const ArrayProfile& p) {
  if (p.name.empty()) throw std::invalid_argument("array: name: must not be empty");
  require_positive(p, "frontend_mbps", p.frontend_mbps);
  if (!(p.controller_latency_us >= 0.0) || !std::isfinite(p.controller_latency_us)) {
    reject(p, "controller_latency_us", "must be finite and >= 0", p.controller_latency_us);
  }
  require_positive(p, "destage_mbps", p.destage_mbps);
  require_positive(p, "backend_iops", p.backend_iops);
  require_positive(p, "backend_base_latency_us", p.backend_base_latency_us);
}

double backend_latency_us(const ArrayProfile& profile, double load_iops) {
  if (!(load_iops >= 0.0)) {
    throw std::invalid_argument("backend_latency_us: load_iops must be >= 0, got " +
                                format_number(load_iops));
  }
  const double utilisation = load_iops / profile.backend_iops;
  if (utilisation >= 1.0) return std::numeric_limits<double>::infinity();
  return profile.backend_base_latency_us / (1.0 - utilisation);
}

const ArrayProfile& array_preset(std::string_view name) {
  const auto& table = presets();
  if (auto it = table.find(name); it != table.end()) return it->second;
  std::string known;
  for (const auto& [key, profile] : table)
    known += (known.empty() ? "" : ", ") + key;
  throw std::invalid_argument("unknown array preset '" + std::string(name) +
                              "'; known presets: " + known);
}

std::vector<std::string> array_preset_names() {
  std::vector<std::string> names;
  for (const auto& [key, profile] : presets())
    names.push_back(key);
  return names;
}

}  // namespace flashtwin::models
