// Metrics: the one sink a run reports into, and the one way to read its results.
//
// A runtime feeds RunEvents (run_event.hpp) with record() as simulated time advances, then calls
// finish(end_ns). Results are read with visit() (totals per VM, per host and cluster-wide, then
// time-series rows), which is what summary.json, the CSV files, the terminal table, the GUI and
// the tests all read; cluster() is a shortcut to the cluster-wide totals.
//
// The measurement window (RunLayout): totals cover (warmup_ns, workload_end_ns], the steady part
// of the workload. Every rate in a Totals or HostTotals is over the window's length, not over the
// whole run. A request counts when it completes after warmup_ns (no request is issued after the
// workload's end, so the few still in flight then count too). Array I/Os, network transfers and
// flash I/Os count by the time they end: inside the window in the totals, after workload_end_ns
// in DrainTotals (the final destage, reported on its own), before warmup_ns nowhere. Levels
// (gauges) count the samples taken inside the window. With warmup_ns == 0 the window includes
// t = 0. Time-series rows cover the whole run, warm-up and drain included.
//
// Time series: interval k covers (k * interval_ns, (k + 1) * interval_ns], closed on the right
// like sar/iostat samples; the first interval also holds t = 0. An event exactly on a boundary
// belongs to the interval that ends there. The last row ends at end_ns (possibly mid-interval);
// rates of a row are over its own length. Requests count in the interval in which they complete.
// Every interval up to end_ns has a row, empty or not. Rows are kept, not histograms: the
// per-interval histograms are reset once a row is emitted. Memory: a few KB per VM and host
// (histograms), plus 120 bytes per VM per interval (per-VM rows) and ~250 bytes per interval
// (cluster rows).
//
// Time order: events may arrive in any order inside the open interval, but an event earlier than
// the open interval (its row was already emitted) is a std::logic_error; so is any input after
// finish(). Times are nanoseconds of simulated time, >= 0. Not thread-safe.
//
// Definitions (docs/RESULTS.md says the same):
// - Hit ratio: read blocks served from flash (local + remote) / read blocks, of successful reads.
// - Offload (Comparison): the share of the VMs' I/Os (or bytes) that never reached the array,
//   relative to the baseline run; both counted in the window.
// - Network: bytes that crossed a link between a host and the array or between two hosts, by
//   purpose (NetworkPurpose); array traffic counts even when the array has its own fabric.
//
// Counting rules: a request that completed with an error counts only in `failed`. IOPS, MB/s and
// the `latency` histogram cover reads and writes (the data I/Os); flushes and discards are counted
// apart. Rates are per second (MB = 10^6 bytes); a rate over zero time is 0. A ratio with an empty
// denominator is NaN ("not defined": null in JSON, an empty CSV field, "-" in the table).
#pragma once

#include "flashtwin/engine/io.hpp"
#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/latency_histogram.hpp"
#include "flashtwin/sim/rewarm.hpp"
#include "flashtwin/sim/run_event.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flashtwin::sim {

// n events over ns nanoseconds, per second; 0 when ns <= 0.
double per_second(std::uint64_t n, std::int64_t ns);
// num / den; NaN when den is 0.
double ratio(std::uint64_t num, std::uint64_t den);

struct KindCounts {
  std::uint64_t ios = 0;
  std::uint64_t bytes = 0;
};

// Where blocks were served from, in cache blocks (summed engine::ServedBlocks).
struct BlockSources {
  std::uint64_t local_flash = 0;
  std::uint64_t remote_flash = 0;
  std::uint64_t array = 0;
  std::uint64_t total() const { return local_flash + remote_flash + array; }
  void add(const engine::ServedBlocks& served);
  // Read hit ratios: (local + remote) / total, local / total, remote / total, array / total.
  double hit_ratio() const { return ratio(local_flash + remote_flash, total()); }
  double local_ratio() const { return ratio(local_flash, total()); }
  double remote_ratio() const { return ratio(remote_flash, total()); }
  double array_ratio() const { return ratio(array, total()); }
};

// What one VM (or the whole cluster) saw over the run.
struct Totals {
  std::int64_t duration_ns = 0;                 // the run's length; 0 until finish()
  KindCounts reads, writes, flushes, discards;  // successful requests
  std::uint64_t failed = 0;                     // requests completed with an error
  LatencyHistogram read_latency, write_latency;
  LatencyHistogram latency;  // reads and writes
  BlockSources read_blocks, write_blocks;

  std::uint64_t ios() const { return reads.ios + writes.ios; }
  std::uint64_t bytes() const { return reads.bytes + writes.bytes; }
  double iops() const { return per_second(ios(), duration_ns); }
  double read_iops() const { return per_second(reads.ios, duration_ns); }
  double write_iops() const { return per_second(writes.ios, duration_ns); }
  double mb_per_s() const { return per_second(bytes(), duration_ns) / 1e6; }
  double read_mb_per_s() const { return per_second(reads.bytes, duration_ns) / 1e6; }
  double write_mb_per_s() const { return per_second(writes.bytes, duration_ns) / 1e6; }
};

// I/Os that reached the array. `writes` includes the destager's; `destage_writes` is that part.
struct ArrayCounts {
  KindCounts reads, writes, destage_writes, discards;
};

// A sampled level: the last sample and the largest. Between samples a level holds its value.
struct Level {
  std::uint64_t last = 0;
  std::uint64_t max = 0;
};

// Bytes that crossed the network, by purpose (indexed by NetworkPurpose).
struct NetworkBytes {
  std::array<std::uint64_t, kNetworkPurposes> by_purpose{};
  std::uint64_t operator[](NetworkPurpose p) const {
    return by_purpose[static_cast<std::size_t>(p)];
  }
  std::uint64_t total() const;
  void add(NetworkPurpose p, std::uint64_t bytes) {
    by_purpose[static_cast<std::size_t>(p)] += bytes;
  }
};
// The purpose's name in outputs: "array_read", "array_write", "destage", "replication",
// "remote_read", "vmotion", "remote_cache".
const char* purpose_name(NetworkPurpose p);

// The final destage: what happened after the workload's end until the run ended.
struct DrainTotals {
  std::int64_t duration_ns = 0;  // end of the run - end of the workload
  ArrayCounts array;
  NetworkBytes network;
};

// One host's flash tier over the window.
struct HostTotals {
  std::string name;
  std::uint64_t flash_bytes = 0;   // the cache's capacity; 0: a host without flash
  std::uint64_t device_bytes = 0;  // the device's own capacity (what its DWPD rating refers to)
  std::uint32_t channels = 1;      // the device's flash units working in parallel
  double endurance_dwpd = 0;       // rated drive writes per day; 0: not known
  bool volatile_cache = false;     // RAM: what it holds (replicas too) is lost with the power
  std::int64_t duration_ns = 0;    // the window's length; 0 until finish()
  Level used_bytes, dirty_bytes;   // sampled in the window
  Level replica_bytes;             // other hosts' replicas held, sampled in the window
  std::uint64_t evictions = 0;     // blocks evicted in the window
  KindCounts flash_reads, flash_writes;
  LatencyHistogram flash_read_latency, flash_write_latency;  // submitted -> completed
  std::int64_t service_ns = 0;     // summed time I/Os were on the device (submitted -> completed)
  double channel_busy_s = 0;       // busy channel-seconds in the window
  double write_amplification = 1;  // the device's, at the last sample in the window

  // Mean I/Os on the device (Little's law: device time per second of window).
  double busy_slots() const;
  // Share of the device's channel time busy: channel_busy_s / (channels * window); NaN without
  // time.
  double utilisation() const;
  // Flash written per day in device capacities (wear, what DWPD ratings count): host bytes
  // written x write amplification / device capacity, per day of window; NaN without flash or
  // time.
  double drive_writes_per_day() const;
};

// Sums over the writes acknowledged in the window (engine::WriteTiming); means are sum / writes.
struct WriteBreakdownTotals {
  std::uint64_t writes = 0;
  std::uint64_t replicated_writes = 0;  // writes that waited for at least one replica
  std::int64_t total_ns = 0, waited_ns = 0, local_flash_ns = 0, network_ns = 0, peer_flash_ns = 0;
};

// A VM's replica placement (ReplicaPlacement): peers by host number.
struct VmReplicas {
  std::size_t vm = 0;
  std::uint32_t asked = 0;
  std::vector<std::size_t> peers;
  bool write_through() const { return peers.size() < asked; }
};

// Failures (docs/CLUSTER.md, "Failures"), with hosts and VMs by name: the event timeline (the
// cluster manager's, and the array's slowdowns and outages), each VM outage and what it lost, and
// the time each VM spent under-protected.
struct TimelineEntry {
  std::int64_t at_ns = 0;
  std::string event;  // ClusterEventKind's name
  std::string host;   // "" for the array's and the links' events
  std::string vm;     // "" for a host's event
  std::uint64_t blocks = 0;
  std::optional<double> factor = std::nullopt;  // array_slowed: the service factor
  std::string link;                             // link_cut, link_restored; "" otherwise
};
struct OutageTotals {
  std::string vm, failed_host, restarted_on;  // restarted_on "" when not restarted in the run
  std::int64_t failed_ns = 0;
  std::int64_t restarted_ns = -1;
  std::uint64_t writes_lost = 0, blocks_lost = 0, bytes_lost = 0;
  OutageCause cause = OutageCause::host_failed;  // flash_failed, power_loss: it did not move
};
struct FailureTotals {
  std::vector<TimelineEntry> timeline;
  std::vector<OutageTotals> outages;
  std::vector<std::pair<std::string, std::int64_t>> under_protected_ns;  // by VM, first seen first
  std::uint64_t writes_lost = 0, bytes_lost = 0;                         // all outages
  bool any() const { return !timeline.empty(); }
};

struct ClusterTotals {
  std::int64_t window_start_ns = 0;  // the measurement window (warmup_ns, workload_end_ns]
  std::int64_t window_end_ns = 0;    // 0 until finish() when the layout gave no workload end
  Totals io;                         // every VM's requests
  ArrayCounts array;
  NetworkBytes network;
  Level dirty_bytes, bytes_at_risk, underprotected_bytes;
  Level nvram_used_bytes;  // the array's NVRAM, sampled in the window
  // The array's counters at the window's start (the last sample at or before it, else the first
  // in it) and at its last sample (see array_saturation()).
  std::optional<std::pair<std::int64_t, models::ArrayLoad>> array_first, array_last;
  DrainTotals drain;
  std::vector<std::string> violations;  // consistency failures, in the order reported
  // Acknowledged writes lost: to failures beyond the protection level (failures.writes_lost,
  // counted exactly and reported) plus those the final check found missing on the array with no
  // failure to explain them (unexplained_writes_lost: a violation).
  std::uint64_t acknowledged_writes_lost = 0;
  std::uint64_t unexplained_writes_lost = 0;
  FailureTotals failures;
  // Reads that completed with an error (a reported loss, e.g. the only good copy was on a flash
  // that failed): the VM was told, so these are not violations and do not make a run inconsistent.
  std::uint64_t reads_failed = 0;
  WriteBreakdownTotals write_breakdown;
  std::vector<VmReplicas> replicas;  // VMs that asked for replicas, in VM order
  // Migrations in time order (rewarm.hpp), and the share of the local hit ratio before a
  // migration that re-warm waits for (RunLayout::rewarm_share).
  std::vector<MigrationTotals> migrations;
  double rewarm_share = 0.9;
  bool consistent() const { return violations.empty() && unexplained_writes_lost == 0; }
  // Whether the array's backend kept up between the first and the last array sample of the
  // window (models::assess_saturation); all zero without two samples.
  models::ArraySaturation array_saturation() const;
};

// Requests completed in one interval (cluster-wide or of one VM).
struct IntervalIo {
  KindCounts reads, writes;
  std::uint64_t failed = 0;
  // Latency percentiles of the reads and writes completed in the interval (LatencyHistogram's
  // definition); 0 when there were none.
  std::int64_t p50_ns = 0, p95_ns = 0, p99_ns = 0, p999_ns = 0;
  BlockSources read_blocks;
  std::uint64_t ios() const { return reads.ios + writes.ios; }
  std::uint64_t bytes() const { return reads.bytes + writes.bytes; }
};

struct IntervalRow {
  std::int64_t start_ns = 0;  // the row covers (start_ns, end_ns]
  std::int64_t end_ns = 0;
  IntervalIo io;
  ArrayCounts array;
  NetworkBytes network;
  Level dirty_bytes, bytes_at_risk;  // levels within the interval (last sample, largest)
  Level underprotected_bytes;
  Level nvram_used_bytes;        // the array's NVRAM within the interval
  Level array_requests_on_hold;  // host requests the array held (during an outage), sampled
  // The array backend's busy server-seconds between the last array sample before the interval
  // and the last in it, the time between those samples (from 0 for the first), and its server
  // count (0: no array sample in the interval).
  double array_busy_server_s = 0;
  std::int64_t array_sampled_ns = 0;
  std::uint32_t array_servers = 0;
  std::int64_t length_ns() const { return end_ns - start_ns; }
  // The backend's busy share between those samples: busy / (servers x their time); NaN for an
  // interval without an array sample (the array is sampled until the workload's end, not in the
  // drain).
  double array_utilisation() const;
};

// One host's cache levels within one interval (last sample, largest), whatever the phase: what
// the GUI's cluster view plays back. A level holds its value between samples.
struct HostIntervalRow {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::size_t host = 0;
  Level used_bytes, dirty_bytes, replica_bytes;
};

struct VmIntervalRow {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::size_t vm = 0;
  IntervalIo io;
  std::int64_t length_ns() const { return end_ns - start_ns; }
};

// Receives a run's results from Metrics::visit, in this order: cluster totals; each VM's totals
// by VM number; each host's totals by host number; the cluster rows in time order; the per-VM rows
// by interval, then VM number; the per-host rows by interval, then host number.
class MetricsVisitor {
 public:
  virtual ~MetricsVisitor() = default;
  virtual void cluster(const ClusterTotals& /*totals*/) {}
  virtual void vm(std::size_t /*vm*/, std::string_view /*name*/, const Totals& /*totals*/) {}
  virtual void host(std::size_t /*host*/, const HostTotals& /*totals*/) {}
  virtual void interval(const IntervalRow& /*row*/) {}
  virtual void vm_interval(const VmIntervalRow& /*row*/, std::string_view /*vm_name*/) {}
  virtual void host_interval(const HostIntervalRow& /*row*/, std::string_view /*host_name*/) {}
};

// What Metrics needs to know about a run before it starts.
struct HostLayout {
  std::string name;
  std::uint64_t flash_bytes = 0;   // the cache's; 0: no flash
  std::uint64_t device_bytes = 0;  // the device's own capacity
  std::uint32_t channels = 1;
  double endurance_dwpd = 0;    // 0: not known
  bool volatile_cache = false;  // the cache is RAM: it keeps nothing through a power loss
};

struct RunLayout {
  std::vector<std::string> vms;    // vms[i] names VM number i
  std::vector<HostLayout> hosts;   // hosts[i] describes host number i
  std::vector<std::string> links;  // links[i] names network link number i (link events)
  std::int64_t interval_ns = 1'000'000'000;
  std::int64_t warmup_ns = 0;                   // totals exclude (0, warmup_ns]
  std::optional<std::int64_t> workload_end_ns;  // after it: the drain; none: finish()'s end
  std::uint32_t block_bytes = 4096;             // the cache block (bytes pulled by migrations)
  double rewarm_share = 0.9;                    // re-warm target, in (0, 1] (rewarm.hpp)
};

class Metrics {
 public:
  // Requires interval_ns > 0, warmup_ns >= 0, and warmup_ns < workload_end_ns when one is given
  // (std::invalid_argument naming the field otherwise).
  explicit Metrics(RunLayout layout);
  // A run without hosts, warm-up or drain.
  Metrics(std::vector<std::string> vm_names, std::int64_t interval_ns);

  // Takes one event. Throws std::out_of_range for an unknown VM or host, std::invalid_argument
  // for negative times, a latency < 0, a flush at the array or a flash I/O that is neither read
  // nor write, std::logic_error for time going back past an emitted row or input after finish().
  void record(const RunEvent& event);

  // Shorthands for record().
  void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                         std::int64_t submitted_ns, std::int64_t completed_ns,
                         const engine::ServedBlocks& served, bool ok) {
    record(RequestCompleted{vm, kind, bytes, submitted_ns, completed_ns, served, ok});
  }
  void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                bool destage = false) {
    record(ArrayIo{kind, bytes, now_ns, destage});
  }
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk,
              std::uint64_t underprotected_bytes = 0) {
    record(ClusterGauges{now_ns, dirty_bytes, bytes_at_risk, underprotected_bytes});
  }
  void violation(std::string what) { record(ConsistencyViolation{std::move(what)}); }
  void acknowledged_writes_lost(std::uint64_t writes) { record(WritesLost{writes}); }
  void reads_failed(std::uint64_t reads) { record(ReadsFailed{reads}); }

  // Ends the run at end_ns (>= every event's time and >= workload_end_ns): emits the remaining
  // rows and fixes the duration of every Totals. Once only.
  void finish(std::int64_t end_ns);
  // An interrupted run: the workload (and the window) end at end_ns, where the run stopped, and
  // there is no drain. Call before finish(end_ns).
  void interrupt_at(std::int64_t end_ns);
  bool finished() const { return finished_; }

  // Walks the results (see MetricsVisitor). Before finish() it shows the rows emitted so far and
  // totals whose duration (so rates) is 0.
  void visit(MetricsVisitor& visitor) const;
  const ClusterTotals& cluster() const { return cluster_; }
  std::size_t vm_count() const { return vms_.size(); }
  const std::string& vm_name(std::size_t vm) const { return vms_.at(vm).name; }
  const Totals& vm(std::size_t vm) const { return vms_.at(vm).totals; }
  std::size_t host_count() const { return hosts_.size(); }
  const HostTotals& host(std::size_t host) const { return hosts_.at(host).totals; }
  std::int64_t interval_ns() const { return interval_ns_; }
  std::int64_t warmup_ns() const { return warmup_ns_; }

 private:
  struct Vm {
    std::string name;
    Totals totals;
    IntervalIo interval;
    LatencyHistogram interval_latency;
  };
  struct Host {
    HostTotals totals;
    // Evictions in the window = last sample in it - the last sample before it (or, with none,
    // the first sample in it: a run's first sample, at t = 0, follows any prewarm).
    std::uint64_t evictions_before_window = 0;
    double channel_busy_before_window_s = 0;
    bool has_eviction_base = false;
    HostIntervalRow interval;  // the open interval's levels
  };
  enum class Phase { warmup, window, drain };

  Phase phase_of(std::int64_t t) const;
  bool counts_request(std::int64_t completed_ns) const;
  std::int64_t interval_of(std::int64_t t) const;
  void advance_to(std::int64_t t, const char* what);
  void close_interval(std::int64_t end_ns);
  void on(const RequestCompleted& e);
  void on(const ArrayIo& e);
  void on(const NetworkTransfer& e);
  void on(const FlashIo& e);
  void on(const ClusterGauges& e);
  void on(const HostGauges& e);
  void on(const ArrayGauges& e);
  void on(const ReadsFailed& e);
  void on(const ConsistencyViolation& e);
  void on(const WritesLost& e);
  void on(const WriteBreakdown& e);
  void on(const ReplicaPlacement& e);
  void on(const MigrationDone& e);
  void on(const ClusterEvent& e);
  void on(const VmOutage& e);
  void on(const UnderProtection& e);
  Host& host_at(std::size_t host, const char* what);

  RewarmTracker rewarm_{0, 0.9, 4096};
  std::int64_t interval_ns_;
  std::int64_t warmup_ns_;
  std::optional<std::int64_t> workload_end_ns_;
  std::vector<Vm> vms_;
  std::vector<Host> hosts_;
  std::vector<std::string> link_names_;  // RunLayout::links
  ClusterTotals cluster_;
  IntervalRow open_;  // the interval being filled (its io percentiles are set when it closes)
  LatencyHistogram open_latency_;
  std::int64_t open_index_ = 0;
  std::int64_t last_event_ns_ = 0;
  bool finished_ = false;
  std::vector<IntervalRow> rows_;
  std::vector<VmIntervalRow> vm_rows_;
  std::vector<HostIntervalRow> host_rows_;
  double array_busy_seen_s_ = 0;    // the backend's busy server-seconds at the last array sample
  std::int64_t array_seen_ns_ = 0;  // that sample's time (0 before any: the array starts idle)
};

// A run with flash against a baseline of the same workload without it (pass-through).
//
// Latency gain = baseline / with flash, per statistic, of the `latency`, `read_latency` and
// `write_latency` histograms (mean and LatencyHistogram percentiles); NaN when either is empty.
//
// Offload: for reads, writes and bytes,
//   offload = 1 - (A / V) / (A_b / V_b)
// where A = I/Os (or bytes) that reached the array in the run with flash, V = the VMs' I/Os (or
// bytes) in that run, both in the measurement window (the drain's destage writes are not in A:
// they are reported apart, DrainTotals), A_b and V_b the same in the baseline. Array writes include
// destage writes; discards and failed requests are left out; bytes are reads plus writes. In a
// pass-through baseline every VM I/O reaches the array once (A_b = V_b), so offload = 1 - A / V:
// the share of VM I/Os (bytes) that never reached the array. Dividing by V keeps it right when the
// two runs complete different numbers of requests (a faster closed-loop run issues more). Negative
// when the array sees more I/Os than without flash; NaN when V, A_b or V_b is 0.
//
// Array mix: reads / (reads + writes) at the array, by I/Os and by bytes, destage included.
struct LatencyGain {
  double baseline_ns = 0;
  double with_flash_ns = 0;
  double gain = 0;  // baseline_ns / with_flash_ns
};

struct LatencyComparison {
  LatencyGain mean, p50, p95, p99, p999;
};

struct ArrayMix {
  double read_io_share = 0;
  double read_byte_share = 0;
};

struct Comparison {
  LatencyComparison all, reads, writes;
  double read_offload = 0;
  double write_offload = 0;
  double byte_offload = 0;
  ArrayMix with_flash_mix, baseline_mix;
  models::ArraySaturation with_flash_array, baseline_array;  // each run's backend
  // The array's NVRAM in each run (a saturated baseline may still look fast while its NVRAM
  // fills: the write cliff comes when it is full), and its size.
  Level with_flash_nvram, baseline_nvram;
  std::uint64_t nvram_bytes = 0;
  std::uint64_t baseline_nvram_waits = 0;  // baseline writes that found NVRAM full, in the window
};

// Requires both runs finished and with the same VM names (std::invalid_argument otherwise).
Comparison compare(const Metrics& with_flash, const Metrics& baseline);

}  // namespace flashtwin::sim
