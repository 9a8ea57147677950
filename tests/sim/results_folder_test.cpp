// Reading a results folder back (flashtwin/sim/results_folder.hpp): the CSV as report.hpp writes
// it (quoted names, empty fields as NaN), errors naming file, line and column, key figures.
#include "flashtwin/sim/results_folder.hpp"
#include "flashtwin/sim/key_figures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace flashtwin::sim {
namespace {

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

std::filesystem::path folder_with(const std::string& name, const std::string& summary,
                                  const std::string& cluster, const std::string& vms) {
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  write(folder / "summary.json", summary);
  write(folder / "timeseries.csv", cluster);
  write(folder / "timeseries_vms.csv", vms);
  return folder;
}

const char* kSummary = R"({"format": "flashtwin-summary/2",
  "consistency": {"verdict": "consistent", "violations": 0, "acknowledged_writes_lost": 3},
  "cluster": {"latency_ns": {"reads": {"count": 9, "p50": 2000000, "p99": 9000000},
                             "writes": {"count": 4, "p50": 18000, "p99": 250000}},
              "read_hit_ratio": {"flash": 0.5}, "bytes_at_risk": {"last": 0, "max": 1048576}},
  "hosts": [{"drive_writes_per_day": 1.5}, {"drive_writes_per_day": 2.5}],
  "comparison": {"array_offload": {"reads": 0.4, "writes": 0.6},
                 "latency_gain": {"all": {"mean": {"gain": 7.5}}}}})";

TEST(ResultsFolder, ReadsColumnsUndefinedFieldsAndVmsByName) {
  const auto folder =
      folder_with("ft-results-ok", kSummary, "start_s,end_s,p50_ms\n0.0,1.0,0.5\n1.0,2.0,\n",
                  "start_s,end_s,vm,vm_name,p99_ms\n0,1,0,\"a,b\",2.5\n"
                  "0,1,1,web,1\n1,2,0,\"a,b\",3\n");
  const ResultsFolder r = load_results(folder);
  ASSERT_EQ(r.cluster.rows(), 2u);
  EXPECT_DOUBLE_EQ(r.cluster.column("p50_ms")[0], 0.5);
  EXPECT_TRUE(std::isnan(r.cluster.column("p50_ms")[1]));
  ASSERT_EQ(r.vm_order, (std::vector<std::string>{"a,b", "web"}));
  EXPECT_EQ(r.vms.at("a,b").column("p99_ms"), (std::vector<double>{2.5, 3}));
  EXPECT_FALSE(r.vms.at("web").has("vm_name"));
  EXPECT_FALSE(r.interrupted);
  EXPECT_FALSE(r.baseline.has_value());  // optional files
  EXPECT_FALSE(r.latency_cdf.has_value());
  EXPECT_TRUE(r.hosts.empty());
  write(folder / "latency_cdf.csv", "percentile,read_ms\n0.00,0.25\n100.00,2.5\n");
  write(folder / "timeseries_hosts.csv",
        "start_s,end_s,host,host_name,used_bytes\n0,1,0,esx2,4096\n0,1,1,esx1,0\n"
        "1,2,0,esx2,8192\n1,2,1,esx1,4096\n");
  write(folder / "timeseries_baseline.csv", "start_s,end_s,p50_ms\n0.0,1.0,9.5\n");
  const ResultsFolder with_more = load_results(folder);
  ASSERT_TRUE(with_more.latency_cdf.has_value());
  EXPECT_EQ(with_more.latency_cdf->column("read_ms"), (std::vector<double>{0.25, 2.5}));
  ASSERT_TRUE(with_more.baseline.has_value());
  EXPECT_EQ(with_more.baseline->column("p50_ms"), std::vector<double>{9.5});
  ASSERT_EQ(with_more.host_order, (std::vector<std::string>{"esx2", "esx1"}));
  EXPECT_EQ(with_more.hosts.at("esx2").column("used_bytes"), (std::vector<double>{4096, 8192}));
  EXPECT_FALSE(with_more.hosts.at("esx1").has("host_name"));
  const KeyFigures k = key_figures(r);
  EXPECT_DOUBLE_EQ(k.read_p50_ms, 2.0);
  EXPECT_DOUBLE_EQ(k.read_p99_ms, 9.0);
  EXPECT_DOUBLE_EQ(k.write_p99_ms, 0.25);
  EXPECT_DOUBLE_EQ(k.read_hit_ratio, 0.5);
  EXPECT_DOUBLE_EQ(k.array_read_offload, 0.4);
  EXPECT_DOUBLE_EQ(k.array_write_offload, 0.6);
  EXPECT_DOUBLE_EQ(k.latency_gain_mean, 7.5);
  EXPECT_DOUBLE_EQ(k.bytes_at_risk_max, 1048576);
  EXPECT_DOUBLE_EQ(k.acknowledged_writes_lost, 3);
  EXPECT_DOUBLE_EQ(k.drive_writes_per_day, 2.5);
  EXPECT_DOUBLE_EQ(k.violations, 0);
}

TEST(ResultsFolder, WithoutABaselineTheComparisonFiguresAreUndefined) {
  const auto folder =
      folder_with("ft-results-nobase", R"({"format": "x", "interrupted": {"signal": "SIGTERM"}})",
                  "start_s,end_s\n", "start_s,end_s,vm,vm_name\n");
  const ResultsFolder r = load_results(folder);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.cluster.rows(), 0u);
  EXPECT_TRUE(std::isnan(key_figures(r).array_read_offload));
  EXPECT_TRUE(std::isnan(key_figures(r).violations));
}

TEST(ResultsFolder, ErrorsNameFileLineAndColumn) {
  auto message = [](const std::filesystem::path& folder) {
    try {
      load_results(folder);
    } catch (const ResultsError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto bad_number =
      folder_with("ft-results-bad", kSummary, "start_s,end_s\n0,1x\n", "start_s,vm_name\n");
  EXPECT_NE(
      message(bad_number).find("timeseries.csv: line 2, column 'end_s': '1x' is not a number"),
      std::string::npos)
      << message(bad_number);
  const auto short_line =
      folder_with("ft-results-short", kSummary, "start_s,end_s\n0\n", "start_s,vm_name\n");
  EXPECT_NE(message(short_line).find("line 2: 1 fields, the header has 2"), std::string::npos);
  const auto not_json = folder_with("ft-results-json", "{", "start_s\n", "vm_name\n");
  EXPECT_NE(message(not_json).find("summary.json: not valid JSON"), std::string::npos);
  EXPECT_NE(message(std::filesystem::temp_directory_path() / "ft-no-such-folder")
                .find("summary.json: cannot be read"),
            std::string::npos);
}

// Which design is better, figure by figure: the direction of each figure, ties within what is
// shown, and figures a run does not have.
TEST(KeyFigures, BetterFollowsEachFiguresDirectionAndIgnoresNoise) {
  KeyFigures a, b;
  a.read_p99_ms = 2.0;
  b.read_p99_ms = 1.0;  // lower latency: b
  a.read_hit_ratio = 0.9;
  b.read_hit_ratio = 0.5;  // higher hit ratio: a
  a.drive_writes_per_day = 1.000;
  b.drive_writes_per_day = 1.001;  // below the shown 0.01: same
  a.array_read_offload = std::nan("");
  b.array_read_offload = 0.5;  // A had no baseline
  const std::vector<Figure> fa = figure_list(a), fb = figure_list(b);
  auto find = [](const std::vector<Figure>& list, const std::string& name) {
    for (const Figure& f : list)
      if (f.name == name) return f;
    ADD_FAILURE() << "no figure " << name;
    return Figure{};
  };
  EXPECT_EQ(better_of(find(fa, "read latency p99"), find(fb, "read latency p99")), Better::b);
  EXPECT_EQ(better_of(find(fa, "read hit ratio (flash)"), find(fb, "read hit ratio (flash)")),
            Better::a);
  EXPECT_DOUBLE_EQ(find(fa, "read hit ratio (flash)").value, 90.0);  // shown in %
  EXPECT_EQ(
      better_of(find(fa, "flash wear, most worn host"), find(fb, "flash wear, most worn host")),
      Better::same);
  EXPECT_EQ(better_of(find(fa, "array reads offloaded"), find(fb, "array reads offloaded")),
            Better::undefined);
}

}  // namespace
}  // namespace flashtwin::sim
