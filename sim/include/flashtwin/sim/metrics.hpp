// Metrics: the one sink a run reports into, and the one way to read its results.
//
// A runtime calls the input functions as simulated time advances (request completions, I/Os that
// reach the array, network traffic, sampled gauges, consistency failures), then finish(end_ns).
// Results are read with visit() (totals per VM and cluster-wide, then time-series rows), which
// is what summary.json, the CSV files, the terminal table, the GUI and the tests all read;
// cluster() is a shortcut to the cluster-wide totals.
//
// Time series: interval k covers (k * interval_ns, (k + 1) * interval_ns], closed on the right
// like sar/iostat samples; the first interval also holds t = 0. An event exactly on a boundary
// belongs to the interval that ends there. The last row ends at end_ns (possibly mid-interval);
// rates of a row are over its own length. Requests count in the interval in which they complete.
// Every interval up to end_ns has a row, empty or not. Rows are kept, not histograms: the
// per-interval histograms are reset once a row is emitted. Memory: a few KB per VM (histograms),
// plus 120 bytes per VM per interval (per-VM rows) and 216 bytes per interval (cluster rows).
//
// Time order: events may arrive in any order inside the open interval, but an event earlier than
// the open interval (its row was already emitted) is a std::logic_error; so is any input after
// finish(). Times are nanoseconds of simulated time, >= 0. Not thread-safe.
//
// Counting rules: a request that completed with an error counts only in `failed`. IOPS, MB/s and
// the `latency` histogram cover reads and writes (the data I/Os); flushes and discards are counted
// apart. Rates are per second (MB = 10^6 bytes); a rate over zero time is 0. A ratio with an empty
// denominator is NaN ("not defined": null in JSON, an empty CSV field, "-" in the table).
#pragma once

#include "flashtwin/engine/io.hpp"
#include "flashtwin/engine/types.hpp"
#include "flashtwin/sim/latency_histogram.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
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

struct ClusterTotals {
  Totals io;  // every VM's requests
  ArrayCounts array;
  std::uint64_t network_bytes = 0;
  Level dirty_bytes, bytes_at_risk;
  std::vector<std::string> violations;  // consistency failures, in the order reported
  std::uint64_t acknowledged_writes_lost = 0;
  // Reads that completed with an error (a reported loss, e.g. the only good copy was on a flash
  // that failed): the VM was told, so these are not violations and do not make a run inconsistent.
  std::uint64_t reads_failed = 0;
  bool consistent() const { return violations.empty() && acknowledged_writes_lost == 0; }
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
  std::uint64_t network_bytes = 0;
  Level dirty_bytes, bytes_at_risk;  // levels within the interval (last sample, largest)
  std::int64_t length_ns() const { return end_ns - start_ns; }
};

struct VmIntervalRow {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::size_t vm = 0;
  IntervalIo io;
  std::int64_t length_ns() const { return end_ns - start_ns; }
};

// Receives a run's results from Metrics::visit, in this order: cluster totals; each VM's totals
// by VM number; the cluster rows in time order; the per-VM rows by interval, then VM number.
class MetricsVisitor {
 public:
  virtual ~MetricsVisitor() = default;
  virtual void cluster(const ClusterTotals& /*totals*/) {}
  virtual void vm(std::size_t /*vm*/, std::string_view /*name*/, const Totals& /*totals*/) {}
  virtual void interval(const IntervalRow& /*row*/) {}
  virtual void vm_interval(const VmIntervalRow& /*row*/, std::string_view /*vm_name*/) {}
};

class Metrics {
 public:
  // vm_names[i] names VM number i. Requires interval_ns > 0 (std::invalid_argument otherwise).
  Metrics(std::vector<std::string> vm_names, std::int64_t interval_ns);

  // A VM request completed. Latency = completed_ns - submitted_ns (must be >= 0); it counts in
  // the interval holding completed_ns. `served` says where its blocks came from. Throws
  // std::out_of_range for an unknown VM, std::invalid_argument for negative times or latency.
  void request_completed(std::size_t vm, engine::IoKind kind, std::uint64_t bytes,
                         std::int64_t submitted_ns, std::int64_t completed_ns,
                         const engine::ServedBlocks& served, bool ok);
  // An I/O reached the array: a read, a write (`destage`: written by the destager) or a discard.
  // A flush is std::invalid_argument.
  void array_io(engine::IoKind kind, std::uint64_t bytes, std::int64_t now_ns,
                bool destage = false);
  // Bytes sent between hosts (replication, remote flash reads).
  void network_bytes(std::uint64_t bytes, std::int64_t now_ns);
  // Sampled cluster-wide levels: dirty (not yet destaged) bytes, and bytes whose only copy would
  // be lost if one host failed.
  void gauges(std::int64_t now_ns, std::uint64_t dirty_bytes, std::uint64_t bytes_at_risk);
  void violation(std::string what);
  void acknowledged_writes_lost(std::uint64_t writes);
  // Reads that completed with an error, reported (ClusterTotals::reads_failed).
  void reads_failed(std::uint64_t reads);

  // Ends the run at end_ns (>= every event's time): emits the remaining rows and fixes the
  // duration of every Totals. Once only.
  void finish(std::int64_t end_ns);
  bool finished() const { return finished_; }

  // Walks the results (see MetricsVisitor). Before finish() it shows the rows emitted so far and
  // totals whose duration (so rates) is 0.
  void visit(MetricsVisitor& visitor) const;
  const ClusterTotals& cluster() const { return cluster_; }
  std::size_t vm_count() const { return vms_.size(); }
  const std::string& vm_name(std::size_t vm) const { return vms_.at(vm).name; }
  std::int64_t interval_ns() const { return interval_ns_; }

 private:
  struct Vm {
    std::string name;
    Totals totals;
    IntervalIo interval;
    LatencyHistogram interval_latency;
  };

  std::int64_t interval_of(std::int64_t t) const;
  void advance_to(std::int64_t t, const char* what);
  void close_interval(std::int64_t end_ns);

  std::int64_t interval_ns_;
  std::vector<Vm> vms_;
  ClusterTotals cluster_;
  IntervalRow open_;  // the interval being filled (its io percentiles are set when it closes)
  LatencyHistogram open_latency_;
  std::int64_t open_index_ = 0;
  std::int64_t last_event_ns_ = 0;
  bool finished_ = false;
  std::vector<IntervalRow> rows_;
  std::vector<VmIntervalRow> vm_rows_;
};

// A run with flash against a baseline of the same workload without it (pass-through).
//
// Latency gain = baseline / with flash, per statistic, of the `latency`, `read_latency` and
// `write_latency` histograms (mean and LatencyHistogram percentiles); NaN when either is empty.
//
// Offload: for reads, writes and bytes,
//   offload = 1 - (A / V) / (A_b / V_b)
// where A = I/Os (or bytes) that reached the array in the run with flash, V = the VMs' I/Os (or
// bytes) in that run, A_b and V_b the same in the baseline. Array writes include destage writes;
// discards and failed requests are left out; bytes are reads plus writes. In a pass-through
// baseline every VM I/O reaches the array once (A_b = V_b), so offload = 1 - A / V: the share of
// VM I/Os (bytes) that never reached the array. Dividing by V keeps it right when the two runs
// complete different numbers of requests (a faster closed-loop run issues more). Negative when
// the array sees more I/Os than without flash; NaN when V, A_b or V_b is 0.
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
};

// Requires both runs finished and with the same VM names (std::invalid_argument otherwise).
Comparison compare(const Metrics& with_flash, const Metrics& baseline);

}  // namespace flashtwin::sim
