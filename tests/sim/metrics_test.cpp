// Metrics: totals and rates over a hand-fed run, interval boundaries, gauges, hit ratio split,
// misuse, and the with-flash / baseline comparison on a hand-made example.
#include "flashtwin/sim/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace flashtwin::sim {
namespace {

using engine::IoKind;
using engine::ServedBlocks;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kSecond = 1'000'000'000;

// Collects what Metrics::visit shows.
struct Collected : MetricsVisitor {
  std::vector<Totals> vms;
  std::vector<IntervalRow> rows;
  std::vector<VmIntervalRow> vm_rows;
  void vm(std::size_t, std::string_view, const Totals& t) override { vms.push_back(t); }
  void interval(const IntervalRow& row) override { rows.push_back(row); }
  void vm_interval(const VmIntervalRow& row, std::string_view) override { vm_rows.push_back(row); }
};

Collected collect(const Metrics& m) {
  Collected c;
  m.visit(c);
  return c;
}

TEST(Metrics, TotalsAndRatesOverAHandFedRun) {
  Metrics m({"db", "vdi"}, kSecond);
  m.request_completed(0, IoKind::read, 4096, 0, 100'000, ServedBlocks{1, 0, 0}, true);
  m.request_completed(0, IoKind::write, 8192, 200'000, 1'200'000, ServedBlocks{2, 0, 0}, true);
  m.request_completed(1, IoKind::read, 16384, 500'000, 2'500'000, ServedBlocks{1, 1, 2}, true);
  m.request_completed(1, IoKind::read, 4096, 600'000, 900'000, ServedBlocks{}, false);
  m.request_completed(1, IoKind::flush, 0, 700'000, 5 * kMs, ServedBlocks{}, true);
  m.finish(2 * kSecond);

  const Totals& c = m.cluster().io;
  EXPECT_EQ(c.duration_ns, 2 * kSecond);
  EXPECT_EQ(c.reads.ios, 2u);
  EXPECT_EQ(c.reads.bytes, 20480u);
  EXPECT_EQ(c.writes.ios, 1u);
  EXPECT_EQ(c.writes.bytes, 8192u);
  EXPECT_EQ(c.flushes.ios, 1u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_DOUBLE_EQ(c.iops(), 1.5);  // reads and writes over 2 s
  EXPECT_DOUBLE_EQ(c.read_iops(), 1.0);
  EXPECT_DOUBLE_EQ(c.mb_per_s(), 28672 / 1e6 / 2);
  EXPECT_EQ(c.latency.count(), 3u);  // the flush and the failed read are not in it
  EXPECT_EQ(c.read_latency.count(), 2u);
  EXPECT_DOUBLE_EQ(c.read_latency.mean(), 1'050'000.0);
  EXPECT_EQ(c.write_latency.max(), 1'000'000);
  EXPECT_EQ(c.read_latency.percentile(100), 2'000'000);

  // Hit ratio split over read blocks: local 1 + 1, remote 1, array 2 of 5.
  EXPECT_EQ(c.read_blocks.total(), 5u);
  EXPECT_DOUBLE_EQ(c.read_blocks.hit_ratio(), 0.6);
  EXPECT_DOUBLE_EQ(c.read_blocks.local_ratio(), 0.4);
  EXPECT_DOUBLE_EQ(c.read_blocks.remote_ratio(), 0.2);
  EXPECT_DOUBLE_EQ(c.read_blocks.array_ratio(), 0.4);
  EXPECT_EQ(c.write_blocks.local_flash, 2u);

  const Collected got = collect(m);
  ASSERT_EQ(got.vms.size(), 2u);
  EXPECT_EQ(got.vms[0].duration_ns, 2 * kSecond);
  EXPECT_DOUBLE_EQ(got.vms[0].iops(), 1.0);
  EXPECT_DOUBLE_EQ(got.vms[0].read_blocks.hit_ratio(), 1.0);
  EXPECT_DOUBLE_EQ(got.vms[1].iops(), 0.5);
  EXPECT_EQ(got.vms[1].failed, 1u);
  EXPECT_DOUBLE_EQ(got.vms[1].read_blocks.remote_ratio(), 0.25);
  EXPECT_TRUE(std::isnan(Totals{}.read_blocks.hit_ratio()));  // no reads: not defined
}

TEST(Metrics, RowsLandInTheIntervalEndingAtOrAfterTheEvent) {
  // Intervals of 1000 ns: (0, 1000] (t = 0 included), (1000, 2000], ...
  Metrics m({"a"}, 1000);
  auto read_at = [&](std::int64_t t) {
    m.request_completed(0, IoKind::read, 512, t, t, ServedBlocks{1, 0, 0}, true);
  };
  read_at(0);
  read_at(1000);  // on the boundary: the interval that ends there
  read_at(1001);
  read_at(2000);
  read_at(3500);  // (2000, 3000] stays empty
  m.finish(3500);

  const Collected got = collect(m);
  ASSERT_EQ(got.rows.size(), 4u);
  const std::int64_t starts[] = {0, 1000, 2000, 3000};
  const std::int64_t ends[] = {1000, 2000, 3000, 3500};
  const std::uint64_t reads[] = {2, 2, 0, 1};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(got.rows[i].start_ns, starts[i]) << i;
    EXPECT_EQ(got.rows[i].end_ns, ends[i]) << i;
    EXPECT_EQ(got.rows[i].io.reads.ios, reads[i]) << i;
    EXPECT_EQ(got.vm_rows[i].io.reads.ios, reads[i]) << i;
    EXPECT_EQ(got.vm_rows[i].end_ns, ends[i]) << i;
  }
  // The last row is 500 ns long: 1 read in it is 2e6 IOPS.
  EXPECT_DOUBLE_EQ(per_second(got.rows[3].io.ios(), got.rows[3].length_ns()), 2e6);
  EXPECT_EQ(m.cluster().io.reads.ios, 5u);
}

TEST(Metrics, EndingOnABoundaryAddsNoEmptyRow) {
  Metrics m({"a"}, 1000);
  m.request_completed(0, IoKind::write, 512, 1500, 2000, ServedBlocks{}, true);
  m.finish(2000);
  const Collected got = collect(m);
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[1].end_ns, 2000);
  EXPECT_EQ(got.rows[1].io.writes.ios, 1u);
  EXPECT_EQ(got.rows[1].io.p50_ns, 500);
}

TEST(Metrics, PerVmRowsComeByIntervalThenVm) {
  Metrics m({"a", "b", "c"}, 10);
  m.request_completed(2, IoKind::read, 1, 0, 5, ServedBlocks{0, 0, 1}, true);
  m.request_completed(0, IoKind::read, 1, 0, 15, ServedBlocks{1, 0, 0}, true);
  m.finish(20);
  const Collected got = collect(m);
  ASSERT_EQ(got.vm_rows.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(got.vm_rows[i].vm, i % 3);
    EXPECT_EQ(got.vm_rows[i].start_ns, static_cast<std::int64_t>(i / 3) * 10);
  }
  EXPECT_EQ(got.vm_rows[2].io.read_blocks.array, 1u);
  EXPECT_EQ(got.vm_rows[3].io.read_blocks.local_flash, 1u);
  EXPECT_EQ(got.vm_rows[1].io.ios(), 0u);
}

TEST(Metrics, IntervalPercentilesOnlySeeTheirInterval) {
  Metrics m({"a"}, kSecond);
  for (std::int64_t latency : {10, 20, 30}) {
    m.request_completed(0, IoKind::read, 4096, 100, 100 + latency, ServedBlocks{}, true);
  }
  m.request_completed(0, IoKind::write, 4096, 0, kSecond + 5 * kMs, ServedBlocks{}, true);
  m.finish(2 * kSecond);
  const Collected got = collect(m);
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[0].io.p50_ns, 20);
  EXPECT_EQ(got.rows[0].io.p99_ns, 30);
  EXPECT_EQ(got.rows[0].io.p999_ns, 30);
  EXPECT_EQ(got.rows[1].io.p50_ns, kSecond + 5 * kMs);
  EXPECT_EQ(m.cluster().io.latency.percentile(50), 20);
}

TEST(Metrics, ArrayNetworkAndGaugesPerInterval) {
  Metrics m({"a"}, 1000);
  m.array_io(IoKind::read, 4096, 100);
  m.gauges(500, 100, 10);
  m.gauges(700, 50, 5);
  m.array_io(IoKind::write, 8192, 1000, /*destage=*/true);
  m.array_io(IoKind::write, 512, 1001);
  m.array_io(IoKind::discard, 65536, 1002);
  m.record(NetworkTransfer{NetworkPurpose::array_read, 3000, 1500});
  m.gauges(3500, 20, 0);  // the level 50 held over (2000, 3500]
  m.finish(4000);
  const Collected got = collect(m);
  ASSERT_EQ(got.rows.size(), 4u);
  EXPECT_EQ(got.rows[0].array.reads.ios, 1u);
  EXPECT_EQ(got.rows[0].array.writes.bytes, 8192u);
  EXPECT_EQ(got.rows[0].array.destage_writes.ios, 1u);
  EXPECT_EQ(got.rows[1].array.writes.ios, 1u);
  EXPECT_EQ(got.rows[1].array.destage_writes.ios, 0u);
  EXPECT_EQ(got.rows[1].array.discards.bytes, 65536u);
  EXPECT_EQ(got.rows[1].network.total(), 3000u);
  EXPECT_EQ(got.rows[0].dirty_bytes.last, 50u);
  EXPECT_EQ(got.rows[0].dirty_bytes.max, 100u);
  EXPECT_EQ(got.rows[1].dirty_bytes.last, 50u);  // no sample: the level carries over
  EXPECT_EQ(got.rows[1].dirty_bytes.max, 50u);
  EXPECT_EQ(got.rows[3].dirty_bytes.last, 20u);
  EXPECT_EQ(got.rows[3].dirty_bytes.max, 50u);
  EXPECT_EQ(got.rows[3].bytes_at_risk.max, 5u);
  const ClusterTotals& c = m.cluster();
  EXPECT_EQ(c.array.writes.ios, 2u);
  EXPECT_EQ(c.array.destage_writes.bytes, 8192u);
  EXPECT_EQ(c.network[NetworkPurpose::array_read], 3000u);
  EXPECT_EQ(c.network.total(), 3000u);
  EXPECT_EQ(c.dirty_bytes.last, 20u);
  EXPECT_EQ(c.dirty_bytes.max, 100u);
  EXPECT_EQ(c.bytes_at_risk.max, 10u);
}

TEST(Metrics, ConsistencyVerdict) {
  Metrics m({"a"}, 1000);
  EXPECT_TRUE(m.cluster().consistent());
  m.acknowledged_writes_lost(2);
  EXPECT_FALSE(m.cluster().consistent());
  Metrics n({"a"}, 1000);
  n.violation("disk 1 block 7: read returned version 3, expected 4");
  EXPECT_FALSE(n.cluster().consistent());
  EXPECT_EQ(n.cluster().violations.size(), 1u);
}

// A read that failed with a reported error is counted apart: the VM was told, nothing is wrong.
TEST(Metrics, ReportedReadErrorsAreCountedApartFromViolations) {
  Metrics m({"a"}, 1000);
  m.reads_failed(3);
  m.reads_failed(2);
  EXPECT_EQ(m.cluster().reads_failed, 5u);
  EXPECT_TRUE(m.cluster().consistent());
  m.finish(1000);
  EXPECT_THROW(m.reads_failed(1), std::logic_error);
}

TEST(Metrics, MisuseThrows) {
  EXPECT_THROW(Metrics({"a"}, 0), std::invalid_argument);
  Metrics m({"a"}, 1000);
  EXPECT_THROW(m.request_completed(1, IoKind::read, 1, 0, 1, ServedBlocks{}, true),
               std::out_of_range);
  EXPECT_THROW(m.request_completed(0, IoKind::read, 1, 10, 5, ServedBlocks{}, true),
               std::invalid_argument);
  EXPECT_THROW(m.record(NetworkTransfer{NetworkPurpose::destage, 1, -1}), std::invalid_argument);
  EXPECT_THROW(m.array_io(IoKind::flush, 0, 10), std::invalid_argument);
  m.record(NetworkTransfer{NetworkPurpose::destage, 1, 2500});
  m.record(NetworkTransfer{NetworkPurpose::destage, 1,
                           2100});  // earlier, but inside the open interval (2000, 3000]: fine
  EXPECT_THROW(m.record(NetworkTransfer{NetworkPurpose::destage, 1, 2000}),
               std::logic_error);                       // its row was emitted
  EXPECT_THROW(m.finish(2400), std::invalid_argument);  // before the last event
  m.finish(2500);
  EXPECT_THROW(m.finish(2600), std::logic_error);
  EXPECT_THROW(m.gauges(2600, 0, 0), std::logic_error);
  EXPECT_THROW(m.violation("late"), std::logic_error);
}

// Window (1 s, 3 s]: the warm-up's I/Os are left out of the totals, the drain's are apart, and
// rates are over the 2 s window, not the 4 s run.
TEST(Metrics, WarmupIsExcludedAndTheDrainReportedApart) {
  RunLayout layout;
  layout.vms = {"db"};
  layout.interval_ns = kSecond;
  layout.warmup_ns = kSecond;
  layout.workload_end_ns = 3 * kSecond;
  Metrics m(layout);
  m.request_completed(0, IoKind::read, 4096, 0, kSecond / 2, ServedBlocks{0, 0, 1}, true);
  m.array_io(IoKind::read, 4096, kSecond / 2);
  m.record(NetworkTransfer{NetworkPurpose::array_read, 4096, kSecond / 2});
  m.gauges(kSecond, 9999, 9999);  // on the warm-up's last instant: not in the window
  m.request_completed(0, IoKind::read, 4096, kSecond, kSecond + 1, ServedBlocks{1, 0, 0}, true);
  m.array_io(IoKind::write, 8192, 2 * kSecond, true);
  m.gauges(2 * kSecond, 8192, 8192);
  m.request_completed(0, IoKind::write, 8192, 2 * kSecond, 2 * kSecond + 5, ServedBlocks{}, true);
  // In flight at the workload's end: the request counts, the destage after it is the drain's.
  m.request_completed(0, IoKind::read, 4096, 3 * kSecond - 1, 3 * kSecond + 7,
                      ServedBlocks{1, 0, 0}, true);
  m.array_io(IoKind::write, 8192, 3 * kSecond + 10, true);
  m.record(NetworkTransfer{NetworkPurpose::destage, 8192, 3 * kSecond + 10});
  m.finish(4 * kSecond);

  const ClusterTotals& c = m.cluster();
  EXPECT_EQ(c.window_start_ns, kSecond);
  EXPECT_EQ(c.window_end_ns, 3 * kSecond);
  EXPECT_EQ(c.io.duration_ns, 2 * kSecond);
  EXPECT_EQ(c.io.reads.ios, 2u);
  EXPECT_EQ(c.io.writes.ios, 1u);
  EXPECT_DOUBLE_EQ(c.io.iops(), 1.5);                   // 3 I/Os over the 2 s window
  EXPECT_DOUBLE_EQ(c.io.read_blocks.hit_ratio(), 1.0);  // the cold miss was in the warm-up
  EXPECT_EQ(c.array.reads.ios, 0u);
  EXPECT_EQ(c.array.destage_writes.ios, 1u);
  EXPECT_EQ(c.network.total(), 0u);
  EXPECT_EQ(c.dirty_bytes.max, 8192u);
  EXPECT_EQ(c.drain.duration_ns, kSecond);
  EXPECT_EQ(c.drain.array.destage_writes.ios, 1u);
  EXPECT_EQ(c.drain.network[NetworkPurpose::destage], 8192u);
  EXPECT_EQ(m.vm_count(), 1u);
  // The rows still show the whole run, warm-up and drain included.
  const Collected got = collect(m);
  ASSERT_EQ(got.rows.size(), 4u);
  EXPECT_EQ(got.rows[0].io.reads.ios, 1u);
  EXPECT_EQ(got.rows[0].array.reads.ios, 1u);
  EXPECT_EQ(got.rows[3].array.destage_writes.ios, 1u);
  EXPECT_EQ(got.vms[0].duration_ns, 2 * kSecond);
}

TEST(Metrics, NetworkBytesByPurpose) {
  Metrics m({"a"}, kSecond);
  m.record(NetworkTransfer{NetworkPurpose::array_read, 100, 1});
  m.record(NetworkTransfer{NetworkPurpose::array_write, 20, 2});
  m.record(NetworkTransfer{NetworkPurpose::destage, 3, 3});
  m.record(NetworkTransfer{NetworkPurpose::replication, 4000, 4});
  m.record(NetworkTransfer{NetworkPurpose::remote_read, 50000, 5});
  m.record(NetworkTransfer{NetworkPurpose::array_read, 100, 6});
  m.finish(kSecond);
  const NetworkBytes& n = m.cluster().network;
  EXPECT_EQ(n[NetworkPurpose::array_read], 200u);
  EXPECT_EQ(n[NetworkPurpose::array_write], 20u);
  EXPECT_EQ(n[NetworkPurpose::destage], 3u);
  EXPECT_EQ(n[NetworkPurpose::replication], 4000u);
  EXPECT_EQ(n[NetworkPurpose::remote_read], 50000u);
  EXPECT_EQ(n.total(), 54223u);
  EXPECT_STREQ(purpose_name(NetworkPurpose::remote_read), "remote_read");
  EXPECT_STREQ(purpose_name(NetworkPurpose::vmotion), "vmotion");
}

// One host with a 1 GiB cache on a 2 GiB device of 4 channels, rated 3 drive writes per day,
// window (1 s, 11 s].
TEST(Metrics, HostFlashUseEvictionsUtilisationLatencyAndWear) {
  RunLayout layout;
  layout.vms = {"a"};
  layout.hosts = {HostLayout{"esx1", 1ull << 30, 2ull << 30, 4, 3.0},
                  HostLayout{"bare", 0, 0, 1, 0}};
  layout.interval_ns = kSecond;
  layout.warmup_ns = kSecond;
  layout.workload_end_ns = 11 * kSecond;
  Metrics m(layout);
  m.record(HostGauges{0, 0, 100, 0, 0, 0.0, 1.0});
  m.record(HostGauges{0, kSecond, 4096, 0, 40, 0.5, 1.0});  // counts before the window: 40, 0.5 s
  m.record(FlashIo{0, IoKind::write, 1 << 20, kSecond / 2, kSecond / 2, kSecond});  // warm-up
  // 1 MiB written twice; 3 s in service plus 1 s waiting for a slot; one 4 KiB read.
  m.record(FlashIo{0, IoKind::write, 1 << 20, 2 * kSecond, 2 * kSecond, 3 * kSecond});
  m.record(FlashIo{0, IoKind::write, 1 << 20, 3 * kSecond, 4 * kSecond, 5 * kSecond});
  m.record(FlashIo{0, IoKind::read, 4096, 5 * kSecond, 5 * kSecond, 6 * kSecond});
  m.record(HostGauges{0, 6 * kSecond, 1 << 20, 8192, 45, 2.5, 1.5});
  m.record(HostGauges{0, 11 * kSecond, 1 << 19, 0, 52, 4.5, 2.0});
  m.record(FlashIo{0, IoKind::write, 1 << 20, 11 * kSecond, 11 * kSecond, 12 * kSecond});  // drain
  m.finish(12 * kSecond);

  ASSERT_EQ(m.host_count(), 2u);
  const HostTotals& h = m.host(0);
  EXPECT_EQ(h.name, "esx1");
  EXPECT_EQ(h.duration_ns, 10 * kSecond);
  EXPECT_EQ(h.used_bytes.max, 1u << 20);
  EXPECT_EQ(h.used_bytes.last, 1u << 19);
  EXPECT_EQ(h.dirty_bytes.max, 8192u);
  EXPECT_EQ(h.evictions, 12u);  // 52 - 40
  EXPECT_EQ(h.flash_writes.ios, 2u);
  EXPECT_EQ(h.flash_writes.bytes, 2u << 20);
  EXPECT_EQ(h.flash_reads.ios, 1u);
  EXPECT_EQ(h.flash_write_latency.max(), 2 * kSecond);  // waiting included
  EXPECT_EQ(h.service_ns, 3 * kSecond);
  EXPECT_DOUBLE_EQ(h.busy_slots(), 0.3);
  // 4 busy channel-seconds of 4 channels x 10 s.
  EXPECT_DOUBLE_EQ(h.utilisation(), 0.1);
  EXPECT_DOUBLE_EQ(h.write_amplification, 2.0);
  // 2 MiB x write amplification 2 of a 2 GiB device in 10 s: 2^-9 device capacities per 10 s,
  // 8640 times a day.
  EXPECT_DOUBLE_EQ(h.drive_writes_per_day(), 8640.0 / 512);
  EXPECT_TRUE(std::isnan(m.host(1).drive_writes_per_day()));  // no flash
  struct Hosts : MetricsVisitor {
    std::vector<std::string> names;
    void host(std::size_t, const HostTotals& t) override { names.push_back(t.name); }
  } hosts;
  m.visit(hosts);
  EXPECT_EQ(hosts.names, (std::vector<std::string>{"esx1", "bare"}));
}

// Without a warm-up the first host sample (t = 0, after any prewarm) opens the eviction count.
TEST(Metrics, EvictionsCountFromTheFirstSampleWithoutWarmup) {
  RunLayout layout;
  layout.vms = {"a"};
  layout.hosts = {HostLayout{"h", 1 << 20, 1, 0}};
  Metrics m(layout);
  m.record(HostGauges{0, 0, 0, 0, 1000});  // prewarm evicted 1000
  m.record(HostGauges{0, 500, 0, 0, 1003});
  m.finish(kSecond);
  EXPECT_EQ(m.host(0).evictions, 3u);
}

TEST(Metrics, LayoutAndEventMisuseThrows) {
  RunLayout bad;
  bad.warmup_ns = -1;
  EXPECT_THROW(Metrics{bad}, std::invalid_argument);
  bad.warmup_ns = 5;
  bad.workload_end_ns = 5;
  EXPECT_THROW(Metrics{bad}, std::invalid_argument);
  RunLayout layout;
  layout.vms = {"a"};
  layout.hosts = {HostLayout{"h", 1 << 20, 1, 0}};
  layout.workload_end_ns = 2 * kSecond;
  Metrics m(layout);
  EXPECT_THROW(m.record(HostGauges{1, 0, 0, 0, 0}), std::out_of_range);
  EXPECT_THROW(m.record(FlashIo{0, IoKind::flush, 0, 0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(m.record(FlashIo{0, IoKind::read, 1, 10, 5, 20}), std::invalid_argument);
  EXPECT_THROW(m.record(FlashIo{0, IoKind::read, 1, 0, 10, 5}), std::invalid_argument);
  EXPECT_THROW(m.finish(kSecond), std::invalid_argument);  // before the workload's end
  m.finish(2 * kSecond);
  EXPECT_THROW(m.record(NetworkTransfer{NetworkPurpose::destage, 1, 2 * kSecond}),
               std::logic_error);
}

// A baseline (pass-through: every VM I/O reaches the array) and a run with flash, by hand.
void feed(Metrics& m, int reads, int writes, std::int64_t read_ns, std::int64_t write_ns,
          int array_reads, int array_writes, int destage_writes) {
  std::int64_t t = 0;
  for (int i = 0; i < reads; ++i, t += 10 * kMs) {
    m.request_completed(0, IoKind::read, 4096, t, t + read_ns, ServedBlocks{}, true);
  }
  for (int i = 0; i < writes; ++i, t += 10 * kMs) {
    m.request_completed(0, IoKind::write, 8192, t, t + write_ns, ServedBlocks{}, true);
  }
  for (int i = 0; i < array_reads; ++i)
    m.array_io(IoKind::read, 4096, t);
  for (int i = 0; i < array_writes; ++i)
    m.array_io(IoKind::write, 8192, t);
  for (int i = 0; i < destage_writes; ++i)
    m.array_io(IoKind::write, 8192, t, true);
  m.finish(t + kSecond);
}

TEST(Comparison, OffloadGainAndMixOnAHandMadeExample) {
  Metrics baseline({"db"}, kSecond);
  feed(baseline, 100, 50, 1 * kMs, 2 * kMs, 100, 50, 0);
  Metrics flash({"db"}, kSecond);
  feed(flash, 100, 50, 100'000, 250'000, 20, 10, 20);
  const Comparison c = compare(flash, baseline);

  EXPECT_DOUBLE_EQ(c.read_offload, 0.8);   // 1 - 20/100
  EXPECT_DOUBLE_EQ(c.write_offload, 0.4);  // 1 - (10 + 20 destage)/50
  // Bytes: array 20*4096 + 30*8192 = 327680 of the VMs' 100*4096 + 50*8192 = 819200.
  EXPECT_DOUBLE_EQ(c.byte_offload, 1 - 327680.0 / 819200.0);
  EXPECT_DOUBLE_EQ(c.baseline_mix.read_io_share, 100.0 / 150);
  EXPECT_DOUBLE_EQ(c.with_flash_mix.read_io_share, 20.0 / 50);
  EXPECT_DOUBLE_EQ(c.baseline_mix.read_byte_share, 0.5);
  EXPECT_DOUBLE_EQ(c.with_flash_mix.read_byte_share, 0.25);

  EXPECT_DOUBLE_EQ(c.reads.p50.gain, 10.0);
  EXPECT_DOUBLE_EQ(c.reads.p999.gain, 10.0);
  EXPECT_DOUBLE_EQ(c.writes.p99.gain, 8.0);
  // Rank 75 of 150 is a read; the estimate is the upper edge of its bucket (the reads-only
  // histograms above are clamped to their max, so exact).
  auto edge = [](std::int64_t v) {
    return static_cast<double>(LatencyHistogram::bucket_upper_edge(LatencyHistogram::bucket_of(v)));
  };
  EXPECT_EQ(c.all.p50.baseline_ns, edge(1 * kMs));
  EXPECT_EQ(c.all.p50.with_flash_ns, edge(100'000));
  EXPECT_DOUBLE_EQ(c.all.p99.gain, 8.0);  // rank 149: a write
  EXPECT_DOUBLE_EQ(c.all.mean.baseline_ns, (100 * 1e6 + 50 * 2e6) / 150);
  EXPECT_DOUBLE_EQ(c.all.mean.with_flash_ns, 150'000.0);
  EXPECT_DOUBLE_EQ(c.all.mean.gain, (200e6 / 150) / 150'000.0);
}

TEST(Comparison, OffloadIsPerVmIoSoRunLengthsMayDiffer) {
  // A faster closed-loop run completes twice the requests; the share that skipped the array is
  // the same.
  Metrics baseline({"db"}, kSecond);
  feed(baseline, 100, 50, 1 * kMs, 2 * kMs, 100, 50, 0);
  Metrics flash({"db"}, kSecond);
  feed(flash, 200, 100, 100'000, 250'000, 40, 60, 0);
  const Comparison c = compare(flash, baseline);
  EXPECT_DOUBLE_EQ(c.read_offload, 0.8);
  EXPECT_DOUBLE_EQ(c.write_offload, 0.4);
}

TEST(Comparison, UndefinedAndMisuse) {
  Metrics baseline({"db"}, kSecond);
  feed(baseline, 0, 10, 1 * kMs, 2 * kMs, 0, 10, 0);
  Metrics flash({"db"}, kSecond);
  feed(flash, 0, 10, 1 * kMs, 1 * kMs, 0, 15, 0);
  const Comparison c = compare(flash, baseline);
  EXPECT_TRUE(std::isnan(c.read_offload));  // no reads
  EXPECT_TRUE(std::isnan(c.reads.p50.gain));
  EXPECT_DOUBLE_EQ(c.write_offload, -0.5);  // the array saw more writes than the VMs issued
  EXPECT_DOUBLE_EQ(c.writes.p50.gain, 2.0);

  Metrics other({"web"}, kSecond);
  other.finish(kSecond);
  EXPECT_THROW(compare(flash, other), std::invalid_argument);
  Metrics unfinished({"db"}, kSecond);
  EXPECT_THROW(compare(flash, unfinished), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::sim

namespace flashtwin::sim {
namespace {

// An interrupted run ends its window where it stopped, with no drain.
TEST(Metrics, AnInterruptedRunEndsItsWindowWhereItStopped) {
  RunLayout layout;
  layout.vms = {"a"};
  layout.interval_ns = 1'000'000'000;
  layout.warmup_ns = 5'000'000'000;
  layout.workload_end_ns = 100'000'000'000;
  Metrics m(layout);
  m.request_completed(0, engine::IoKind::read, 4096, 0, 1000, engine::ServedBlocks{1, 0, 0}, true);
  m.interrupt_at(2'000'000'000);
  m.finish(2'000'000'000);
  EXPECT_EQ(m.cluster().window_end_ns, 2'000'000'000);
  EXPECT_EQ(m.cluster().window_start_ns, 2'000'000'000);  // the warm-up did not end
  EXPECT_EQ(m.cluster().drain.duration_ns, 0);
}

}  // namespace
}  // namespace flashtwin::sim
