// RunEvent: what a running simulation reports, as values. One closed variant flows from the
// runtime to Metrics (Metrics::record) and to the recording a baseline process sends back
// (run_sink.hpp), so a new metric adds one alternative here and its handling in Metrics: the
// serialisers and sinks follow from the variant.
//
// Times are nanoseconds of simulated time, >= 0. Hosts and VMs are numbered as in the scenario
// (RunLayout in metrics.hpp). Plain values: no ownership, no invariants beyond the field comments.
#pragma once

#include "flashtwin/engine/io.hpp"
#include "flashtwin/engine/types.hpp"
#include "flashtwin/models/array_model.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

namespace flashtwin::sim {

// A VM request completed (or failed: ok == false). Latency = completed_ns - submitted_ns.
struct RequestCompleted {
  std::size_t vm = 0;
  engine::IoKind kind = engine::IoKind::read;
  std::uint64_t bytes = 0;
  std::int64_t submitted_ns = 0;
  std::int64_t completed_ns = 0;
  engine::ServedBlocks served;  // where its blocks came from
  bool ok = true;
};

// An I/O reached the array: a read, a write (destage: written by the destager) or a discard.
struct ArrayIo {
  engine::IoKind kind = engine::IoKind::read;
  std::uint64_t bytes = 0;
  std::int64_t at_ns = 0;
  bool destage = false;
};

// Why bytes crossed the network. Array traffic is counted whether the array shares the hosts'
// network or has its own fabric.
enum class NetworkPurpose : std::uint8_t {
  array_read,    // array -> host: VM read misses and fills
  array_write,   // host -> array: write-through and pass-through writes
  destage,       // host -> array: the destager's writes
  replication,   // host <-> peer: write-back replicas, their acks and releases
  remote_read,   // old owner <-> new owner after a migration: remote flash reads and invalidations
  vmotion,       // old host -> new host: a migrating VM's memory copy (memory_gib of the event)
  remote_cache,  // host without flash <-> the host whose flash it uses: requests and their data
};
inline constexpr std::size_t kNetworkPurposes = 7;

// Bytes that crossed the network for one purpose, counted when the transfer ended.
struct NetworkTransfer {
  NetworkPurpose purpose = NetworkPurpose::array_read;
  std::uint64_t bytes = 0;
  std::int64_t at_ns = 0;
};

// One I/O on a host's flash device: submitted to the device, started (the runtime reports the
// submission: the device queues internally, models/device_model.hpp), completed.
struct FlashIo {
  std::size_t host = 0;
  engine::IoKind kind = engine::IoKind::read;  // read or write
  std::uint64_t bytes = 0;
  std::int64_t submitted_ns = 0;
  std::int64_t started_ns = 0;
  std::int64_t completed_ns = 0;
};

// Sampled cluster-wide levels: dirty (not yet destaged) bytes, bytes whose only copy would be
// lost if one host failed, and dirty bytes with fewer copies than their policy asks for (after a
// failure: a VM's dirty data whose peer failed, until drained; a failed owner's replicas, until
// recovered).
struct ClusterGauges {
  std::int64_t at_ns = 0;
  std::uint64_t dirty_bytes = 0;
  std::uint64_t bytes_at_risk = 0;
  std::uint64_t underprotected_bytes = 0;
};

// Sampled state of one host's cache: flash in use, dirty, and the evictions since the run began
// (a running count, never decreasing); and its device's busy channel-seconds since the run began
// (a running total) and current write amplification (models::DeviceLoad).
struct HostGauges {
  std::size_t host = 0;
  std::int64_t at_ns = 0;
  std::uint64_t used_bytes = 0;
  std::uint64_t dirty_bytes = 0;
  std::uint64_t evictions = 0;
  double channel_busy_s = 0;
  double write_amplification = 1;
  std::uint64_t replica_bytes = 0;  // flash held for other hosts' dirty blocks (replicas)
};

// A write was acknowledged; where its time went (engine::WriteTiming).
struct WriteBreakdown {
  std::int64_t at_ns = 0;
  engine::WriteTiming timing;
};

// Where a VM's write-back replicas went, decided at the start of the run: `asked` copies, on
// peers[0..placed). placed < asked: too few eligible peers, the VM runs write-through.
struct ReplicaPlacement {
  std::size_t vm = 0;
  std::uint32_t asked = 0;
  std::uint32_t placed = 0;
  std::size_t peers[2] = {0, 0};
};

// Sampled state of the storage array: its running counts and levels (models::ArrayLoad).
struct ArrayGauges {
  std::int64_t at_ns = 0;
  models::ArrayLoad load;
};

// A VM's I/O moved from host `from` to host `to` at `at_ns` (the switch-over, once its memory was
// copied and the VM was quiet; docs/CLUSTER.md, "Migration"). The memory copy of
// `memory_copy_bytes` ran over (memory_copy_start_ns, memory_copy_end_ns]; with no copy modelled
// (0 bytes) both are the event's time. Requires start <= end <= at_ns.
struct MigrationDone {
  std::size_t vm = 0;
  std::size_t from = 0;
  std::size_t to = 0;
  std::int64_t at_ns = 0;
  std::uint64_t memory_copy_bytes = 0;
  std::int64_t memory_copy_start_ns = 0;
  std::int64_t memory_copy_end_ns = 0;
};

// What the cluster manager saw and did (docs/CLUSTER.md, "Failures"), for the event timeline.
enum class ClusterEventKind : std::uint8_t {
  host_failed,         // `host` stopped (crash)
  flash_failed,        // `host`'s flash device failed; the host runs on without a cache
  host_declared_down,  // heartbeats missed for ha.detect_s: declared down and fenced
  replicas_recovered,  // `host` wrote `blocks` replica blocks of the failed hosts to the array
  vm_restarted,        // VM `vm` booted on `host`
  vm_underprotected,   // VM `vm` lost peer `host`: drained out of write-back
  vm_reprotected,      // VM `vm` drained, back to write-back with a new peer `host`
  vm_write_through,    // VM `vm` drained; too few eligible peers: it stays write-through
  power_lost,          // `host` lost power (the whole cluster: one event, host kNoHost)
  power_restored,      // the power of `host` (kNoHost: of the cluster) is back; it boots
  index_rebuilt,       // `host` rebuilt its cache from its device: `blocks` blocks kept
  host_rejoined,       // `host`, back after a power loss or a repair, is a member again (empty)
  host_repaired,       // `host`, crashed (fail_host with repair_s), is repaired and boots
  // The network (scenario event cut_link; `host` unused, `link` names the link):
  link_cut,       // every message over `link` is lost from now on
  link_restored,  // `link` carries messages again
  host_isolated,  // `host` could not reach the array for ha.detect_s: fenced (turned off)
  // The array (scenario events array_slowdown, array_outage; `host` unused):
  array_slowed,    // backend operations take `factor` times their service time from now
  array_outage,    // the array answers nothing from now
  array_restored,  // the slowdown or the outage ended
};
inline constexpr std::size_t kNoVm = static_cast<std::size_t>(-1);
inline constexpr std::size_t kNoHost = static_cast<std::size_t>(-1);  // the whole cluster
struct ClusterEvent {
  std::int64_t at_ns = 0;
  ClusterEventKind kind = ClusterEventKind::host_failed;
  std::size_t host = 0;
  std::size_t vm = kNoVm;
  std::uint64_t blocks = 0;
  double factor = 1;       // array_slowed: the service factor
  std::uint32_t link = 0;  // link_cut, link_restored: the topology link's index (RunLayout)
};

enum class OutageCause : std::uint8_t { host_failed, flash_failed, power_loss, host_isolated };

// A VM whose host failed: when, when it booted again and where (restarted_ns -1: not within the
// run), and which of its acknowledged writes were lost (not on the array once the survivors'
// replicas were recovered).
struct VmOutage {
  std::size_t vm = 0;
  std::size_t failed_host = 0;
  std::int64_t failed_ns = 0;
  std::int64_t restarted_ns = -1;
  std::size_t restarted_on = 0;
  std::uint64_t writes_lost = 0;
  std::uint64_t blocks_lost = 0;
  std::uint64_t bytes_lost = 0;
  OutageCause cause = OutageCause::host_failed;  // flash_failed: the VM stalled, went on there
};

// A VM's dirty data had fewer copies than its policy asks for, from from_ns to to_ns.
struct UnderProtection {
  std::size_t vm = 0;
  std::int64_t from_ns = 0;
  std::int64_t to_ns = 0;
};

// A consistency failure (a read saw a wrong version, a lost write), in words.
struct ConsistencyViolation {
  std::string what;
};

// Reads that completed with an error (a media error reported to the VM: never a violation).
struct ReadsFailed {
  std::uint64_t reads = 0;
};

// Acknowledged writes not on the array after the final destage.
struct WritesLost {
  std::uint64_t writes = 0;
};

using RunEvent =
    std::variant<RequestCompleted, ArrayIo, NetworkTransfer, FlashIo, ClusterGauges, HostGauges,
                 ArrayGauges, ConsistencyViolation, WritesLost, ReadsFailed, WriteBreakdown,
                 ReplicaPlacement, MigrationDone, ClusterEvent, VmOutage, UnderProtection>;

}  // namespace flashtwin::sim
