// Device presets, validation and the queues of FlashDevice (see device_model.hpp).
#include "flashtwin/models/device_model.hpp"

#include "flashtwin/models/server_pool.hpp"
#include "workload_text.hpp"
#include "write_buffer.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <stdexcept>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr double kBufferUrgentFill = 0.5;  // programs go before reads from this buffer fill on

// The preset table. Figures marked "sheet" are the vendor's (../shared/DEVICE_FACTS.md has them
// with their sources); the rest are modelling choices, said so. `channels` is a choice bounded by
// the sheet: a 4 KiB read occupies a channel for channels / read_iops, which must fit in the QD1
// read latency. Each preset is checked against its sheet by tests/models/device_datasheet_test.cpp.
std::map<std::string, DeviceProfile, std::less<>> make_presets() {
  std::map<std::string, DeviceProfile, std::less<>> table;
  auto add = [&table](DeviceProfile p) {
    validate(p);
    const std::string key = p.name;
    table.emplace(key, std::move(p));
  };

  // Intel SSD DC S4500 960 GB (SATA 6 Gb/s, TLC, read-intensive). Sheet: 4 KiB random read
  // 72,000 IOPS and write 33,000 IOPS (QD32, steady state); random latency 110 us read / 52 us
  // write (QD1); sequential read 500 MB/s; endurance 7.64 PBW at 3.84 TB over 5 years = ~1 DWPD.
  // Choices: 4 channels, NCQ depth 32, 7 % spare, 4 MiB write buffer.
  add({.name = "sata-ssd-960g",
       .capacity_bytes = 960'000'000'000,
       .read_latency_us = 110,
       .write_latency_us = 52,
       .read_iops = 72'000,
       .write_iops = 33'000,
       .read_mbps = 500,
       .channels = 4,
       .queue_depth = 32,
       .write_buffer_bytes = 4 * kMiB,
       .spare_factor = 0.07,
       .garbage_collection = true,
       .endurance_dwpd = 1.0,
       .is_volatile = false});

  // Intel SSD DC P4610 1.6 TB (NVMe PCIe 3.1 x4, TLC, mixed use). Intel product brief: 4 KiB
  // random read 643,000 IOPS, random write 199,000 IOPS (steady state); latency 77 us read /
  // 18 us write; sequential read 3,200 MB/s; 3 DWPD. Choices: 32 channels, queue depth 128, 28 %
  // spare (the same drive sold as 2.0 TB read-intensive), 16 MiB write buffer.
  add({.name = "nvme-1.6t",
       .capacity_bytes = 1'600'000'000'000,
       .read_latency_us = 77,
       .write_latency_us = 18,
       .read_iops = 643'000,
       .write_iops = 199'000,
       .read_mbps = 3200,
       .channels = 32,
       .queue_depth = 128,
       .write_buffer_bytes = 16 * kMiB,
       .spare_factor = 0.28,
       .garbage_collection = true,
       .endurance_dwpd = 3.0,
       .is_volatile = false});

  // Intel SSD DC P4500 1.0 TB (NVMe, TLC, read-intensive). Sheet: 4 KiB random read 279,500 IOPS,
  // random write 30,500 IOPS (steady state); random latency 85 us read / 20 us write; sequential
  // read 3,200 MB/s (the family's figure); 0.5-0.75 DWPD (0.5 used). Choices: 16 channels, queue
  // depth 128, 7 % spare, 16 MiB write buffer.
  add({.name = "nvme-p4500-1t",
       .capacity_bytes = 1'000'000'000'000,
       .read_latency_us = 85,
       .write_latency_us = 20,
       .read_iops = 279'500,
       .write_iops = 30'500,
       .read_mbps = 3200,
       .channels = 16,
       .queue_depth = 128,
       .write_buffer_bytes = 16 * kMiB,
       .spare_factor = 0.07,
       .garbage_collection = true,
       .endurance_dwpd = 0.5,
       .is_volatile = false});

  // Intel Optane SSD DC P4800X 375 GB (3D XPoint, NVMe). Sheet: 4 KiB random read 550,000 IOPS
  // (QD16), random write 500,000 IOPS; latency < 10 us (AnandTech measured 8.9 us mean QD1 4 KiB
  // random read: used for reads; 10 us for writes); sequential read 2,400 MB/s; 30 DWPD. Written
  // in place: no garbage collection. Choices: 4 channels, queue depth 32, 1 MiB write buffer.
  add({.name = "nvme-optane-375g",
       .capacity_bytes = 375'000'000'000,
       .read_latency_us = 8.9,
       .write_latency_us = 10,
       .read_iops = 550'000,
       .write_iops = 500'000,
       .read_mbps = 2400,
       .channels = 4,
       .queue_depth = 32,
       .write_buffer_bytes = 1 * kMiB,
       .spare_factor = 0.07,
       .garbage_collection = false,
       .endurance_dwpd = 30,
       .is_volatile = false});

  // DRAM as a cache tier in the hypervisor (no datasheet: a software path). 0.6 us per 4 KiB
  // (page-table and copy set-up plus a 4 KiB copy at ~10 GB/s by one core); two copying cores
  // (channels), 20,000 MB/s together, 4 M IOPS each way; volatile, written in place, no wear
  // rating; capacity 1 TiB (the RAM a host can give). Queue depth 1024: effectively unlimited.
  add({.name = "ram",
       .capacity_bytes = std::uint64_t{1} << 40,
       .read_latency_us = 0.6,
       .write_latency_us = 0.6,
       .read_iops = 4'000'000,
       .write_iops = 4'000'000,
       .read_mbps = 20'000,
       .channels = 2,
       .queue_depth = 1024,
       .write_buffer_bytes = 1 * kMiB,
       .spare_factor = 0.07,
       .garbage_collection = false,
       .endurance_dwpd = 0,
       .is_volatile = true});
  return table;
}

const std::map<std::string, DeviceProfile, std::less<>>& presets() {
  static const auto table = make_presets();
  return table;
}

[[noreturn]] void reject(const DeviceProfile& p, const char* field, const std::string& rule,
                         double got) {
  throw std::invalid_argument("device '" + p.name + "': " + field + ": " + rule + ", got " +
                              format_number(got));
}

void require_positive(const DeviceProfile& p, const char* field, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) reject(p, field, "must be finite and > 0", value);
}

// Seconds one 4 KiB read occupies a channel.
double read_page_s(const DeviceProfile& p) {
  return p.channels / p.read_iops;
}
// Seconds of a 4 KiB transfer on one channel.
double read_page_transfer_s(const DeviceProfile& p) {
  return static_cast<double>(kPage) / (p.read_mbps * 1e6 / p.channels);
}
// Seconds one 4 KiB write occupies a channel at write amplification 1.
double page_program_s(const DeviceProfile& p) {
  return p.channels / (p.write_iops * write_amplification(p, p.capacity_bytes));
}

const DeviceProfile& validated(const DeviceProfile& p);

}  // namespace

void validate(const DeviceProfile& p) {
  if (p.name.empty()) throw std::invalid_argument("device: name: must not be empty");
  if (p.capacity_bytes == 0) reject(p, "capacity_bytes", "must be > 0", 0);
  require_positive(p, "read_latency_us", p.read_latency_us);
  require_positive(p, "write_latency_us", p.write_latency_us);
  require_positive(p, "read_iops", p.read_iops);
  require_positive(p, "write_iops", p.write_iops);
  require_positive(p, "read_mbps", p.read_mbps);
  if (p.channels < 1) reject(p, "channels", "must be >= 1", p.channels);
  if (p.queue_depth < 1) reject(p, "queue_depth", "must be >= 1", p.queue_depth);
  if (p.write_buffer_bytes == 0) reject(p, "write_buffer_bytes", "must be > 0", 0);
  require_positive(p, "spare_factor", p.spare_factor);
  if (!(p.endurance_dwpd >= 0.0) || !std::isfinite(p.endurance_dwpd)) {
    reject(p, "endurance_dwpd", "must be finite and >= 0", p.endurance_dwpd);
  }
  // The queue model must be able to reproduce the sheet.
  if (read_page_s(p) > p.read_latency_us * 1e-6) {
    reject(p, "channels",
           "too many for the read figures: a 4 KiB read would hold a channel for channels / "
           "read_iops = " +
               format_number(read_page_s(p) * 1e6) +
               " us, longer than read_latency_us; use at most " +
               format_number(std::floor(p.read_iops * p.read_latency_us * 1e-6)),
           p.channels);
  }
  if (read_page_transfer_s(p) > read_page_s(p)) {
    reject(p, "read_mbps",
           "too low for read_iops: 4 KiB at read_mbps / channels takes longer than channels / "
           "read_iops; raise read_mbps or lower channels",
           p.read_mbps);
  }
}

double write_amplification(const DeviceProfile& p, std::uint64_t used_bytes) {
  if (!p.garbage_collection) return 1.0;
  const double physical = static_cast<double>(p.capacity_bytes) * (1.0 + p.spare_factor);
  const double valid = std::min(static_cast<double>(used_bytes), physical);
  return 1.0 / (1.0 - valid / physical);
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

namespace {
const DeviceProfile& validated(const DeviceProfile& p) {
  validate(p);
  return p;
}
}  // namespace

struct FlashDevice::Queues {
  Queues(const DeviceProfile& p, std::uint64_t used, EventScheduler& s, bool preconditioned)
      : profile(validated(p)),
        scheduler(s),
        used_bytes(used),
        physical_bytes(static_cast<double>(p.capacity_bytes) * (1.0 + p.spare_factor)),
        fresh_written_bytes(preconditioned ? physical_bytes : 0.0),
        buffer(p.write_buffer_bytes, kBufferUrgentFill,
               [this](std::uint64_t bytes) { return program_s(bytes); }),
        channels(s, p.channels, &buffer) {
    if (used_bytes > profile.capacity_bytes) {
      throw std::invalid_argument(
          "device '" + profile.name + "': the cache asks for " + std::to_string(used_bytes) +
          " bytes, more than its capacity of " + std::to_string(profile.capacity_bytes) + " bytes");
    }
    buffer.drain_through(channels);
    read_part_fixed_s = read_page_s(profile) - read_page_transfer_s(profile);
    read_controller_s = profile.read_latency_us * 1e-6 - read_page_s(profile);
    program_page_s = page_program_s(profile);
  }

  // The write amplification now: 1 until a fresh device has written its physical capacity.
  double amplification() const {
    if (fresh_written_bytes < physical_bytes) return 1.0;
    return write_amplification(profile, used_bytes);
  }
  double program_s(std::uint64_t bytes) {
    fresh_written_bytes += static_cast<double>(bytes);
    return amplification() * program_page_s * static_cast<double>(bytes) / kPage;
  }

  void start(DeviceOp op, std::uint64_t bytes, std::function<void()> done) {
    ++outstanding;
    auto complete = [this, done = std::move(done)] {
      --outstanding;
      if (!host_queue.empty()) {
        Waiting next = std::move(host_queue.front());
        host_queue.pop_front();
        start(next.op, next.bytes, std::move(next.done));
      }
      done();
    };
    if (op == DeviceOp::read) {
      ++counts.reads;
      counts.bytes_read += bytes;
      scheduler.at(scheduler.now_s() + read_controller_s,
                   [this, bytes, complete = std::move(complete)]() mutable {
                     read_parts(bytes, std::move(complete));
                   });
      return;
    }
    ++counts.writes;
    counts.bytes_written += bytes;
    if (buffer.writes_waiting() > 0 || buffer.used_bytes() + bytes > buffer.capacity_bytes()) {
      ++counts.writes_waited;
    }
    buffer.admit(bytes, [this, complete = std::move(complete)]() mutable {
      scheduler.at(scheduler.now_s() + profile.write_latency_us * 1e-6, std::move(complete));
    });
  }

  void read_parts(std::uint64_t bytes, std::function<void()> complete) {
    const std::uint64_t pages = std::max<std::uint64_t>(1, (bytes + kPage - 1) / kPage);
    const std::uint64_t parts = std::min<std::uint64_t>(profile.channels, pages);
    const double part_bytes = static_cast<double>(bytes) / static_cast<double>(parts);
    const double service =
        read_part_fixed_s + part_bytes / (profile.read_mbps * 1e6 / profile.channels);
    if (parts == 1) {
      channels.submit(Job{service, std::move(complete)});
      return;
    }
    auto left = std::make_shared<std::uint64_t>(parts);
    auto shared_done = std::make_shared<std::function<void()>>(std::move(complete));
    for (std::uint64_t i = 0; i < parts; ++i) {
      channels.submit(Job{service, [left, shared_done] {
                            if (--*left == 0) (*shared_done)();
                          }});
    }
  }

  struct Waiting {
    DeviceOp op;
    std::uint64_t bytes;
    std::function<void()> done;
  };

  DeviceProfile profile;
  EventScheduler& scheduler;
  std::uint64_t used_bytes;
  double physical_bytes;
  double fresh_written_bytes;
  WriteBuffer buffer;
  ServerPool channels;
  double read_part_fixed_s = 0;
  double read_controller_s = 0;
  double program_page_s = 0;
  std::uint32_t outstanding = 0;
  std::deque<Waiting> host_queue;
  DeviceLoad counts;
};

FlashDevice::FlashDevice(const DeviceProfile& profile, std::uint64_t used_bytes,
                         EventScheduler& scheduler, bool preconditioned)
    : queues_(std::make_unique<Queues>(profile, used_bytes, scheduler, preconditioned)) {}

FlashDevice::~FlashDevice() = default;

const DeviceProfile& FlashDevice::profile() const {
  return queues_->profile;
}

void FlashDevice::submit(DeviceOp op, std::uint64_t bytes, std::function<void()> done) {
  Queues& q = *queues_;
  if (q.outstanding < q.profile.queue_depth) {
    q.start(op, bytes, std::move(done));
  } else {
    q.host_queue.push_back(Queues::Waiting{op, bytes, std::move(done)});
  }
}

DeviceLoad FlashDevice::load() const {
  const Queues& q = *queues_;
  DeviceLoad load = q.counts;
  load.channels = q.profile.channels;
  load.channel_busy_s = q.channels.busy_server_s();
  load.write_amplification = q.amplification();
  return load;
}

}  // namespace flashtwin::models
