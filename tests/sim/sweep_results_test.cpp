// A sweep's merged results: the Pareto front against a brute-force check, the best design per
// SLO, figures read from a summary.json, and the CSV read back.
#include "flashtwin/sim/sweep_results.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace flashtwin::sim {
namespace {

// Every point that no other point dominates, by the definition, in O(n^2).
std::vector<std::size_t> brute_force_front(const std::vector<std::vector<double>>& points) {
  const auto worst = [](double v) { return std::isnan(v) ? HUGE_VAL : v; };
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
      bool all_le = true;
      bool one_lt = false;
      for (std::size_t d = 0; d < points[i].size(); ++d) {
        all_le = all_le && worst(points[j][d]) <= worst(points[i][d]);
        one_lt = one_lt || worst(points[j][d]) < worst(points[i][d]);
      }
      dominated = all_le && one_lt;
    }
    if (!dominated) front.push_back(i);
  }
  return front;
}

TEST(SweepResults, ParetoFrontEqualsBruteForce) {
  std::uint64_t state = 42;
  const auto next = [&state](int range) {  // small ranges: many ties
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(range));
  };
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 1 + next(60);
    const int dims = 1 + next(4);
    std::vector<std::vector<double>> points(n, std::vector<double>(dims));
    for (auto& p : points)
      for (double& x : p)
        x = next(10) == 0 ? std::nan("") : static_cast<double>(next(trial % 2 == 0 ? 5 : 1000));
    EXPECT_EQ(pareto_front(points), brute_force_front(points)) << "trial " << trial;
  }
}

DesignOutcome outcome(std::size_t index, double cost, double p99, double offload, double risk) {
  DesignOutcome o;
  o.design.index = index;
  o.design.name = "d" + std::to_string(index);
  o.status = DesignStatus::ok;
  o.consistency = "consistent";
  o.cost = cost;
  o.read_p99_ms = p99;
  o.bytes_offload = offload;
  o.data_at_risk_bytes = risk;
  return o;
}

TEST(SweepResults, MarkParetoLeavesOutDesignsWithoutResults) {
  std::vector<DesignOutcome> outcomes{outcome(0, 100, 5, 0.5, 0), outcome(1, 200, 2, 0.5, 0),
                                      outcome(2, 200, 5, 0.4, 0), outcome(3, 50, 1, 0.9, 0)};
  outcomes[3].status = DesignStatus::failed;  // would dominate everything
  mark_pareto(outcomes);
  EXPECT_TRUE(outcomes[0].pareto);
  EXPECT_TRUE(outcomes[1].pareto);
  EXPECT_FALSE(outcomes[2].pareto);  // design 0 is cheaper, as fast, offloads more
  EXPECT_FALSE(outcomes[3].pareto);
}

TEST(SweepResults, BestForAnSloIsTheCheapestThatMeetsIt) {
  std::vector<DesignOutcome> outcomes{outcome(0, 100, 5, 0.5, 0), outcome(1, 300, 1.5, 0.8, 0),
                                      outcome(2, 200, 1.9, 0.7, 1e9), outcome(3, 150, 2.5, 0.9, 0)};
  outcomes[1].acknowledged_writes_lost = 0;
  outcomes[2].acknowledged_writes_lost = 3;
  Slo fast;
  fast.name = "p99 under 2 ms";
  fast.p99_read_ms_max = 2;
  EXPECT_EQ(best_for(fast, outcomes), std::optional<std::size_t>(2));
  fast.acknowledged_writes_lost_max = 0;
  EXPECT_EQ(best_for(fast, outcomes), std::optional<std::size_t>(1));
  Slo safe;
  safe.name = "nothing at risk, half offloaded";
  safe.data_at_risk_gib_max = 0;
  safe.bytes_offload_min = 0.6;
  EXPECT_EQ(best_for(safe, outcomes), std::optional<std::size_t>(3));
  outcomes[3].consistency = "VIOLATED";  // an inconsistent run meets nothing
  EXPECT_EQ(best_for(safe, outcomes), std::optional<std::size_t>(1));
  Slo impossible;
  impossible.name = "p99 under 1 ms";
  impossible.p99_read_ms_max = 1;
  EXPECT_EQ(best_for(impossible, outcomes), std::nullopt);
}

nlohmann::json small_summary() {
  const nlohmann::json latency{{"p50", 1000000}, {"p95", 2000000}, {"p99", 3500000}};
  return {{"cluster",
           {{"latency_ns",
             {{"reads", latency}, {"writes", {{"p50", 20000}, {"p95", 30000}, {"p99", nullptr}}}}},
            {"read_hit_ratio", {{"flash", 0.75}}},
            {"bytes_at_risk", {{"last", 0}, {"max", 4096}}}}},
          {"consistency", {{"verdict", "consistent"}, {"acknowledged_writes_lost", 2}}},
          {"hosts", {{{"drive_writes_per_day", 0.5}}, {{"drive_writes_per_day", 1.25}}}},
          {"comparison", {{"array_offload", {{"reads", 0.6}, {"writes", 0.2}, {"bytes", 0.5}}}}},
          {"expectations", {{"failed", {"p99 latency 3.5 ms > 2 ms"}}}}};
}

TEST(SweepResults, FiguresComeFromTheSummary) {
  DesignOutcome o;
  read_summary(small_summary(), o);
  EXPECT_DOUBLE_EQ(o.read_p99_ms, 3.5);
  EXPECT_DOUBLE_EQ(o.write_p50_ms, 0.02);
  EXPECT_TRUE(std::isnan(o.write_p99_ms));  // null: no such figure
  EXPECT_DOUBLE_EQ(o.read_hit_ratio, 0.75);
  EXPECT_DOUBLE_EQ(o.data_at_risk_bytes, 4096);
  EXPECT_EQ(o.acknowledged_writes_lost, 2u);
  EXPECT_DOUBLE_EQ(o.drive_writes_per_day_max, 1.25);
  EXPECT_DOUBLE_EQ(o.read_offload, 0.6);
  EXPECT_DOUBLE_EQ(o.bytes_offload, 0.5);
  EXPECT_EQ(o.expectations_failed, std::vector<std::string>{"p99 latency 3.5 ms > 2 ms"});
  nlohmann::json broken = small_summary();
  broken["cluster"].erase("latency_ns");
  EXPECT_THROW(read_summary(broken, o), std::invalid_argument);
}

// CSV text as rows of fields (RFC 4180 quotes), to read results.csv back.
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      rows.back().back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ',') {
      rows.back().emplace_back();
    } else if (!quoted && c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

std::string field(const std::vector<std::vector<std::string>>& rows, std::size_t row,
                  const std::string& column) {
  const auto& header = rows.front();
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return "<no column " + column + ">";
  return rows.at(row + 1).at(static_cast<std::size_t>(at - header.begin()));
}

TEST(SweepResults, CsvReadsBackWithOneRowPerDesign) {
  SweepSpec sweep;
  sweep.axes = {{"flash, GiB", {"x"}, {100, 200}}, {"mode", {"y"}, {"write-back"}}};
  Slo fast;
  fast.name = "fast";
  sweep.slos = {fast};
  std::vector<DesignOutcome> outcomes{outcome(0, 100, 5, 0.5, 0), outcome(1, 200, 2, 0.5, 0)};
  outcomes[0].design.values = {100, "write-back"};
  outcomes[1].design.values = {200, "write-back"};
  outcomes[1].status = DesignStatus::not_run;
  mark_pareto(outcomes);
  const auto rows = csv_rows(results_csv(sweep, outcomes));
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows)
    EXPECT_EQ(row.size(), rows.front().size());
  EXPECT_EQ(field(rows, 0, "flash, GiB"), "100");
  EXPECT_EQ(field(rows, 1, "flash, GiB"), "200");
  EXPECT_EQ(field(rows, 0, "mode"), "write-back");
  EXPECT_EQ(field(rows, 1, "cost"), "200");
  EXPECT_EQ(field(rows, 0, "read_p99_ms"), "5");
  EXPECT_EQ(field(rows, 1, "read_p99_ms"), "");  // not run: no figures
  EXPECT_EQ(field(rows, 1, "status"), "not-run");
  EXPECT_EQ(field(rows, 0, "pareto"), "1");
  EXPECT_EQ(field(rows, 1, "pareto"), "0");
  EXPECT_EQ(field(rows, 0, "slo: fast"), "1");
  EXPECT_EQ(field(rows, 1, "slo: fast"), "0");
  const nlohmann::ordered_json json = results_json(sweep, outcomes);
  EXPECT_EQ(json["designs"][1]["status"], "not-run");
  EXPECT_EQ(json["slos"][0]["best"], "d0");
}

TEST(SweepResults, ResultsJsonReadsBackEqual) {
  SweepSpec sweep;
  sweep.name = "s";
  sweep.base_name = "base.json";
  sweep.axes = {{"flash", {"x[0]", "x[1]"}, {100, "200GB"}}};
  std::vector<DesignOutcome> outcomes{outcome(0, 100, 5, 0.5, 0), outcome(1, 200, 2, 0.25, 4096)};
  outcomes[0].design.values = {100};
  outcomes[1].design.values = {"200GB"};
  outcomes[1].expectations_failed = {"p99 latency 2 ms exceeds 1 ms"};
  outcomes[1].acknowledged_writes_lost = 7;
  outcomes[0].write_p99_ms = DesignOutcome::kNaN;
  mark_pareto(outcomes);
  const SweepResultsFile back =
      read_results_json(nlohmann::json::parse(results_json(sweep, outcomes).dump()));
  EXPECT_EQ(back.sweep, "s");
  EXPECT_EQ(back.base, "base.json");
  ASSERT_EQ(back.axes.size(), 1u);
  EXPECT_EQ(back.axes[0].paths, (std::vector<std::string>{"x[0]", "x[1]"}));
  ASSERT_EQ(back.outcomes.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back.outcomes[i].design.name, outcomes[i].design.name);
    EXPECT_EQ(back.outcomes[i].design.values, outcomes[i].design.values);
    EXPECT_EQ(back.outcomes[i].cost, outcomes[i].cost);
    EXPECT_EQ(back.outcomes[i].read_p99_ms, outcomes[i].read_p99_ms);
    EXPECT_EQ(back.outcomes[i].bytes_offload, outcomes[i].bytes_offload);
    EXPECT_EQ(back.outcomes[i].data_at_risk_bytes, outcomes[i].data_at_risk_bytes);
    EXPECT_EQ(back.outcomes[i].acknowledged_writes_lost, outcomes[i].acknowledged_writes_lost);
    EXPECT_EQ(back.outcomes[i].expectations_failed, outcomes[i].expectations_failed);
    EXPECT_EQ(back.outcomes[i].pareto, outcomes[i].pareto);
    EXPECT_EQ(back.outcomes[i].status, outcomes[i].status);
  }
  EXPECT_TRUE(std::isnan(back.outcomes[0].write_p99_ms));
  EXPECT_THROW(read_results_json(nlohmann::json{{"format", "other"}}), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::sim
