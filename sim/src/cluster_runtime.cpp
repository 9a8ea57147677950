#include "cluster_runtime.hpp"

#include "scenario_platform.hpp"

#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/trace_window.hpp"
#include "flashtwin/sim/trace_source.hpp"

#include <xbt/log.h>
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include <cmath>
#include <deque>
#include <functional>
#include <stdexcept>
#include <type_traits>
#include <variant>

namespace flashtwin::sim {

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr std::uint64_t kNoFlashCapacityBlocks = 16;  // the engine's minimum; never used
}  // namespace

struct ClusterRuntime::Host {
  std::string name;
  std::unique_ptr<engine::HostEngine> engine;
  const models::SimDevice* flash = nullptr;  // the first flash device; null: no flash
  std::unique_ptr<FlashVersions> flash_versions;
  simgrid::s4u::Host* sg_host = nullptr;
  std::uint64_t timer_generation = 0;  // a SetTimer replaces the pending one
  bool pumping = false;
  std::optional<models::GarbageCollection> gc;  // the flash's GC slowdown rule
  // At most queue_depth I/Os on the flash at once (latency included); the rest wait in order.
  std::uint32_t flash_in_flight = 0;
  std::deque<std::function<void()>> flash_waiting;
  std::uint64_t written_in_window = 0;  // bytes written to the flash in this GC window
};

struct ClusterRuntime::Disk {
  engine::DiskId id = 0;
  std::size_t vm = 0;
  std::size_t host = 0;
  std::unique_ptr<models::RequestStream> stream;
  models::StreamRequest next;
  bool has_next = false;
  std::uint32_t queue_depth = 0;  // 0: open loop
  std::uint64_t size_bytes = 0;
  std::string source;  // what feeds it, for messages
};

ClusterRuntime::ClusterRuntime(const Scenario& scenario, bool baseline, RunSink& sink)
    : scenario_(scenario),
      baseline_(baseline),
      metrics_(sink),
      ledger_(scenario.cache.block_bytes) {}

ClusterRuntime::~ClusterRuntime() = default;

std::int64_t ClusterRuntime::now_ns() {
  return std::llround(simgrid::s4u::Engine::get_clock() * 1e9);
}

// One engine per host, its VMs (datastore = index in the scenario, VM = index) and disks.
// Without flash (a flashless host, or the baseline), VMs run pass-through.
void ClusterRuntime::build_engines() {
  for (const HostSpec& spec : scenario_.cluster.hosts) {
    auto host = std::make_unique<Host>();
    host->name = spec.name;
    host->sg_host = platform_->host(spec.name);
    double flash_bytes = 0;
    for (const FlashSpec& flash : spec.flash)
      flash_bytes += flash.capacity_gib * kGiB;
    const bool cached = !baseline_ && !spec.flash.empty();
    engine::EngineConfig config = scenario_.cache;
    config.host = static_cast<engine::HostId>(hosts_.size());
    config.capacity_blocks = cached ? static_cast<std::uint64_t>(flash_bytes) / config.block_bytes
                                    : kNoFlashCapacityBlocks;
    host->engine = std::make_unique<engine::HostEngine>(config);
    if (cached) {
      host->flash = &platform_->device(spec.name, flash_device_name(0));
      host->flash_versions = std::make_unique<FlashVersions>(config.capacity_blocks);
      host->gc.emplace(host->flash->profile);
    }
    for (std::size_t d = 0; d < scenario_.datastores.size(); ++d) {
      host->engine->add_datastore(
          static_cast<engine::DatastoreId>(d),
          cached ? scenario_.datastores[d].policy.mode : engine::CacheMode::pass_through);
    }
    hosts_.push_back(std::move(host));
  }
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    const VmSpec& vm = scenario_.vms[v];
    std::size_t h = 0;
    while (scenario_.cluster.hosts[h].name != vm.host)
      ++h;
    std::size_t ds = 0;
    while (scenario_.datastores[ds].name != vm.datastore)
      ++ds;
    Host& host = *hosts_[h];
    std::optional<engine::CacheMode> own;
    if (vm.policy) own = vm.policy->mode;
    if (host.flash == nullptr) own = engine::CacheMode::pass_through;
    host.engine->add_vm(static_cast<engine::VmId>(v), static_cast<engine::DatastoreId>(ds), own);
    for (const DiskSpec& spec : vm.disks) {
      auto disk = std::make_unique<Disk>();
      disk->id = static_cast<engine::DiskId>(disks_.size() + 1);
      disk->vm = v;
      disk->host = h;
      disk->queue_depth = spec.workload.queue_depth;
      disk->size_bytes = spec.workload.synthetic.disk_bytes;
      if (const std::optional<TraceWorkload>& trace = spec.workload.trace) {
        disk->stream = std::make_unique<models::WindowedTrace>(
            [trace] {
              TraceSpec source{trace->path, trace->format, trace->device};
              source.lenient = trace->lenient;
              source.issue_events = trace->issue_events;
              return open_trace(source);
            },
            trace->window);
        disk->source = "trace " + trace->path;
      } else {
        disk->stream = models::make_synthetic_stream(spec.workload.synthetic);
        disk->source = "synthetic workload";
      }
      host.engine->add_disk(static_cast<engine::VmId>(v), disk->id,
                            spec.workload.synthetic.disk_bytes);
      disks_.push_back(std::move(disk));
    }
  }
  for (std::size_t h = 0; h < hosts_.size(); ++h)
    pump(h);
}

void ClusterRuntime::start_workloads() {
  for (std::size_t d = 0; d < disks_.size(); ++d) {
    Disk& disk = *disks_[d];
    disk.has_next = disk.stream->next(disk.next);
    if (disk.queue_depth == 0) {
      schedule_open_loop(d);
      continue;
    }
    for (std::uint32_t q = 0; q < disk.queue_depth && disk.has_next; ++q) {
      const models::StreamRequest request = disk.next;
      disk.has_next = disk.stream->next(disk.next);
      submit(d, request);
    }
  }
}

// One kernel timer per request, at its issue time.
void ClusterRuntime::schedule_open_loop(std::size_t d) {
  Disk& disk = *disks_[d];
  // A trace may run past the scenario's end; nothing is issued from then on.
  if (!disk.has_next || static_cast<double>(disk.next.time_ns) * 1e-9 >= scenario_.duration_s)
    return;
  simgrid::kernel::timer::Timer::set(static_cast<double>(disk.next.time_ns) * 1e-9, [this, d] {
    Disk& self = *disks_[d];
    const models::StreamRequest request = self.next;
    self.has_next = self.stream->next(self.next);
    submit(d, request);
    schedule_open_loop(d);
  });
}

void ClusterRuntime::submit(std::size_t d, const models::StreamRequest& r) {
  Disk& disk = *disks_[d];
  if (r.offset_bytes + r.length_bytes > disk.size_bytes) {
    throw models::TraceError(disk.source + ": a request at byte " + std::to_string(r.offset_bytes) +
                             " (+" + std::to_string(r.length_bytes) + ") lies beyond VM " +
                             scenario_.vms[disk.vm].name + "'s disk of " +
                             std::to_string(disk.size_bytes) + " bytes: give a larger size_gib");
  }
  const engine::IoRequest request = ledger_.submit(disk.id, r.kind, r.offset_bytes, r.length_bytes);
  pending_[request.id] = Pending{d, r.kind, r.length_bytes, now_ns()};
  hosts_[disk.host]->engine->submit(now_ns(), request);
  pump(disk.host);
}

// Drains the host's engine and starts what it asked for. Re-entrant calls (a completion handled
// here submitting the next closed-loop request) leave the draining to the outer call.
void ClusterRuntime::pump(std::size_t h) {
  Host& host = *hosts_[h];
  if (host.pumping) return;
  host.pumping = true;
  for (auto commands = host.engine->drain(); !commands.empty(); commands = host.engine->drain()) {
    for (const engine::Command& command : commands)
      dispatch(h, command);
  }
  host.pumping = false;
}

void ClusterRuntime::complete(std::size_t h, engine::CommandId id, bool ok,
                              std::span<const engine::Version> data) {
  hosts_[h]->engine->completed(now_ns(), id, ok ? engine::Status::ok : engine::Status::io_error,
                               data);
  pump(h);
}

void ClusterRuntime::dispatch(std::size_t h, const engine::Command& command) {
  Host& host = *hosts_[h];
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, engine::FlashRead>) {
          std::vector<engine::SlotId> slots(c.slots.begin(), c.slots.end());
          start_flash_io(h, models::DeviceOp::read, c.bytes,
                         [this, h, id = c.id, slots](const models::CommResult& r) {
                           std::vector<engine::Version> data;
                           hosts_[h]->flash_versions->read(slots, data);
                           complete(h, id, r.ok, data);
                         });
        } else if constexpr (std::is_same_v<T, engine::FlashWrite>) {
          std::vector<engine::SlotId> slots(c.slots.begin(), c.slots.end());
          std::vector<engine::Version> versions(c.versions.begin(), c.versions.end());
          start_flash_io(
              h, models::DeviceOp::write, c.bytes,
              [this, h, id = c.id, slots, versions, bytes = c.bytes](const models::CommResult& r) {
                if (r.ok) hosts_[h]->flash_versions->write(slots, versions);
                hosts_[h]->written_in_window += bytes;
                complete(h, id, r.ok);
              });
        } else if constexpr (std::is_same_v<T, engine::ArrayRead>) {
          // The backend finds the data, then it crosses the front end and the network.
          const double delay = array_->read_delay_s(simgrid::s4u::Engine::get_clock());
          simgrid::kernel::timer::Timer::set(
              simgrid::s4u::Engine::get_clock() + delay, [this, h, c] {
                comms_->start(platform_->array(), hosts_[h]->sg_host, c.length_bytes,
                              [this, h, c](const models::CommResult& r) {
                                metrics_.array_io(engine::IoKind::read, c.length_bytes, now_ns(),
                                                  false);
                                std::vector<engine::Version> data;
                                ledger_.array_read(c, data);
                                complete(h, c.id, r.ok, data);
                              });
              });
        } else if constexpr (std::is_same_v<T, engine::ArrayWrite>) {
          std::vector<engine::Version> versions(c.versions.begin(), c.versions.end());
          comms_->start(
              host.sg_host, platform_->array(), c.length_bytes,
              [this, h, c, versions](const models::CommResult& r) {
                const double delay =
                    array_->write_delay_s(simgrid::s4u::Engine::get_clock(), c.length_bytes);
                simgrid::kernel::timer::Timer::set(
                    simgrid::s4u::Engine::get_clock() + delay, [this, h, c, versions, ok = r.ok] {
                      metrics_.array_io(engine::IoKind::write, c.length_bytes, now_ns(), c.destage);
                      engine::ArrayWrite write = c;  // its spans died with the drain
                      write.versions = versions;
                      if (ok) ledger_.array_write(write);
                      complete(h, c.id, ok);
                    });
              });
        } else if constexpr (std::is_same_v<T, engine::CompleteRequest>) {
          request_done(h, c);
        } else if constexpr (std::is_same_v<T, engine::SetTimer>) {
          const std::uint64_t generation = ++host.timer_generation;
          simgrid::kernel::timer::Timer::set(
              std::max(static_cast<double>(c.at) * 1e-9, simgrid::s4u::Engine::get_clock()),
              [this, h, generation, timer = c.timer] {
                if (hosts_[h]->timer_generation != generation) return;  // replaced
                hosts_[h]->engine->timer_fired(now_ns(), timer);
                pump(h);
              });
        } else if constexpr (std::is_same_v<T, engine::SendToPeer>) {
          throw std::logic_error("the cluster protocol is not part of the runtime yet");
        }
      },
      command);
}

// SimGrid's link concurrency limit bounds only the bandwidth phase of an I/O (SIMGRID notes, and
// simgrid_platform.hpp), so the device's queue depth is kept here: an I/O starts when fewer than
// queue_depth are outstanding, else waits its turn.
void ClusterRuntime::start_flash_io(std::size_t h, models::DeviceOp op, std::uint64_t bytes,
                                    models::CommStarter::Done done) {
  auto start = [this, h, op, bytes, done = std::move(done)]() mutable {
    comms_->start_device_io(*hosts_[h]->flash, op, bytes,
                            [this, h, done = std::move(done)](const models::CommResult& r) {
                              Host& host = *hosts_[h];
                              if (host.flash_waiting.empty()) {
                                --host.flash_in_flight;
                              } else {
                                auto next = std::move(host.flash_waiting.front());
                                host.flash_waiting.pop_front();
                                next();
                              }
                              done(r);
                            });
  };
  Host& host = *hosts_[h];
  if (host.flash_in_flight < host.flash->profile.queue_depth) {
    ++host.flash_in_flight;
    start();
  } else {
    host.flash_waiting.push_back(std::move(start));
  }
}

void ClusterRuntime::request_done(std::size_t, const engine::CompleteRequest& done) {
  auto it = pending_.find(done.request);
  const Pending p = it->second;
  pending_.erase(it);
  const Disk& disk = *disks_[p.disk];
  const bool ok = done.status == engine::Status::ok;
  metrics_.request_completed(disk.vm, p.kind, p.bytes, p.submitted_ns, now_ns(), done.served, ok);
  ++requests_completed_;
  if (auto judged = ledger_.completed(done); judged.violation)
    metrics_.violation("VM " + scenario_.vms[disk.vm].name + " " + *judged.violation);
  // Closed loop: the next request as soon as one completes, until the run's end.
  Disk& d = *disks_[p.disk];
  if (d.queue_depth > 0 && d.has_next && simgrid::s4u::Engine::get_clock() < scenario_.duration_s) {
    const models::StreamRequest request = d.next;
    d.has_next = d.stream->next(d.next);
    submit(p.disk, request);
  }
}

void ClusterRuntime::schedule_events() {
  for (const EventSpec& event : scenario_.events) {
    simgrid::kernel::timer::Timer::set(event.at_s, [this, &event] {
      if (baseline_) return;  // no flash tier: policies do not apply
      if (const auto* change = std::get_if<VmPolicyChange>(&event.what)) {
        std::size_t v = 0;
        while (scenario_.vms[v].name != change->vm)
          ++v;
        std::size_t h = 0;
        while (scenario_.cluster.hosts[h].name != scenario_.vms[v].host)
          ++h;
        if (hosts_[h]->flash == nullptr) return;
        std::optional<engine::CacheMode> mode;
        if (change->policy) mode = change->policy->mode;
        hosts_[h]->engine->set_vm_mode(now_ns(), static_cast<engine::VmId>(v), mode);
        pump(h);
      } else if (const auto* ds = std::get_if<DatastorePolicyChange>(&event.what)) {
        std::size_t d = 0;
        while (scenario_.datastores[d].name != ds->datastore)
          ++d;
        for (std::size_t h = 0; h < hosts_.size(); ++h) {
          if (hosts_[h]->flash == nullptr) continue;
          hosts_[h]->engine->set_datastore_mode(now_ns(), static_cast<engine::DatastoreId>(d),
                                                ds->policy.mode);
          pump(h);
        }
      }
    });
  }
}

// Dirty data across the cluster, every output interval until the end of the workload.
void ClusterRuntime::sample_gauges() {
  struct DirtyReader final : engine::CounterVisitor {
    std::uint64_t dirty = 0;
    void counter(std::string_view name, std::uint64_t value) override {
      if (name == "dirty_blocks") dirty = value;
    }
  };
  std::uint64_t dirty_bytes = 0;
  for (const auto& host : hosts_) {
    DirtyReader reader;
    host->engine->visit_counters(reader);
    dirty_bytes += reader.dirty * scenario_.cache.block_bytes;
  }
  // Without replicas every dirty byte is at risk of a host failure.
  metrics_.gauges(now_ns(), dirty_bytes, dirty_bytes);
  const double next = simgrid::s4u::Engine::get_clock() + scenario_.output.interval_s;
  if (next <= scenario_.duration_s) {
    simgrid::kernel::timer::Timer::set(next, [this] { sample_gauges(); });
  }
}

// Every GC window of a host's flash: the rule (models::GarbageCollection) looks at what was written
// and sets the device's write bandwidth for the next window. Windows stop with the workload.
void ClusterRuntime::garbage_collection_window(std::size_t h) {
  Host& host = *hosts_[h];
  const double mbps = host.gc->end_window(host.written_in_window);
  host.written_in_window = 0;
  if (host.flash->write->get_bandwidth() != mbps * 1e6)
    host.flash->write->set_bandwidth(mbps * 1e6);
  const double next = simgrid::s4u::Engine::get_clock() + host.flash->profile.gc.window_s;
  if (next <= scenario_.duration_s) {
    simgrid::kernel::timer::Timer::set(next, [this, h] { garbage_collection_window(h); });
  }
}

void ClusterRuntime::check_array_holds_acknowledged_writes() {
  RequestLedger::ArrayCheck check = ledger_.check_array(10);
  for (std::string& message : check.messages)
    metrics_.violation(std::move(message));
  metrics_.acknowledged_writes_lost(check.blocks_lost);
  metrics_.reads_failed(ledger_.reads_failed());
}

void ClusterRuntime::run(const std::function<void(double)>& progress) {
  simgrid::s4u::Engine sg("flashtwin");
  xbt_log_control_set("root.thres:critical");
  models::configure_exact_timing(sg);
  platform_ =
      std::make_unique<models::SimPlatform>(models::build_platform(platform_spec(scenario_)));
  comms_ = std::make_unique<models::CommStarter>();
  array_ = std::make_unique<ArrayState>(scenario_.array);
  build_engines();
  start_workloads();
  schedule_events();
  simgrid::kernel::timer::Timer::set(0.0, [this] { sample_gauges(); });
  for (std::size_t h = 0; h < hosts_.size(); ++h) {
    if (!hosts_[h]->gc || hosts_[h]->flash->profile.gc.window_s > scenario_.duration_s) continue;
    simgrid::kernel::timer::Timer::set(hosts_[h]->flash->profile.gc.window_s,
                                       [this, h] { garbage_collection_window(h); });
  }
  constexpr int kSteps = 100;
  for (int step = 1; step <= kSteps; ++step) {
    sg.run_until(scenario_.duration_s * step / kSteps);
    if (progress) progress(simgrid::s4u::Engine::get_clock());
  }
  sg.run();  // the last requests, then idle destage until nothing is dirty
  drain_s_ = std::max(0.0, simgrid::s4u::Engine::get_clock() - scenario_.duration_s);
  end_ns_ = std::max(now_ns(), static_cast<std::int64_t>(std::llround(scenario_.duration_s * 1e9)));
  check_array_holds_acknowledged_writes();
  comms_.reset();  // before the Engine goes
  platform_.reset();
}

}  // namespace flashtwin::sim
