// Result files: summary.json is byte-identical for identical runs and rounded as documented, the
// CSV files are checked literally, writes are atomic, and the terminal table fits 100 columns.
#include "flashtwin/sim/report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <clocale>
#include <filesystem>
#include <fstream>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::sim {
namespace {

namespace fs = std::filesystem;
using engine::IoKind;
using engine::ServedBlocks;

constexpr std::int64_t kSecond = 1'000'000'000;

// Two VMs over 3 s, with 1 s intervals; `extra_bytes` changes one input.
Metrics sample_run(std::uint64_t extra_bytes = 0) {
  Metrics m({"oltp-db", "vdi, pool \"B\""}, kSecond);
  m.request_completed(0, IoKind::read, 4096, 0, 250'000, ServedBlocks{1, 0, 0}, true);
  m.array_io(IoKind::read, 4096, 1'000'000);
  m.request_completed(1, IoKind::write, 4096 + extra_bytes, 200, 1'200'200, ServedBlocks{}, true);
  m.record(NetworkTransfer{NetworkPurpose::array_write, 8192, 1'200'200});
  m.gauges(1'200'200, 4096, 4096);
  m.request_completed(0, IoKind::read, 8192, 100, 2'100'100, ServedBlocks{0, 1, 1}, true);
  m.array_io(IoKind::write, 4096, 1'500'000'000, true);
  m.gauges(1'600'000'000, 0, 0);
  m.request_completed(1, IoKind::read, 4096, 2'000'000'000, 2'000'300'000, ServedBlocks{1, 0, 0},
                      true);
  m.finish(3 * kSecond);
  return m;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

// A fresh directory per test.
fs::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() /
                 (std::string("flashtwin-report-") + info->name() + "-" +
                  std::to_string(std::hash<std::string>()(fs::current_path().string())));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(Report, SummaryJsonIsByteIdenticalForIdenticalRuns) {
  const Metrics a = sample_run();
  const Metrics b = sample_run();
  EXPECT_EQ(summary_json(a), summary_json(b));
  EXPECT_NE(summary_json(a), summary_json(sample_run(1)));
  const Comparison c = compare(a, b);
  EXPECT_EQ(summary_json(a, &c), summary_json(b, &c));
}

TEST(Report, SummaryJsonKeysRoundingAndNulls) {
  const Metrics run = sample_run();
  const std::string text = summary_json(run);
  const auto j = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items())
    keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "run_end_ns", "interval_ns", "window",
                                            "definitions", "consistency", "cluster", "drain",
                                            "hosts", "vms"}));
  EXPECT_EQ(j["consistency"]["verdict"], "consistent");
  // 4 data I/Os over 3 s: 1.3333... rounded to 6 significant digits.
  EXPECT_NE(text.find("\"iops\": 1.33333,"), std::string::npos) << text;
  // Rank 2 of 4 is 300 us; the estimate is the upper edge of its bucket [299008, 303103].
  EXPECT_EQ(j["cluster"]["latency_ns"]["all"]["p50"], 303'103);
  EXPECT_EQ(j["cluster"]["latency_ns"]["reads"]["max"], 2'100'000);
  EXPECT_EQ(j["cluster"]["read_blocks"]["remote_flash"], 1);
  EXPECT_EQ(j["cluster"]["read_hit_ratio"]["flash"], 0.75);
  EXPECT_EQ(j["cluster"]["array"]["writes"]["ios"], 1);
  EXPECT_EQ(j["cluster"]["array"]["destage_writes"]["bytes"], 4096);
  EXPECT_EQ(j["cluster"]["bytes_at_risk"]["max"], 4096);
  EXPECT_EQ(j["vms"][1]["name"], "vdi, pool \"B\"");
  EXPECT_TRUE(j["vms"][1]["latency_ns"]["writes"]["count"] == 1);
  Metrics idle({"idle"}, kSecond);
  idle.finish(kSecond);
  const auto k = nlohmann::ordered_json::parse(summary_json(idle));
  EXPECT_TRUE(k["vms"][0]["read_hit_ratio"]["flash"].is_null());
  EXPECT_TRUE(k["vms"][0]["latency_ns"]["all"]["mean"].is_null());
}

TEST(Report, SummaryJsonWithComparisonAndViolations) {
  Metrics run = sample_run();
  const Metrics baseline = sample_run();
  const Comparison c = compare(run, baseline);
  const auto j = nlohmann::ordered_json::parse(summary_json(run, &c));
  EXPECT_EQ(j["comparison"]["latency_gain"]["all"]["p50"]["gain"], 1.0);
  EXPECT_EQ(j["comparison"]["latency_gain"]["all"]["p50"]["baseline_ns"], 303'103);
  EXPECT_EQ(j["comparison"]["array_offload"]["reads"], 0.0);

  Metrics bad({"a"}, kSecond);
  bad.violation("disk 3 block 9: read returned version 4, expected 5");
  bad.acknowledged_writes_lost(2);
  bad.finish(kSecond);
  const auto k = nlohmann::ordered_json::parse(summary_json(bad));
  EXPECT_EQ(k["consistency"]["verdict"], "violated");
  EXPECT_EQ(k["consistency"]["acknowledged_writes_lost"], 2);
  EXPECT_EQ(k["consistency"]["reads_failed"], 0);
  EXPECT_EQ(k["consistency"]["first_violations"][0],
            "disk 3 block 9: read returned version 4, expected 5");
}

// A run with a host, a warm-up and a drain, for the sections they add.
Metrics hosted_run() {
  RunLayout layout;
  layout.vms = {"db"};
  layout.hosts = {HostLayout{"esx1", 1ull << 30, 1ull << 30, 4, 3.0},
                  HostLayout{"bare", 0, 0, 1, 0}};
  layout.interval_ns = kSecond;
  layout.warmup_ns = kSecond;
  layout.workload_end_ns = 3 * kSecond;
  Metrics m(layout);
  m.request_completed(0, IoKind::read, 4096, 0, 500, ServedBlocks{0, 0, 1}, true);  // warm-up
  m.record(HostGauges{0, kSecond, 4096, 0, 5, 0.0, 1.0});
  // The array over the window: 4 servers busy 7.9 of 8 server-seconds for 400 I/Os arriving with
  // 8 server-seconds of work: saturated at 200 I/Os per second, capacity 200.
  models::ArrayLoad load;
  load.backend_servers = 4;
  load.nvram_bytes = 1 << 20;
  m.record(ArrayGauges{kSecond, load});
  load.reads = 400;
  load.backend_busy_server_s = 7.9;
  load.backend_demand_s = 8.0;
  load.nvram_used_bytes = 65536;
  load.writes_waited = 7;
  m.record(ArrayGauges{3 * kSecond, load});
  m.request_completed(0, IoKind::read, 4096, 2 * kSecond, 2 * kSecond + 100'000,
                      ServedBlocks{1, 0, 0}, true);
  m.request_completed(0, IoKind::write, 4096, 2 * kSecond, 2 * kSecond + 20'000, ServedBlocks{},
                      true);
  m.record(FlashIo{0, IoKind::write, 1 << 20, 2 * kSecond, 2 * kSecond, 2 * kSecond + 50'000});
  m.record(NetworkTransfer{NetworkPurpose::array_read, 4096, 2 * kSecond + 1});
  m.record(HostGauges{0, 3 * kSecond, 8192, 4096, 9, 0.0, 1.0});
  m.array_io(IoKind::write, 4096, 3 * kSecond + 500'000'000, true);
  m.record(NetworkTransfer{NetworkPurpose::destage, 4096, 3 * kSecond + 500'000'000});
  m.finish(3 * kSecond + 500'000'000);
  return m;
}

TEST(Report, SummaryJsonWindowDrainHostsNetworkAndProvenance) {
  const Metrics run = hosted_run();
  Provenance p;
  p.program_version = "flashtwin 9.9";
  p.scenario_json = R"({"name": "x", "seed": 5, "warmup_s": 1})";
  p.overrides = {"duration_s=3"};
  p.seed = 5;
  const auto j = nlohmann::ordered_json::parse(summary_json(run, nullptr, &p));
  EXPECT_EQ(j["produced_by"]["program"], "flashtwin 9.9");
  EXPECT_EQ(j["produced_by"]["seed"], 5);
  EXPECT_EQ(j["produced_by"]["overrides"][0], "duration_s=3");
  EXPECT_EQ(j["produced_by"]["scenario"]["warmup_s"], 1);
  EXPECT_EQ(j["run_end_ns"], 3'500'000'000);
  EXPECT_EQ(j["window"]["start_ns"], kSecond);
  EXPECT_EQ(j["window"]["length_ns"], 2 * kSecond);
  EXPECT_EQ(j["definitions"]["hit_ratio"], kHitRatioDefinition);
  EXPECT_EQ(j["cluster"]["reads"]["ios"], 1);  // the warm-up's read is not counted
  EXPECT_EQ(j["cluster"]["iops"], 1.0);        // 2 I/Os over the 2 s window
  EXPECT_EQ(j["cluster"]["network"]["bytes_by_purpose"]["array_read"], 4096);
  EXPECT_EQ(j["cluster"]["array_backend"]["saturated"], true);
  EXPECT_EQ(j["cluster"]["array_backend"]["offered_iops"], 200.0);
  EXPECT_EQ(j["cluster"]["array_backend"]["capacity_iops"], 200.0);
  EXPECT_EQ(j["cluster"]["array_backend"]["utilisation"], 0.9875);
  EXPECT_EQ(j["cluster"]["nvram_used_bytes"]["max"], 65536);
  const Comparison c = compare(run, run);
  const auto k = nlohmann::ordered_json::parse(summary_json(run, &c, &p));
  EXPECT_EQ(k["comparison"]["array_nvram"]["bytes"], 1 << 20);
  EXPECT_EQ(k["comparison"]["array_nvram"]["baseline_used_bytes"]["max"], 65536);
  EXPECT_EQ(k["comparison"]["array_nvram"]["baseline_writes_waited"], 7);
  EXPECT_EQ(j["drain"]["duration_ns"], 500'000'000);
  EXPECT_EQ(j["drain"]["array"]["destage_writes"]["ios"], 1);
  EXPECT_EQ(j["drain"]["network"]["bytes_by_purpose"]["destage"], 4096);
  ASSERT_EQ(j["hosts"].size(), 2u);
  EXPECT_EQ(j["hosts"][0]["name"], "esx1");
  EXPECT_EQ(j["hosts"][0]["evictions"], 4);
  EXPECT_EQ(j["hosts"][0]["used_bytes"]["max"], 8192);
  EXPECT_EQ(j["hosts"][0]["flash_writes"]["bytes"], 1 << 20);
  EXPECT_EQ(j["hosts"][0]["endurance_dwpd"], 3.0);
  EXPECT_EQ(j["hosts"][0]["drive_writes_per_day"], 42.1875);  // 2^-10 per 2 s, 43200 times a day
  EXPECT_TRUE(j["hosts"][1]["drive_writes_per_day"].is_null());
  EXPECT_TRUE(j["hosts"][1]["endurance_dwpd"].is_null());
  // Without a provenance there is no produced_by; a scenario that is not JSON is refused.
  EXPECT_FALSE(nlohmann::ordered_json::parse(summary_json(run)).contains("produced_by"));
  p.scenario_json = "{not json";
  EXPECT_THROW(summary_json(run, nullptr, &p), std::invalid_argument);
}

TEST(Report, TableShowsReadsAndWritesApartHostsDrainAndDefinitions) {
  const Metrics run = hosted_run();
  const Comparison c = compare(run, run);
  const std::string table = summary_table(run, &c);
  for (const std::string& line : lines(table))
    EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(table.find("measured (1.000, 3.000] s = 2.000 s"), std::string::npos) << table;
  EXPECT_NE(table.find("  reads gain (x)"), std::string::npos) << table;
  EXPECT_NE(table.find("array backend   busy 98.8 %, offered 200.0 IOPS, capacity 200.0 IOPS"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("SATURATED: the array limits throughput"), std::string::npos) << table;
  EXPECT_NE(table.find("baseline array  busy 98.8 %"), std::string::npos) << table;
  // The baseline's NVRAM: a saturated array may look fast while it fills.
  EXPECT_NE(table.find("baseline NVRAM  last 64.0 KiB, max 64.0 KiB of 1.0 MiB; 7 writes found "
                       "it full"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  writes gain (x)"), std::string::npos) << table;
  EXPECT_EQ(table.find("  gain (x)"), std::string::npos) << table;  // no mixed gain line
  EXPECT_NE(table.find("  reads with flash             0.100"), std::string::npos) << table;
  EXPECT_NE(table.find("  writes with flash            0.020"), std::string::npos) << table;
  EXPECT_NE(table.find("esx1"), std::string::npos);
  EXPECT_EQ(table.find("bare "), std::string::npos) << table;            // no flash: no host line
  EXPECT_NE(table.find("  42.188    3.0"), std::string::npos) << table;  // DWPD and rating
  EXPECT_NE(table.find("final drain     0.500 s after the workload, 1 destage writes (4.0 KiB)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find(kOffloadDefinition), std::string::npos);
  EXPECT_NE(table.find(kNetworkDefinition), std::string::npos);
  EXPECT_NE(table.find("(array_read 0.0)"), std::string::npos) << table;
}

// A long drain's line is too long for one row: it wraps rather than losing its end.
TEST(Report, ALongFinalDrainWrapsItsLineInsteadOfCuttingIt) {
  RunLayout layout;
  layout.vms = {"db"};
  layout.hosts = {HostLayout{"esx1", 1ull << 30, 1ull << 30, 4, 3.0}};
  layout.interval_ns = kSecond;
  layout.workload_end_ns = kSecond;
  Metrics m(layout);
  m.request_completed(0, IoKind::read, 4096, 0, 500, ServedBlocks{0, 0, 1}, true);
  for (std::int64_t i = 0; i < 15'101; ++i)
    m.array_io(IoKind::write, 17'715, kSecond + 1'000'000 * (i + 1), true);
  m.finish(kSecond + 15'345'000'000);
  const std::string table = summary_table(m);
  for (const std::string& line : lines(table))
    EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(table.find("final drain     15.345 s after the workload, 15101 destage writes (255.1 "
                       "MiB),\n                not in the rates above\n"),
            std::string::npos)
      << table;
}

// An overloaded baseline's latencies run to minutes: each cell keeps a space before it (fewer
// decimals, then a power of ten), so the columns stay apart and readable.
TEST(Report, HugeLatenciesKeepTheirColumnsApart) {
  Metrics slow({"db"}, kSecond);
  slow.request_completed(0, IoKind::read, 4096, 0, 262 * kSecond, ServedBlocks{0, 0, 1}, true);
  slow.request_completed(0, IoKind::write, 4096, 0, 2000 * kSecond, ServedBlocks{}, true);
  slow.finish(2001 * kSecond);
  Metrics fast({"db"}, kSecond);
  fast.request_completed(0, IoKind::read, 4096, 0, 100'000, ServedBlocks{1, 0, 0}, true);
  fast.request_completed(0, IoKind::write, 4096, 0, 1, ServedBlocks{}, true);  // gain 2e12
  fast.finish(2001 * kSecond);
  const Comparison c = compare(fast, slow);
  const std::string table = summary_table(fast, &c);
  bool seen_reads = false;
  bool seen_writes = false;
  for (const std::string& line : lines(table)) {
    if (line.rfind("  reads baseline", 0) == 0) {
      seen_reads = true;
      // Five cells of 10 columns after a 26-column label, each with a space before it.
      ASSERT_EQ(line.size(), 76u) << line;
      for (std::size_t cell = 0; cell < 5; ++cell)
        EXPECT_EQ(line[26 + 10 * cell], ' ') << line;
      EXPECT_NE(line.find(" 262"), std::string::npos) << line;  // about 262,000 ms: readable
    }
    if (line.rfind("  writes gain (x)", 0) == 0 || line.rfind("  writes baseline", 0) == 0) {
      seen_writes = true;
      ASSERT_EQ(line.size(), 76u) << line;
      for (std::size_t cell = 0; cell < 5; ++cell)
        EXPECT_EQ(line[26 + 10 * cell], ' ') << line;
    }
  }
  EXPECT_TRUE(seen_reads && seen_writes) << table;
}

// The network line's breakdown by purpose is never cut at the table's width: when it does not fit
// beside the total, it goes on a line of its own.
TEST(Report, NetworkBreakdownIsNeverClipped) {
  Metrics m({"db"}, kSecond);
  m.request_completed(0, IoKind::read, 4096, 0, 100'000, ServedBlocks{0, 0, 1}, true);
  m.record(NetworkTransfer{NetworkPurpose::array_read, 107'126'000'000, kSecond / 2});
  m.record(NetworkTransfer{NetworkPurpose::array_write, 4'700'000'000, kSecond / 2});
  m.record(NetworkTransfer{NetworkPurpose::destage, 10'700'000'000, kSecond / 2});
  m.finish(kSecond);
  const std::string table = summary_table(m);
  for (const std::string& line : lines(table))
    EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(table.find("(array_read 107126.0, array_write 4700.0, destage 10700.0)"),
            std::string::npos)
      << table;
}

// A migration's memory copy: in cluster.migrations[] and on the table's migrations lines, its
// bytes under the `vmotion` purpose; a migration without one has 0 bytes and no copy line.
TEST(Report, AMigrationsMemoryCopyIsInTheJsonAndTheTable) {
  RunLayout layout;
  layout.vms = {"app", "web"};
  layout.hosts = {HostLayout{"esx1", 1ull << 30, 1ull << 30, 4, 3.0},
                  HostLayout{"esx2", 1ull << 30, 1ull << 30, 4, 3.0}};
  layout.interval_ns = kSecond;
  Metrics m(layout);
  m.record(MigrationDone{1, 1, 0, kSecond, 0, kSecond, kSecond});
  m.record(NetworkTransfer{NetworkPurpose::vmotion, 1ull << 30, 3 * kSecond + kSecond / 10});
  m.record(MigrationDone{0, 0, 1, 3 * kSecond + kSecond / 5, 1ull << 30, kSecond,
                         3 * kSecond + kSecond / 10});
  m.finish(4 * kSecond);
  const auto j = nlohmann::ordered_json::parse(summary_json(m));
  EXPECT_EQ(j["cluster"]["network"]["bytes_by_purpose"]["vmotion"], 1ull << 30);
  const auto& none = j["cluster"]["migrations"][0];
  EXPECT_EQ(none["vm"], "web");
  EXPECT_EQ(none["memory_copy"]["bytes"], 0);
  EXPECT_EQ(none["memory_copy"]["start_ns"], kSecond);
  EXPECT_EQ(none["memory_copy"]["duration_ns"], 0);
  const auto& copied = j["cluster"]["migrations"][1];
  EXPECT_EQ(copied["vm"], "app");
  EXPECT_EQ(copied["at_ns"], 3'200'000'000);
  EXPECT_EQ(copied["memory_copy"]["bytes"], 1ull << 30);
  EXPECT_EQ(copied["memory_copy"]["start_ns"], kSecond);
  EXPECT_EQ(copied["memory_copy"]["end_ns"], 3'100'000'000);
  EXPECT_EQ(copied["memory_copy"]["duration_ns"], 2'100'000'000);
  const std::string table = summary_table(m);
  EXPECT_NE(table.find("vmotion"), std::string::npos) << table;
  EXPECT_NE(table.find("1.000 -> 3.100 s (2.100 s), switch-over 0.100 s later"), std::string::npos)
      << table;
  EXPECT_EQ(table.find("memory copy"), table.rfind("memory copy")) << table;  // web has none
  // A copy that ends after its switch-over is a runtime bug.
  Metrics bad(layout);
  EXPECT_THROW(bad.record(MigrationDone{0, 0, 1, kSecond, 1, kSecond, 2 * kSecond}),
               std::invalid_argument);
}

TEST(Report, ReportedReadErrorsAreShownButDoNotFailTheVerdict) {
  Metrics run({"a"}, kSecond);
  run.reads_failed(4);
  run.finish(kSecond);
  const auto j = nlohmann::ordered_json::parse(summary_json(run));
  EXPECT_EQ(j["consistency"]["verdict"], "consistent");
  EXPECT_EQ(j["consistency"]["reads_failed"], 4);
  const std::string table = summary_table(run);
  EXPECT_NE(table.find("consistency: OK"), std::string::npos) << table;
  EXPECT_NE(table.find("4 reads failed with a reported error"), std::string::npos) << table;
}

TEST(Report, ClusterCsvHeaderAndRowLiterally) {
  const std::vector<std::string> csv = lines(timeseries_csv(sample_run()));
  ASSERT_EQ(csv.size(), 4u);  // header + 3 intervals
  EXPECT_EQ(csv[0],
            "start_s,end_s,iops,read_iops,write_iops,mb_per_s,read_mb_per_s,write_mb_per_s,failed,"
            "p50_ms,p95_ms,p99_ms,p999_ms,read_hit_ratio,local_hit_ratio,remote_hit_ratio,"
            "array_read_iops,array_write_iops,array_destage_iops,array_read_mb_per_s,"
            "array_write_mb_per_s,network_mb_per_s,dirty_bytes,dirty_bytes_max,bytes_at_risk,"
            "bytes_at_risk_max,nvram_used_bytes,nvram_used_bytes_max,underprotected_bytes,"
            "underprotected_bytes_max,array_requests_on_hold,array_requests_on_hold_max,"
            "array_utilisation,network_array_read_mb_per_s,network_array_write_mb_per_s,"
            "network_destage_mb_per_s,network_replication_mb_per_s,network_remote_read_mb_per_s,"
            "network_vmotion_mb_per_s,network_remote_cache_mb_per_s");
  // (0, 1 s]: reads of 250 us and 2.1 ms, a write of 1.2 ms (p50: the upper edge of its bucket
  // [1196032, 1212415]); 3 blocks read, 1 local, 1 remote.
  EXPECT_EQ(csv[1],
            "0.000000000,1.000000000,3.000,2.000,1.000,0.016384,0.012288,0.004096,0,"
            "1.212415,2.100000,2.100000,2.100000,0.666667,0.333333,0.333333,"
            "1.000,0.000,0.000,0.004096,0.000000,0.008192,4096,4096,4096,4096,0,0,0,0,0,0,"
            ",0.000000,0.008192,0.000000,0.000000,0.000000,0.000000,0.000000");
  // (1 s, 2 s]: no request (empty latencies and hit ratios), the destage write, gauges to 0.
  EXPECT_EQ(csv[2],
            "1.000000000,2.000000000,0.000,0.000,0.000,0.000000,0.000000,0.000000,0,,,,,,,,"
            "0.000,1.000,1.000,0.000000,0.004096,0.000000,0,4096,0,4096,0,0,0,0,0,0,,"
            "0.000000,0.000000,0.000000,0.000000,0.000000,0.000000,0.000000");
}

// The array backend's busy share per interval: the busy server-seconds between the last sample
// before the interval and the last in it, over servers x the time between those samples.
TEST(Report, ArrayUtilisationPerIntervalFromTheBackendsBusyTime) {
  Metrics m({"a"}, kSecond);
  models::ArrayLoad load;
  load.backend_servers = 4;
  load.backend_busy_server_s = 1.0;  // (0, 1 s]: 1 of 4 server-seconds
  m.record(ArrayGauges{kSecond, load});
  load.backend_busy_server_s = 2.0;  // (1 s, 2 s]: 1 more in the 0.5 s to a mid-interval sample
  m.record(ArrayGauges{kSecond + kSecond / 2, load});
  load.backend_busy_server_s = 4.0;  // (2 s, 3 s]: no sample; (3 s, 4 s]: 2 more in 2.5 s
  m.record(ArrayGauges{4 * kSecond, load});
  m.finish(4 * kSecond);
  const std::vector<std::string> csv = lines(timeseries_csv(m));
  ASSERT_EQ(csv.size(), 5u);
  const std::size_t column = 32;  // array_utilisation
  auto field = [column](const std::string& line) {
    std::size_t at = 0;
    for (std::size_t i = 0; i < column; ++i)
      at = line.find(',', at) + 1;
    return line.substr(at, line.find(',', at) - at);
  };
  EXPECT_EQ(field(csv[0]), "array_utilisation");
  EXPECT_EQ(field(csv[1]), "0.250000");
  EXPECT_EQ(field(csv[2]), "0.500000");
  EXPECT_EQ(field(csv[3]), "");          // no sample: undefined, not idle
  EXPECT_EQ(field(csv[4]), "0.200000");  // over the 2.5 s since the sample before
}

// Per-host levels per interval (what the GUI's cluster view plays back): the last sample and the
// largest; an interval without a sample holds the level where the previous one left it.
TEST(Report, HostCsvHoldsEachHostsLevelsPerInterval) {
  RunLayout layout;
  layout.vms = {"a"};
  layout.hosts = {HostLayout{"esx1", 1 << 20, 1 << 20}, HostLayout{"esx \"2\"", 1 << 20, 1 << 20}};
  layout.interval_ns = kSecond;
  Metrics m(layout);
  m.record(HostGauges{0, kSecond / 2, 8192, 4096, 0, 0, 1, 0});
  m.record(HostGauges{0, kSecond, 4096, 0, 0, 0, 1, 0});
  m.record(HostGauges{1, kSecond, 12288, 8192, 0, 0, 1, 4096});
  m.finish(2 * kSecond);
  const std::vector<std::string> csv = lines(host_timeseries_csv(m));
  ASSERT_EQ(csv.size(), 5u);  // header + 2 intervals x 2 hosts
  EXPECT_EQ(csv[0],
            "start_s,end_s,host,host_name,used_bytes,used_bytes_max,dirty_bytes,dirty_bytes_max,"
            "replica_bytes,replica_bytes_max");
  EXPECT_EQ(csv[1], "0.000000000,1.000000000,0,esx1,4096,8192,0,4096,0,0");
  EXPECT_EQ(csv[2], "0.000000000,1.000000000,1,\"esx \"\"2\"\"\",12288,12288,8192,8192,4096,4096");
  EXPECT_EQ(csv[3], "1.000000000,2.000000000,0,esx1,4096,4096,0,0,0,0");
  EXPECT_EQ(csv[4], "1.000000000,2.000000000,1,\"esx \"\"2\"\"\",12288,12288,8192,8192,4096,4096");
}

TEST(Report, VmCsvQuotesNamesAndHasOneRowPerVmAndInterval) {
  const std::vector<std::string> csv = lines(vm_timeseries_csv(sample_run()));
  ASSERT_EQ(csv.size(), 7u);  // header + 3 intervals x 2 VMs
  EXPECT_EQ(csv[0],
            "start_s,end_s,vm,vm_name,iops,read_iops,write_iops,mb_per_s,read_mb_per_s,"
            "write_mb_per_s,failed,p50_ms,p95_ms,p99_ms,p999_ms,read_hit_ratio,local_hit_ratio,"
            "remote_hit_ratio");
  EXPECT_EQ(csv[2],
            "0.000000000,1.000000000,1,\"vdi, pool \"\"B\"\"\",1.000,0.000,1.000,0.004096,0.000000,"
            "0.004096,0,1.200000,1.200000,1.200000,1.200000,,,");
  EXPECT_EQ(csv[6],
            "2.000000000,3.000000000,1,\"vdi, pool \"\"B\"\"\",1.000,1.000,0.000,0.004096,"
            "0.004096,0.000000,0,0.300000,0.300000,0.300000,0.300000,1.000000,1.000000,0.000000");
}

// A decimal comma for C++ streams, whatever locales the machine has installed.
struct DecimalComma : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(Report, OutputDoesNotDependOnTheLocale) {
  const Metrics run = sample_run();
  const std::string json = summary_json(run);
  const std::string csv = timeseries_csv(run);
  const std::string table = summary_table(run);
  const std::locale before =
      std::locale::global(std::locale(std::locale::classic(), new DecimalComma));
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"}) {
    if (std::setlocale(LC_ALL, name) != nullptr) break;  // printf would now print "1,5"
  }
  EXPECT_EQ(summary_json(run), json);
  EXPECT_EQ(timeseries_csv(run), csv);
  EXPECT_EQ(summary_table(run), table);
  std::setlocale(LC_ALL, "C");
  std::locale::global(before);
}

TEST(Report, WriteResultsWritesItsFilesAndTheBaselinesSeriesWithOne) {
  const fs::path dir = scratch_dir();
  const Metrics run = sample_run();
  const Metrics baseline = sample_run(4096);
  write_results(dir, run, nullptr, nullptr, &baseline);
  EXPECT_EQ(read_file(dir / "summary.json"), summary_json(run));
  EXPECT_EQ(read_file(dir / "timeseries.csv"), timeseries_csv(run));
  EXPECT_EQ(read_file(dir / "timeseries_vms.csv"), vm_timeseries_csv(run));
  EXPECT_EQ(read_file(dir / "timeseries_hosts.csv"), host_timeseries_csv(run));
  EXPECT_EQ(read_file(dir / "latency_cdf.csv"), latency_cdf_csv(run, &baseline));
  EXPECT_EQ(read_file(dir / "timeseries_baseline.csv"), timeseries_csv(baseline));
  EXPECT_FALSE(fs::exists(dir / "summary.json.tmp"));
  // Without a baseline, none is left from an earlier run in the folder.
  write_results(dir, run);
  EXPECT_FALSE(fs::exists(dir / "timeseries_baseline.csv"));
  EXPECT_EQ(read_file(dir / "latency_cdf.csv"), latency_cdf_csv(run));
  fs::remove_all(dir);
}

// Reads of 0.25, 2.1 and 0.3 ms, one write of 1.2 ms: min at 0, the histogram's percentiles
// between, max at 100; the baseline's columns empty without one.
TEST(Report, LatencyCdfRowsLiterally) {
  const std::vector<std::string> csv = lines(latency_cdf_csv(sample_run()));
  ASSERT_EQ(csv.size(), 1u + 100 + 9 + 9 + 1);
  EXPECT_EQ(csv[0], "percentile,read_ms,write_ms,baseline_read_ms,baseline_write_ms");
  EXPECT_EQ(csv[1], "0.00,0.250000,1.200000,,");
  EXPECT_EQ(csv[2], "1.00,0.250000,1.200000,,");
  EXPECT_EQ(csv[34], "33.00,0.250000,1.200000,,");  // rank 1: the minimum
  EXPECT_EQ(csv.back(), "100.00,2.100000,1.200000,,");
  EXPECT_EQ(csv[101], "99.10,2.100000,1.200000,,");
  EXPECT_EQ(csv[110], "99.91,2.100000,1.200000,,");
  const Metrics baseline = sample_run();
  EXPECT_EQ(lines(latency_cdf_csv(sample_run(), &baseline))[1],
            "0.00,0.250000,1.200000,0.250000,1.200000");
}

TEST(Report, FailedWriteNamesTheFileAndKeepsTheEarlierOne) {
  const fs::path dir = scratch_dir();
  const fs::path summary = dir / "summary.json";
  write_file_atomically(summary, "earlier results\n");
  // The temporary file cannot be created (a directory is in the way).
  fs::create_directory(dir / "summary.json.tmp");
  try {
    write_file_atomically(summary, "new results\n");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(summary.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file(summary), "earlier results\n");
  EXPECT_TRUE(fs::is_directory(dir / "summary.json.tmp"));  // not ours to remove
  fs::remove(dir / "summary.json.tmp");

  // The target is a directory: the rename fails and the temporary file is cleaned up.
  fs::create_directory(dir / "results");
  fs::create_directory(dir / "results" / "keep");
  try {
    write_file_atomically(dir / "results", "x");
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "results").string()), std::string::npos);
  }
  EXPECT_TRUE(fs::is_directory(dir / "results" / "keep"));
  EXPECT_FALSE(fs::exists(dir / "results.tmp"));

  // The directory does not exist.
  EXPECT_THROW(write_results(dir / "missing", sample_run()), std::runtime_error);
  EXPECT_EQ(read_file(summary), "earlier results\n");
  fs::remove_all(dir);
}

TEST(Report, TableFitsHundredColumnsAndShowsTheVerdict) {
  Metrics run = sample_run();
  const Metrics baseline = sample_run();
  const Comparison c = compare(run, baseline);
  const std::string table = summary_table(run, &c);
  for (const std::string& line : lines(table))
    EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(table.find("p99.9 ms"), std::string::npos) << table;
  EXPECT_NE(table.find("consistency: OK"), std::string::npos);
  EXPECT_NE(table.find("array offload: reads 0.0 %"), std::string::npos) << table;
  EXPECT_NE(table.find("data at risk    last 0 B, max 4.0 KiB"), std::string::npos) << table;

  Metrics bad({std::string(150, 'v')}, kSecond);
  bad.violation(std::string(300, 'x'));
  bad.finish(kSecond);
  const std::string failed = summary_table(bad);
  for (const std::string& line : lines(failed))
    EXPECT_LE(line.size(), 100u) << line;
  EXPECT_NE(failed.find("consistency: FAILED (1 violations"), std::string::npos) << failed;
  EXPECT_THROW(summary_table(Metrics({"a"}, kSecond)), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::sim
