// Array presets, validation and the queues of StorageArray (see array_model.hpp).
#include "flashtwin/models/array_model.hpp"

#include "flashtwin/models/server_pool.hpp"
#include "random_source.hpp"
#include "service_time.hpp"
#include "workload_text.hpp"
#include "write_buffer.hpp"

#include <cmath>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

// Two product classes, not one vendor's datasheet: the figures are the sizing rules of the class,
// stated so they can be checked and replaced (../shared/DEVICE_FACTS.md, "Spinning disks and
// RAID").
std::map<std::string, ArrayProfile, std::less<>> make_presets() {
  std::map<std::string, ArrayProfile, std::less<>> table;
  auto add = [&table](ArrayProfile p) {
    validate(p);
    const std::string key = p.name;
    table.emplace(key, std::move(p));
  };
  // A dual-controller hybrid midrange array (the class of a Dell EMC Unity Hybrid, HPE Nimble
  // adaptive or NetApp FAS with SAS disks) with 48 x 10,000 rpm SAS drives in RAID 10.
  // Per drive: ~3.8 ms average seek + 3.0 ms average rotational latency (half a turn at 10k rpm)
  // = 6.8 ms positioning, ~150 MB/s media rate: 4 KiB in ~6.83 ms, ~146 IOPS per drive, inside
  // the planning range of 125-150 IOPS for 10k rpm SAS. Seek times vary with distance: service
  // cv 0.5 (a modelling choice). RAID 10 write penalty 2. 48 drives: ~7,000 random 4 KiB reads/s,
  // ~3,500 writes/s once NVRAM is full. Front end 4 x 8 Gb FC (~800 MB/s each), 150 us through
  // the controller. 8 GiB of mirrored NVRAM. No read-cache credit (set read_cache_hit_ratio when
  // you know your array's).
  add({.name = "hybrid-10k",
       .frontend_mbps = 3200,
       .controller_latency_us = 150,
       .nvram_bytes = 8 * kGiB,
       .nvram_urgent_fill = 0.5,
       .read_cache_hit_ratio = 0,
       .backend_servers = 48,
       .backend_positioning_us = 6800,
       .backend_service_cv = 0.5,
       .backend_media_mbps = 150,
       .write_penalty = 2});
  // A dual-controller all-flash midrange array (the class of a Pure FlashArray//X, NetApp AFF
  // A-series or Dell PowerStore): 24 SAS/NVMe SSDs behind the controllers, vendors' claims of a
  // few hundred thousand 4 KiB IOPS at well under a millisecond. Modelled as 96 backend servers
  // (24 drives x 4 flash units in parallel) of 150 us + size / 400 MB/s (4 KiB: ~160 us, ~600k
  // reads/s), service cv 0.3, write penalty 2 (parity RAID with full-stripe writes). Front end
  // 4 x 16 Gb FC (~1600 MB/s each), 100 us through the controller, 16 GiB NVRAM.
  add({.name = "all-flash",
       .frontend_mbps = 6400,
       .controller_latency_us = 100,
       .nvram_bytes = 16 * kGiB,
       .nvram_urgent_fill = 0.5,
       .read_cache_hit_ratio = 0,
       .backend_servers = 96,
       .backend_positioning_us = 150,
       .backend_service_cv = 0.3,
       .backend_media_mbps = 400,
       .write_penalty = 2});
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
  if (!(p.nvram_urgent_fill >= 0.0 && p.nvram_urgent_fill <= 1.0)) {
    reject(p, "nvram_urgent_fill", "must be in [0, 1]", p.nvram_urgent_fill);
  }
  if (!(p.read_cache_hit_ratio >= 0.0 && p.read_cache_hit_ratio < 1.0)) {
    reject(p, "read_cache_hit_ratio", "must be in [0, 1)", p.read_cache_hit_ratio);
  }
  if (p.backend_servers < 1) reject(p, "backend_servers", "must be >= 1", p.backend_servers);
  require_positive(p, "backend_positioning_us", p.backend_positioning_us);
  if (!(p.backend_service_cv >= 0.0 && p.backend_service_cv <= 1.0)) {
    reject(p, "backend_service_cv", "must be in [0, 1]", p.backend_service_cv);
  }
  require_positive(p, "backend_media_mbps", p.backend_media_mbps);
  if (!(p.write_penalty >= 1.0) || !std::isfinite(p.write_penalty)) {
    reject(p, "write_penalty", "must be finite and >= 1", p.write_penalty);
  }
}

double backend_service_us(const ArrayProfile& p, std::uint64_t bytes) {
  return p.backend_positioning_us + static_cast<double>(bytes) / p.backend_media_mbps;
}

double backend_capacity_iops(const ArrayProfile& p, std::uint64_t bytes, double read_share) {
  const double per_io_us =
      backend_service_us(p, bytes) * (read_share + (1.0 - read_share) * p.write_penalty);
  return p.backend_servers * 1e6 / per_io_us;
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

ArraySaturation assess_saturation(const ArrayLoad& begin, const ArrayLoad& end, double window_s) {
  ArraySaturation s;
  if (!(window_s > 0.0) || end.backend_servers == 0) return s;
  const auto ios = static_cast<double>((end.reads - begin.reads) + (end.writes - begin.writes));
  const double capacity_s = end.backend_servers * window_s;
  const double demand_s = end.backend_demand_s - begin.backend_demand_s;
  s.offered_iops = ios / window_s;
  s.utilisation = (end.backend_busy_server_s - begin.backend_busy_server_s) / capacity_s;
  s.offered_load = demand_s / capacity_s;
  s.capacity_iops = demand_s > 0.0 ? ios * end.backend_servers / demand_s : 0.0;
  s.saturated = s.utilisation >= 0.98 || s.offered_load >= 1.0;
  return s;
}

struct StorageArray::Queues {
  Queues(const ArrayProfile& p, EventScheduler& s, std::uint64_t seed)
      : profile(p), scheduler(s), random(seed) {
    validate(profile);
    if (profile.nvram_bytes > 0) {
      nvram.emplace(profile.nvram_bytes, profile.nvram_urgent_fill,
                    [this](std::uint64_t bytes) { return write_service_s(bytes); });
    }
    backend.emplace(scheduler, profile.backend_servers, nvram ? &*nvram : nullptr);
    if (nvram) nvram->drain_through(*backend);
  }
  double service_s(std::uint64_t bytes) {
    const double positioning =
        sample_service_s(profile.backend_positioning_us * 1e-6, profile.backend_service_cv, random);
    return positioning + static_cast<double>(bytes) / (profile.backend_media_mbps * 1e6);
  }
  // write_penalty operations of `bytes` in a row on one server (a whole penalty is one job, so
  // a fractional penalty scales the last operation).
  double write_service_s(std::uint64_t bytes) {
    double total = 0;
    double left = profile.write_penalty;
    for (; left >= 1.0; left -= 1.0)
      total += service_s(bytes);
    if (left > 0.0) total += left * service_s(bytes);
    return total;
  }

  void serve_read(std::uint64_t bytes, std::function<void()> done) {
    if (profile.read_cache_hit_ratio > 0.0 && random.uniform() < profile.read_cache_hit_ratio) {
      ++counts.read_cache_hits;
      done();
      return;
    }
    const double service = service_s(bytes);
    counts.backend_demand_s += service;
    backend->submit(Job{service, std::move(done)});
  }
  void serve_write(std::uint64_t bytes, std::function<void()> done) {
    if (!nvram) {
      backend->submit(Job{write_service_s(bytes), std::move(done)});
      return;
    }
    if (nvram->writes_waiting() > 0 || nvram->used_bytes() + bytes > nvram->capacity_bytes()) {
      ++counts.writes_waited;
    }
    nvram->admit(bytes, std::move(done));
  }

  // A host request that arrived during an outage.
  struct Held {
    bool write = false;
    std::uint64_t bytes = 0;
    std::function<void()> done;
  };

  ArrayProfile profile;
  EventScheduler& scheduler;
  RandomSource random;
  std::optional<WriteBuffer> nvram;
  std::optional<ServerPool> backend;
  // A request arriving now waits: during an outage, and behind the held requests still being
  // admitted after one (arrival order).
  bool holding() const { return outage || !held.empty(); }
  void hold(bool write, std::uint64_t bytes, std::function<void()> done) {
    if (outage) ++counts.requests_held;
    held.push_back(Held{write, bytes, std::move(done)});
  }

  ArrayLoad counts;
  bool outage = false;
  std::deque<Held> held;  // arrival order
};

StorageArray::StorageArray(const ArrayProfile& profile, EventScheduler& scheduler,
                           std::uint64_t seed)
    : queues_(std::make_unique<Queues>(profile, scheduler, seed)) {}

StorageArray::~StorageArray() = default;

const ArrayProfile& StorageArray::profile() const {
  return queues_->profile;
}

void StorageArray::read(std::uint64_t bytes, std::function<void()> done) {
  Queues& q = *queues_;
  ++q.counts.reads;
  if (q.holding()) {
    q.hold(false, bytes, std::move(done));
  } else {
    q.serve_read(bytes, std::move(done));
  }
}

void StorageArray::write(std::uint64_t bytes, std::function<void()> done) {
  Queues& q = *queues_;
  ++q.counts.writes;
  // Offered work counts a write when it arrives, at its mean drain cost (its drain is sampled when
  // it starts, perhaps much later).
  q.counts.backend_demand_s +=
      q.profile.write_penalty * backend_service_us(q.profile, bytes) * 1e-6;
  if (q.holding()) {
    q.hold(true, bytes, std::move(done));
  } else {
    q.serve_write(bytes, std::move(done));
  }
}

void StorageArray::set_service_factor(double factor) {
  if (!(factor >= 1.0) || !std::isfinite(factor)) {
    throw std::invalid_argument("array '" + queues_->profile.name +
                                "': the service factor must be finite and >= 1, got " +
                                format_number(factor));
  }
  queues_->backend->set_service_factor(factor);
}

void StorageArray::begin_outage() {
  Queues& q = *queues_;
  if (q.outage) throw std::logic_error("StorageArray::begin_outage: already in an outage");
  q.outage = true;
  q.backend->pause();
}

// Held completions first (ServerPool::resume), then the held requests in arrival order. A request
// arriving meanwhile (from a `done` run here) goes behind those still held.
void StorageArray::end_outage() {
  Queues& q = *queues_;
  if (!q.outage) throw std::logic_error("StorageArray::end_outage: not in an outage");
  q.outage = false;
  q.backend->resume();
  while (!q.held.empty()) {
    Queues::Held request = std::move(q.held.front());
    q.held.pop_front();
    if (request.write) {
      q.serve_write(request.bytes, std::move(request.done));
    } else {
      q.serve_read(request.bytes, std::move(request.done));
    }
  }
}

ArrayLoad StorageArray::load() const {
  const Queues& q = *queues_;
  ArrayLoad load = q.counts;
  load.nvram_bytes = q.profile.nvram_bytes;
  load.nvram_used_bytes = q.nvram ? q.nvram->used_bytes() : 0;
  load.backend_servers = q.profile.backend_servers;
  load.backend_waiting = q.backend->waiting();
  load.backend_busy_server_s = q.backend->busy_server_s();
  load.requests_on_hold = q.held.size();
  load.service_factor = q.backend->service_factor();
  load.outage = q.outage;
  return load;
}

}  // namespace flashtwin::models
