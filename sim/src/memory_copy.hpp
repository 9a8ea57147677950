// MemoryCopy: a migrating VM's memory copied from its old host to its new host over the host
// network before the switch-over (vMotion's pre-copy; docs/CLUSTER.md, "Migration"). Internal to
// sim/.
//
// The copy is SimGrid comms between the two hosts, so it shares links with replication, remote
// reads and array traffic on the route (and slows them where it does), and they slow it:
//   - no rate cap: one comm of all the bytes; the network decides its rate (SimGrid's sharing);
//   - a rate cap R (bytes/s): comms of kPacedChunkBytes (the last one shorter), chunk i starting
//     no earlier than start + i x chunk / R nor before chunk i-1 arrived; the copy ends when the
//     last chunk arrived and no earlier than start + bytes / R (a stream limited to R delivers its
//     last byte then). SimGrid 3.32 cannot cap one host-to-host comm's rate (Comm::set_rate
//     aborts on a comm made by sendto_init), hence the pacing.
// One pass: memory the VM dirties during the copy is not copied again (the caller states that
// rule; a larger `bytes` stands for it). Every chunk is reported to the RunSink as a
// NetworkTransfer of purpose `vmotion` when it arrives, so the purpose's bytes equal `bytes`.
// A chunk whose comm failed counts as arrived (no failures are injected yet: a later part).
//
// Ownership: the copy keeps its own state alive through its pending callbacks; the comm starter,
// the scheduler and the sink are borrowed and must outlive it. SimGrid's maestro thread only.
#pragma once

#include "flashtwin/models/event_scheduler.hpp"
#include "flashtwin/models/simgrid_platform.hpp"
#include "run_sink.hpp"

#include <cstdint>
#include <functional>
#include <optional>

namespace flashtwin::sim {

inline constexpr std::uint64_t kPacedChunkBytes = std::uint64_t{1} << 20;  // 1 MiB

struct MemoryCopyRequest {
  simgrid::s4u::Host* from = nullptr;
  simgrid::s4u::Host* to = nullptr;
  std::uint64_t bytes = 0;                     // > 0
  std::optional<double> rate_cap_bytes_per_s;  // > 0 when given
};

// The borrowed parts a copy runs on.
struct MemoryCopyWorld {
  models::CommStarter& comms;
  models::EventScheduler& scheduler;
  RunSink& sink;
};

// Starts copying now; `done(end_s)` runs once, at the copy's end (simulated seconds).
// Throws std::invalid_argument for 0 bytes, a missing host or a rate cap <= 0.
void start_memory_copy(const MemoryCopyWorld& world, const MemoryCopyRequest& request,
                       std::function<void(double end_s)> done);

}  // namespace flashtwin::sim
