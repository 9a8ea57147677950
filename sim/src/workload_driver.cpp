#include "workload_driver.hpp"

#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/sim/trace_source.hpp"
#include "prewarm.hpp"
#include "workload_stream.hpp"

#include <cmath>
#include <optional>

namespace flashtwin::sim {

struct WorkloadDriver::Disk {
  engine::DiskId id = 0;
  std::size_t vm = 0;
  std::size_t host = 0;
  std::unique_ptr<models::RequestStream> stream;
  models::StreamRequest next;
  bool has_next = false;
  std::uint32_t queue_depth = 0;      // 0: open loop
  std::uint32_t max_outstanding = 0;  // open loop: requests in flight at most (0: no limit)
  std::uint32_t outstanding = 0;      // requests in flight
  bool waiting = false;               // open loop: `next` arrived and waits for a free slot
  bool paused = false;                // its VM migrates: new requests wait for the switch-over
  bool down = false;                  // its VM's host failed: arrivals are dropped
  std::uint64_t size_bytes = 0;
  std::string source;                                  // what feeds it, for messages
  std::optional<models::SyntheticWorkload> synthetic;  // its workload, when not a trace
};

WorkloadDriver::WorkloadDriver(const Scenario& scenario, const ScenarioIndex& index,
                               CommandExecutor& executor, models::EventScheduler& scheduler,
                               RequestLedger& ledger, RunSink& sink)
    : scenario_(scenario),
      index_(index),
      executor_(executor),
      scheduler_(scheduler),
      ledger_(ledger),
      sink_(sink) {}

WorkloadDriver::~WorkloadDriver() = default;

std::int64_t WorkloadDriver::now_ns() const {
  return std::llround(scheduler_.now_s() * 1e9);
}

void WorkloadDriver::add_disks() {
  for (std::size_t v = 0; v < scenario_.vms.size(); ++v) {
    for (const DiskSpec& spec : scenario_.vms[v].disks) {
      auto disk = std::make_unique<Disk>();
      disk->id = static_cast<engine::DiskId>(disks_.size() + 1);
      disk->vm = v;
      disk->host = index_.vm_host[v];
      disk->queue_depth = spec.workload.queue_depth;
      disk->max_outstanding = spec.workload.max_outstanding;
      disk->size_bytes = spec.workload.synthetic.disk_bytes;
      disk->stream = open_workload(spec.workload);
      if (const std::optional<TraceWorkload>& trace = spec.workload.trace) {
        disk->source = "trace " + trace->path;
      } else {
        disk->synthetic = spec.workload.synthetic;
        disk->source = "synthetic workload";
      }
      executor_.host(disk->host)
          .engine->add_disk(static_cast<engine::VmId>(v), disk->id, disk->size_bytes);
      disks_.push_back(std::move(disk));
    }
  }
}

void WorkloadDriver::add_vm_disks_to(std::size_t vm, std::size_t h) {
  for (const auto& disk : disks_) {
    if (disk->vm == vm)
      executor_.host(h).engine->add_disk(static_cast<engine::VmId>(vm), disk->id, disk->size_bytes);
  }
}

void WorkloadDriver::migrate(std::size_t vm, std::size_t to, std::function<void()> switch_over) {
  for (const auto& disk : disks_) {
    if (disk->vm == vm) disk->paused = true;
  }
  moving_.push_back(Move{vm, to, std::move(switch_over)});
  switch_over_if_quiet(vm);
}

// Once none of the VM's requests is in flight: the engines switch over, and the VM's disks go on
// on the new host with the requests that waited.
void WorkloadDriver::switch_over_if_quiet(std::size_t vm) {
  for (const auto& disk : disks_) {
    if (disk->vm == vm && disk->outstanding > 0) return;
  }
  for (std::size_t m = 0; m < moving_.size(); ++m) {
    if (moving_[m].vm != vm) continue;
    const Move move = std::move(moving_[m]);
    moving_.erase(moving_.begin() + static_cast<std::ptrdiff_t>(m));
    move.switch_over();
    for (std::size_t d = 0; d < disks_.size(); ++d) {
      Disk& disk = *disks_[d];
      if (disk.vm != vm) continue;
      disk.host = move.to;
      disk.paused = false;
      if (disk.queue_depth > 0) {
        while (disk.outstanding < disk.queue_depth && disk.has_next &&
               scheduler_.now_s() < scenario_.duration_s)
          issue_next(d, now_ns());
      } else if (disk.waiting) {
        release_waiting(d);
      }
    }
    return;
  }
}

void WorkloadDriver::crash_vm(std::size_t vm) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (disks_[it->second.disk]->vm == vm) {
      ledger_.abandon(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& disk : disks_) {
    if (disk->vm != vm) continue;
    disk->down = true;
    disk->outstanding = 0;
    disk->waiting = false;
  }
}

void WorkloadDriver::restart_vm(std::size_t vm, std::size_t h) {
  for (std::size_t d = 0; d < disks_.size(); ++d) {
    Disk& disk = *disks_[d];
    if (disk.vm != vm) continue;
    disk.host = h;
    disk.down = false;
    if (disk.queue_depth > 0) {  // closed loop: the queue fills again
      while (disk.outstanding < disk.queue_depth && disk.has_next &&
             scheduler_.now_s() < scenario_.duration_s)
        issue_next(d, now_ns());
    }  // open loop: the arrival timers kept running; the next one is issued
  }
}

std::size_t WorkloadDriver::host_of(std::size_t vm) const {
  for (const auto& disk : disks_)
    if (disk->vm == vm) return disk->host;
  return index_.vm_host[vm];
}

std::vector<engine::DiskId> WorkloadDriver::disks_of(std::size_t vm) const {
  std::vector<engine::DiskId> ids;
  for (const auto& disk : disks_)
    if (disk->vm == vm) ids.push_back(disk->id);
  return ids;
}

void WorkloadDriver::prewarm(std::size_t h, const std::atomic<bool>* stop) {
  SimHost& host = executor_.host(h);
  if (host.flash == nullptr) return;
  std::vector<PrewarmDisk> disks;
  for (const auto& disk : disks_) {
    if (disk->host == h && disk->synthetic)
      disks.push_back(PrewarmDisk{disk->id, *disk->synthetic});
  }
  // Prewarm reads never reach the ledger: they take ids of their own, far above the run's.
  constexpr engine::RequestId kPrewarmIds = engine::RequestId{1} << 62;
  const PrewarmResult warm = sim::prewarm(*host.engine, *host.flash_versions, ledger_.array(),
                                          disks, scenario_.cache.block_bytes, kPrewarmIds, stop);
  // The engine's timer request from the prewarm reads is armed like any other.
  if (warm.timer) executor_.arm_timer(h, *warm.timer);
  executor_.pump(h);
}

void WorkloadDriver::start() {
  for (std::size_t d = 0; d < disks_.size(); ++d) {
    Disk& disk = *disks_[d];
    disk.has_next = disk.stream->next(disk.next);
    if (disk.queue_depth == 0) {
      schedule_open_loop(d);
      continue;
    }
    for (std::uint32_t q = 0; q < disk.queue_depth && disk.has_next; ++q)
      issue_next(d, now_ns());
  }
}

// Issues the disk's next request (arrived at arrived_ns) and reads the one after it.
void WorkloadDriver::issue_next(std::size_t d, std::int64_t arrived_ns) {
  Disk& disk = *disks_[d];
  const models::StreamRequest request = disk.next;
  disk.has_next = disk.stream->next(disk.next);
  submit(d, request, arrived_ns);
}

// One timer per request, at its issue time; nothing is issued from the scenario's end on (a trace
// may run past it).
void WorkloadDriver::schedule_open_loop(std::size_t d) {
  const Disk& disk = *disks_[d];
  const double at_s = static_cast<double>(disk.next.time_ns) * 1e-9;
  if (!disk.has_next || at_s >= scenario_.duration_s) return;
  scheduler_.at(at_s, [this, d] { arrive(d); });
}

// The next request's arrival time has come: issued now, or waits in the guest for a free slot.
void WorkloadDriver::arrive(std::size_t d) {
  Disk& disk = *disks_[d];
  if (disk.down) {  // the VM is not running: the request never happens
    ++requests_dropped_;
    disk.has_next = disk.stream->next(disk.next);
    schedule_open_loop(d);
    return;
  }
  if (disk.paused || (disk.max_outstanding > 0 && disk.outstanding >= disk.max_outstanding)) {
    disk.waiting = true;  // release_waiting() goes on from here
    return;
  }
  issue_next(d, now_ns());
  schedule_open_loop(d);
}

// A slot freed: issues the arrivals that waited, oldest first (with their arrival times), as long
// as slots are free, then goes back to timers once the stream is ahead of the clock again.
void WorkloadDriver::release_waiting(std::size_t d) {
  Disk& disk = *disks_[d];
  while (!disk.paused && (disk.max_outstanding == 0 || disk.outstanding < disk.max_outstanding)) {
    issue_next(d, disk.next.time_ns);  // still `next` here: it arrived and waited
    const bool more =
        disk.has_next && static_cast<double>(disk.next.time_ns) * 1e-9 < scenario_.duration_s;
    if (!more) {
      disk.waiting = false;
      return;
    }
    if (disk.next.time_ns > now_ns()) {
      disk.waiting = false;
      schedule_open_loop(d);
      return;
    }
  }
}

void WorkloadDriver::submit(std::size_t d, const models::StreamRequest& r,
                            std::int64_t arrived_ns) {
  Disk& disk = *disks_[d];
  if (r.offset_bytes + r.length_bytes > disk.size_bytes) {
    throw models::TraceError(disk.source + ": a request at byte " + std::to_string(r.offset_bytes) +
                             " (+" + std::to_string(r.length_bytes) + ") lies beyond VM " +
                             scenario_.vms[disk.vm].name + "'s disk of " +
                             std::to_string(disk.size_bytes) + " bytes: give a larger size_gib");
  }
  const engine::IoRequest request = ledger_.submit(disk.id, r.kind, r.offset_bytes, r.length_bytes);
  pending_[request.id] = Pending{d, r.kind, r.length_bytes, arrived_ns};
  ++disk.outstanding;
  // A VM on a host without flash caching remotely (never moved: no failure or migration then).
  const bool remote = index_.vm_client[disk.vm] != index_.vm_host[disk.vm];
  executor_.submit_from(remote ? index_.vm_client[disk.vm] : disk.host, disk.host, request);
}

void WorkloadDriver::request_done(const engine::CompleteRequest& done) {
  auto it = pending_.find(done.request);
  const Pending p = it->second;
  pending_.erase(it);
  Disk& disk = *disks_[p.disk];
  --disk.outstanding;
  const bool ok = done.status == engine::Status::ok;
  sink_.request_completed(disk.vm, p.kind, p.bytes, p.submitted_ns, now_ns(), done.served, ok);
  if (ok && p.kind == engine::IoKind::write) sink_.record(WriteBreakdown{now_ns(), done.timing});
  ++requests_completed_;
  if (auto judged = ledger_.completed(done); judged.violation)
    sink_.violation("VM " + scenario_.vms[disk.vm].name + " " + *judged.violation);
  // Closed loop: the next request as soon as one completes, until the run's end.
  if (disk.queue_depth > 0 && !disk.paused && disk.has_next &&
      scheduler_.now_s() < scenario_.duration_s) {
    issue_next(p.disk, now_ns());
  }
  if (disk.paused) {
    switch_over_if_quiet(disk.vm);
  } else if (disk.waiting) {
    release_waiting(p.disk);
  }
}

}  // namespace flashtwin::sim
