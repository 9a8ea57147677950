#include "cluster_runtime.hpp"

#include "memory_copy.hpp"
#include "memory_release.hpp"
#include "migration_plan.hpp"

#include "cluster_manager.hpp"
#include "command_executor.hpp"
#include "event_injector.hpp"
#include "replica_placement.hpp"
#include "scenario_index.hpp"
#include "scenario_platform.hpp"
#include "simgrid_scheduler.hpp"
#include "workload_driver.hpp"

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <memory>

namespace flashtwin::sim {

namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr std::uint64_t kNoFlashCapacityBlocks = 16;  // the engine's minimum; never used
constexpr std::uint64_t kArraySeedStream = 0xA22A7;   // the array's random stream of the seed

// Host h's engine with its datastores: with `capacity_blocks` of flash, or none (0: its VMs run
// pass-through).
std::unique_ptr<engine::HostEngine> make_engine(const Scenario& scenario, std::size_t h,
                                                std::uint64_t capacity_blocks) {
  engine::EngineConfig config = scenario.cache;
  config.host = static_cast<engine::HostId>(h);
  config.capacity_blocks = capacity_blocks > 0 ? capacity_blocks : kNoFlashCapacityBlocks;
  auto engine = std::make_unique<engine::HostEngine>(config);
  for (std::size_t d = 0; d < scenario.datastores.size(); ++d) {
    engine->add_datastore(
        static_cast<engine::DatastoreId>(d),
        capacity_blocks > 0 ? scenario.datastores[d].policy.mode : engine::CacheMode::pass_through);
  }
  return engine;
}

// Cache blocks of host h's flash (0: none, or the baseline run).
std::uint64_t flash_blocks(const Scenario& scenario, std::size_t h, bool baseline) {
  const HostSpec& spec = scenario.cluster.hosts[h];
  if (baseline || spec.flash.empty()) return 0;
  const FlashSpec& flash = spec.flash.front();  // one device per host (checked by the parser)
  const auto bytes = static_cast<std::uint64_t>(flash.capacity_gib * kGiB);
  return bytes / scenario.cache.block_bytes;
}

// One engine per host with its datastores; a host with flash (and not in the baseline) gets its
// device queue and version store. VMs follow their datastore, or run pass-through without flash.
std::unique_ptr<SimHost> make_host(const Scenario& scenario, std::size_t h, bool baseline,
                                   models::SimPlatform& platform,
                                   models::EventScheduler& scheduler) {
  const HostSpec& spec = scenario.cluster.hosts[h];
  auto host = std::make_unique<SimHost>();
  host->name = spec.name;
  host->node = platform.host(spec.machine_name());
  const std::uint64_t capacity_blocks = flash_blocks(scenario, h, baseline);
  if (capacity_blocks > 0) {
    host->flash = std::make_unique<models::FlashDevice>(
        scenario.device(spec.flash.front().device), capacity_blocks * scenario.cache.block_bytes,
        scheduler);
    host->flash_versions = std::make_unique<FlashVersions>(capacity_blocks);
  }
  host->engine = make_engine(scenario, h, capacity_blocks);
  return host;
}

// VMs with their modes and replica peers. A VM whose replicas could not all be placed runs
// write-through (placement[v].write_through(); the run reports it).
void add_vms(const Scenario& scenario, const ScenarioIndex& index,
             const std::vector<VmPlacement>& placement, CommandExecutor& executor, RunSink& sink) {
  for (std::size_t v = 0; v < scenario.vms.size(); ++v) {
    SimHost& host = executor.host(index.vm_host[v]);
    std::optional<engine::CacheMode> own;
    if (scenario.vms[v].policy) own = scenario.vms[v].policy->mode;
    if (host.flash == nullptr) own = engine::CacheMode::pass_through;
    const VmPlacement& p = placement[v];
    if (p.write_through()) own = engine::CacheMode::write_through;
    const auto vm = static_cast<engine::VmId>(v);
    host.engine->add_vm(vm, static_cast<engine::DatastoreId>(index.vm_datastore[v]), own);
    if (p.asked == 0) continue;
    ReplicaPlacement event{v, p.asked, static_cast<std::uint32_t>(p.peers.size()), {0, 0}};
    std::vector<engine::HostId> peers;
    for (std::size_t i = 0; i < p.peers.size() && i < 2; ++i) {
      event.peers[i] = p.peers[i];
      peers.push_back(static_cast<engine::HostId>(p.peers[i]));
    }
    sink.record(event);
    if (!p.write_through()) host.engine->set_replica_peers(vm, peers);
  }
}

// Every pair of hosts' route over the host network, for the executor's control messages.
std::vector<std::vector<CommandExecutor::PeerRoute>> peer_routes(const Scenario& scenario,
                                                                 const models::Topology& t) {
  const std::size_t n = scenario.cluster.hosts.size();
  std::vector<std::vector<CommandExecutor::PeerRoute>> routes(
      n, std::vector<CommandExecutor::PeerRoute>(n));
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      const std::size_t from = t.node(scenario.cluster.hosts[a].machine_name());
      const std::size_t to = t.node(scenario.cluster.hosts[b].machine_name());
      if (from == to) continue;  // one host's flash and RAM: never a peer of each other
      const models::Route r = t.route(from, to);
      routes[a][b] = {r.latency_us * 1e-6, r.bottleneck_mbps * 1e6};
    }
  }
  return routes;
}

struct CacheReader final : engine::CounterVisitor {
  std::uint64_t dirty = 0, cached = 0, evictions = 0, replicas = 0, unreplicated = 0;
  std::uint64_t underprotected = 0;
  void counter(std::string_view name, std::uint64_t value) override {
    if (name == "underprotected_dirty_blocks") underprotected = value;
    if (name == "dirty_blocks") dirty = value;
    if (name == "replica_blocks") replicas = value;
    if (name == "unreplicated_dirty_blocks") unreplicated = value;
    if (name == "cached_blocks") cached = value;
    if (name == "evictions") evictions = value;
  }
};

// What a migration acts on (borrowed from the run).
struct MigrationParts {
  CommandExecutor& executor;
  WorkloadDriver& driver;
  models::CommStarter& comms;
  models::EventScheduler& scheduler;
  RunSink& sink;
  double& last_switch_over_s;         // the latest switch-over so far (the run lasts until then)
  std::vector<engine::Epoch>& epoch;  // by VM: its epoch now (1, then one more per switch-over)
};

std::int64_t now_ns(const models::EventScheduler& scheduler) {
  return std::llround(scheduler.now_s() * 1e9);
}

// Once VM m.vm is quiet (the driver holds its new requests meanwhile), both engines learn of the
// move in one instant, and the run records it with its memory copy's times.
void switch_over(const MigrationParts& parts, const PlannedMigration& m, MemoryCopyTotals copy) {
  parts.driver.migrate(m.vm, m.to, [parts, m, copy] {
    const std::int64_t now = now_ns(parts.scheduler);
    parts.last_switch_over_s = parts.scheduler.now_s();
    parts.epoch[m.vm] = m.epoch;
    const auto vm = static_cast<engine::VmId>(m.vm);
    parts.executor.host(m.from).engine->migrate_out(now, vm, static_cast<engine::HostId>(m.to),
                                                    m.epoch);
    parts.executor.host(m.to).engine->migrate_in(now, vm, static_cast<engine::HostId>(m.from),
                                                 m.epoch);
    parts.sink.record(
        MigrationDone{m.vm, m.from, m.to, now, copy.bytes, copy.start_ns, copy.end_ns});
    parts.executor.pump(m.from);
    parts.executor.pump(m.to);
  });
}

// At the migration's event: the memory copy over the host network (the VM runs on its old host
// meanwhile), then the switch-over; without a memory size, the switch-over at once. A move that
// follows another of the VM waits until that one switched over and the VM's host before it
// handed it off (HostEngine::awaits_handoff; that host is hurried: hurry_handoff): its start is
// then when it could begin. (Moves of one VM at one date, or a move whose predecessor is still
// copying memory, wait their turn.)
void start_migration(const MigrationParts& parts, const PlannedMigration& m) {
  const auto vm = static_cast<engine::VmId>(m.vm);
  const bool turn = parts.epoch[m.vm] + 1 == m.epoch;  // the VM's move before switched over
  const bool awaits = turn && parts.executor.host(m.from).engine->awaits_handoff(vm);
  if (awaits && m.previous) {  // its host before destages the VM's blocks first, at once
    parts.executor.host(*m.previous).engine->hurry_handoff(now_ns(parts.scheduler), vm);
    parts.executor.pump(*m.previous);
  }
  if (!turn || awaits) {
    constexpr double kHandoffPoll_s = 1e-3;
    parts.scheduler.at(parts.scheduler.now_s() + kHandoffPoll_s,
                       [parts, m] { start_migration(parts, m); });
    return;
  }
  const std::int64_t event_ns = now_ns(parts.scheduler);
  if (m.memory_bytes == 0) {
    switch_over(parts, m, MemoryCopyTotals{0, event_ns, event_ns});
    return;
  }
  MemoryCopyRequest copy{parts.executor.host(m.from).node, parts.executor.host(m.to).node,
                         m.memory_bytes, std::nullopt};
  if (m.copy_rate_mbps) copy.rate_cap_bytes_per_s = *m.copy_rate_mbps * 1e6;
  start_memory_copy({parts.comms, parts.scheduler, parts.sink}, copy,
                    [parts, m, event_ns](double end_s) {
                      const auto end_ns = std::llround(end_s * 1e9);
                      switch_over(parts, m, MemoryCopyTotals{m.memory_bytes, event_ns, end_ns});
                    });
}

}  // namespace

ClusterRuntime::ClusterRuntime(const Scenario& scenario, bool baseline, RunSink& sink)
    : scenario_(scenario), baseline_(baseline), sink_(sink), ledger_(scenario.cache.block_bytes) {}

void ClusterRuntime::run(const std::function<void(double)>& progress,
                         const std::atomic<bool>* stop) {
  simgrid::s4u::Engine sg("flashtwin");
  xbt_log_control_set("root.thres:critical");
  models::configure_exact_timing(sg);
  const models::PlatformSpec spec = platform_spec(scenario_);
  models::SimPlatform platform = models::build_platform(spec);
  SimGridScheduler scheduler;
  models::StorageArray array(scenario_.array, scheduler,
                             scenario_.seed * 0x9E3779B97F4A7C15ull ^ kArraySeedStream);
  const ScenarioIndex index(scenario_);
  {
    models::CommStarter comms;  // destroyed before the Engine
    WorkloadDriver* driver_ptr = nullptr;
    CommandExecutor executor(SimWorld{platform, comms, scheduler, array, ledger_}, sink_,
                             [&driver_ptr](std::size_t, const engine::CompleteRequest& done) {
                               driver_ptr->request_done(done);
                             });
    for (std::size_t h = 0; h < scenario_.cluster.hosts.size(); ++h)
      executor.add_host(make_host(scenario_, h, baseline_, platform, scheduler));
    executor.set_peer_routes(peer_routes(scenario_, spec.topology));
    const std::vector<VmPlacement> placement =
        baseline_ ? std::vector<VmPlacement>(scenario_.vms.size())
                  : place_replicas(scenario_, index, spec.topology);
    add_vms(scenario_, index, placement, executor, sink_);
    const std::vector<PlannedMigration> migrations =
        baseline_ ? std::vector<PlannedMigration>()
                  : plan_migrations(scenario_, index, spec.topology);
    add_arriving_vms(scenario_, index, migrations, executor);
    WorkloadDriver driver(scenario_, index, executor, scheduler, ledger_, sink_);
    driver_ptr = &driver;
    driver.add_disks();
    for (const PlannedMigration& m : migrations)
      if (m.first_visit) driver.add_vm_disks_to(m.vm, m.to);
    for (std::size_t h = 0; h < executor.host_count(); ++h) {
      if (scenario_.prewarm && !baseline_) driver.prewarm(h, stop);
      executor.pump(h);
    }
    if (stop != nullptr && stop->load()) {  // during the prewarm: nothing simulated yet
      interrupted_ = true;
      requests_completed_ = 0;
      end_ns_ = 0;
      return;
    }
    release_freed_memory();  // what prewarm's streams and the indexes' growth steps freed
    driver.start();
    // Failures happen in the baseline run too: its VMs go down and boot again the same way.
    ClusterManager manager(scenario_, index, spec.topology, executor, driver, scheduler, ledger_,
                           sink_, placement);
    manager.set_engine_factory([this](std::size_t h, bool with_flash) {
      return make_engine(scenario_, h, with_flash ? flash_blocks(scenario_, h, baseline_) : 0);
    });
    manager.start();
    inject_events(scenario_, index, executor, driver, scheduler, baseline_);
    inject_array_events(scenario_, array, scheduler, sink_);  // in the baseline run too
    // Migrations (none in a baseline run: without flash there is nothing to move but the I/O).
    double last_switch_over_s = 0;
    std::vector<engine::Epoch> epoch(scenario_.vms.size(), 1);
    const MigrationParts parts{executor,           driver, comms, scheduler, sink_,
                               last_switch_over_s, epoch};
    for (const PlannedMigration& m : migrations)
      scheduler.at(m.at_s, [parts, m] { start_migration(parts, m); });

    // Dirty data across the cluster: at risk of one host failing (dirty data of VMs without
    // replicas: a replicated write is acknowledged only once its copies are on the peers), and
    // under-protected after a failure. Also sampled when the cluster manager has declared a host
    // down, so that the recovery's peak shows between two intervals.
    auto sample_cluster_levels = [&] {
      const std::uint64_t block = scenario_.cache.block_bytes;
      std::uint64_t dirty_bytes = 0, at_risk_bytes = 0, underprotected_bytes = 0;
      const std::vector<std::size_t> undeclared = manager.undeclared_failures();
      for (std::size_t h = 0; h < executor.host_count(); ++h) {
        if (manager.failed(h)) continue;
        const engine::HostEngine& engine = *executor.host(h).engine;
        CacheReader reader;
        engine.visit_counters(reader);
        dirty_bytes += reader.dirty * block;
        at_risk_bytes += reader.unreplicated * block;
        underprotected_bytes += reader.underprotected * block;
        for (const std::size_t failed : undeclared)  // copies of a crashed owner's dirty data
          underprotected_bytes +=
              engine.replica_blocks_for(static_cast<engine::HostId>(failed)) * block;
      }
      sink_.gauges(std::llround(scheduler.now_s() * 1e9), dirty_bytes, at_risk_bytes,
                   underprotected_bytes);
    };
    manager.set_level_sampler(sample_cluster_levels);
    // The cluster levels, each cached host's fill and device, and the array, every output interval
    // until the end of the workload.
    std::function<void()> sample_gauges = [&] {
      const std::int64_t now = std::llround(scheduler.now_s() * 1e9);
      const std::uint64_t block = scenario_.cache.block_bytes;
      for (std::size_t h = 0; h < executor.host_count(); ++h) {
        const SimHost& host = executor.host(h);
        if (manager.failed(h) || host.flash == nullptr) continue;
        CacheReader reader;
        host.engine->visit_counters(reader);
        const models::DeviceLoad device = host.flash->load();
        sink_.record(HostGauges{h, now, reader.cached * block, reader.dirty * block,
                                reader.evictions, device.channel_busy_s, device.write_amplification,
                                reader.replicas * block});
      }
      sample_cluster_levels();
      sink_.record(ArrayGauges{now, array.load()});
      const double next = scheduler.now_s() + scenario_.output.interval_s;
      if (next <= scenario_.duration_s) scheduler.at(next, sample_gauges);
    };
    scheduler.at(0.0, sample_gauges);

    // `stop` is polled at each step: at least every simulated second and a thousand times a run.
    // Progress is reported a hundred times.
    const auto steps = static_cast<std::int64_t>(std::max(1000.0, std::ceil(scenario_.duration_s)));
    const std::int64_t steps_per_progress = steps / 100;
    for (std::int64_t step = 1; step <= steps; ++step) {
      sg.run_until(scenario_.duration_s * static_cast<double>(step) / static_cast<double>(steps));
      if (stop != nullptr && stop->load()) {
        interrupted_ = true;
        requests_completed_ = driver.requests_completed();
        end_ns_ = std::llround(scheduler.now_s() * 1e9);
        return;  // no final destage, no check that acknowledged writes reached the array
      }
      if (progress && step % steps_per_progress == 0) progress(scheduler.now_s());
    }
    sg.run();  // the last requests, then idle destage until nothing is dirty
    requests_completed_ = driver.requests_completed();
    // The run ends when the hosts are done and every migration switched over (a memory copy may
    // end after the workload); the array may drain its NVRAM for a while longer.
    const double hosts_done_s = std::max(executor.last_engine_event_s(), last_switch_over_s);
    drain_s_ = std::max(0.0, hosts_done_s - scenario_.duration_s);
  }
  end_ns_ = std::llround((scenario_.duration_s + drain_s_) * 1e9);

  const RequestLedger::ArrayCheck check = ledger_.check_array(10);
  for (const std::string& message : check.messages)
    sink_.violation(message);
  sink_.acknowledged_writes_lost(check.blocks_lost);
  sink_.reads_failed(ledger_.reads_failed());
}

}  // namespace flashtwin::sim
