// Sweeps: reading them, drawing their designs (grid, random, Latin hypercube), shards, resolving
// a design into its scenario and naming it by content.
#include "flashtwin/sim/sweep_plan.hpp"
#include "flashtwin/sim/json_reader.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace flashtwin::sim {
namespace {

using nlohmann::json;

// A sweep over the embedded default scenario (four hosts) with the given axes and sample.
SweepSpec sweep_of(json axes, json sample = nullptr) {
  json document{{"axes", std::move(axes)}};
  if (!sample.is_null()) document["sample"] = std::move(sample);
  return parse_sweep(document, "sweeps/test.json");
}

json three_axes() {
  return json::array(
      {{{"name", "flash"},
        {"paths", {"cluster.hosts[*].flash[0].capacity_gib"}},
        {"values", {100, 200, 400}}},
       {{"name", "replicas"}, {"path", "datastores[0].policy.replicas"}, {"values", {0, 1}}},
       {{"path", "cache.eviction"}, {"values", {"lru", "arc", "2q"}}}});
}

std::string error_of(const json& document) {
  try {
    plan_designs(parse_sweep(document, "test.json"));
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SweepPlan, GridHasEveryCombinationWithTheLastAxisFastest) {
  const SweepSpec sweep = sweep_of(three_axes());
  const std::vector<Design> designs = plan_designs(sweep);
  ASSERT_EQ(designs.size(), 3u * 2u * 3u);
  EXPECT_EQ(designs[0].name, "flash=100 replicas=0 cache.eviction=lru");
  EXPECT_EQ(designs[1].name, "flash=100 replicas=0 cache.eviction=arc");
  EXPECT_EQ(designs[3].name, "flash=100 replicas=1 cache.eviction=lru");
  EXPECT_EQ(designs[17].name, "flash=400 replicas=1 cache.eviction=2q");
  std::set<std::string> names;
  for (std::size_t i = 0; i < designs.size(); ++i) {
    EXPECT_EQ(designs[i].index, i);
    names.insert(designs[i].name);
  }
  EXPECT_EQ(names.size(), designs.size());
}

TEST(SweepPlan, AStarPathMovesEveryElementTogether) {
  const SweepSpec sweep = sweep_of(three_axes());
  ASSERT_EQ(sweep.axes[0].paths.size(), 4u);  // the default scenario's four hosts
  EXPECT_EQ(sweep.axes[0].paths[3], "cluster.hosts[3].flash[0].capacity_gib");
  const json resolved = resolve_design(sweep, plan_designs(sweep)[17]);
  for (const json& host : resolved["cluster"]["hosts"])
    EXPECT_EQ(host["flash"][0]["capacity_gib"], 400);
  EXPECT_EQ(resolved["datastores"][0]["policy"]["replicas"], 1);
  EXPECT_EQ(resolved["cache"]["eviction"], "2q");
}

TEST(SweepPlan, FixedSetComesBeforeTheAxes) {
  json document{{"set", {{"duration_s", 20}, {"cache.eviction", "2q"}}}, {"axes", three_axes()}};
  const SweepSpec sweep = parse_sweep(document, "t.json");
  const json resolved = resolve_design(sweep, plan_designs(sweep)[1]);
  EXPECT_EQ(resolved["duration_s"], 20);
  EXPECT_EQ(resolved["cache"]["eviction"], "arc");  // the axis wins over `set`
}

TEST(SweepPlan, RangesExpandByStepOrCount) {
  const SweepSpec by_step = sweep_of(
      json::array({{{"path", "duration_s"}, {"range", {{"from", 10}, {"to", 40}, {"step", 10}}}}}));
  EXPECT_EQ(by_step.axes[0].values, (std::vector<json>{10, 20, 30, 40}));
  EXPECT_TRUE(by_step.axes[0].values[0].is_number_integer());
  const SweepSpec by_count = sweep_of(
      json::array({{{"path", "warmup_s"}, {"range", {{"from", 0.1}, {"to", 0.3}, {"count", 3}}}}}));
  ASSERT_EQ(by_count.axes[0].values.size(), 3u);
  EXPECT_DOUBLE_EQ(by_count.axes[0].values[1].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(by_count.axes[0].values[2].get<double>(), 0.3);
  const SweepSpec fractional = sweep_of(
      json::array({{{"path", "warmup_s"}, {"range", {{"from", 0}, {"to", 1}, {"step", 0.1}}}}}));
  EXPECT_EQ(fractional.axes[0].values.size(), 11u);  // 1.0 is in, despite 10 * 0.1 != 1
  EXPECT_DOUBLE_EQ(fractional.axes[0].values[3].get<double>(), 0.3);
}

TEST(SweepPlan, RandomSampleIsDistinctSeededAndTheSameEveryTime) {
  const json sample{{"method", "random"}, {"designs", 10}, {"seed", 7}};
  const std::vector<Design> a = plan_designs(sweep_of(three_axes(), sample));
  const std::vector<Design> b = plan_designs(sweep_of(three_axes(), sample));
  ASSERT_EQ(a.size(), 10u);
  std::set<std::string> names;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    names.insert(a[i].name);
  }
  EXPECT_EQ(names.size(), 10u);
  const json other_seed{{"method", "random"}, {"designs", 10}, {"seed", 8}};
  const std::vector<Design> c = plan_designs(sweep_of(three_axes(), other_seed));
  bool differs = false;
  for (std::size_t i = 0; i < c.size(); ++i)
    differs = differs || c[i].name != a[i].name;
  EXPECT_TRUE(differs);
  // Asking for more than the grid has gives the grid.
  const json too_many{{"method", "random"}, {"designs", 500}};
  EXPECT_EQ(plan_designs(sweep_of(three_axes(), too_many)).size(), 18u);
}

TEST(SweepPlan, LatinHypercubeUsesEachStratumOncePerAxis) {
  // 12 designs over axes of 3, 4, 6 and 12 values: each value of an axis covers 12 / k strata, so
  // it appears exactly 12 / k times (when no design repeats an earlier one and is dropped).
  json axes = json::array();
  for (const int k : {3, 4, 6, 12})
    axes.push_back(
        {{"path", "axis" + std::to_string(k)}, {"range", {{"from", 1}, {"to", k}, {"step", 1}}}});
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const json sample{{"method", "latin-hypercube"}, {"designs", 12}, {"seed", seed}};
    const std::vector<Design> designs = plan_designs(sweep_of(axes, sample));
    if (designs.size() != 12u) continue;  // a repeat was dropped: counts no longer exact
    ++checked;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      std::map<std::string, int> uses;
      for (const Design& d : designs)
        ++uses[d.values[a].dump()];
      const int k = static_cast<int>(sweep_of(axes).axes[a].values.size());
      ASSERT_EQ(uses.size(), static_cast<std::size_t>(k)) << "seed " << seed << " axis " << a;
      for (const auto& [value, n] : uses)
        EXPECT_EQ(n, 12 / k) << value;
    }
  }
  EXPECT_GT(checked, 2);
}

TEST(SweepPlan, ShardsCoverThePlanExactlyOnce) {
  const std::vector<Design> designs = plan_designs(sweep_of(three_axes()));
  for (std::uint64_t n : {1u, 2u, 5u, 24u, 30u}) {
    std::multiset<std::size_t> seen;
    for (std::uint64_t i = 1; i <= n; ++i)
      for (const Design& d :
           shard_designs(designs, parse_shard(std::to_string(i) + "/" + std::to_string(n))))
        seen.insert(d.index);
    EXPECT_EQ(seen.size(), designs.size());
    for (const Design& d : designs)
      EXPECT_EQ(seen.count(d.index), 1u);
  }
  EXPECT_THROW(parse_shard("0/2"), std::invalid_argument);
  EXPECT_THROW(parse_shard("3/2"), std::invalid_argument);
  EXPECT_THROW(parse_shard("1"), std::invalid_argument);
  EXPECT_THROW(parse_shard("a/b"), std::invalid_argument);
}

TEST(SweepPlan, TheHashFollowsContentNotNameOrPosition) {
  const SweepSpec sweep = sweep_of(three_axes());
  const std::vector<Design> designs = plan_designs(sweep);
  // The same scenario reached another way (a fixed `set` instead of an axis): the same hash.
  json other_axes = three_axes();
  other_axes.erase(2);
  const SweepSpec other =
      parse_sweep(json{{"set", {{"cache.eviction", "lru"}}}, {"axes", other_axes}}, "t.json");
  EXPECT_EQ(design_hash(resolve_design(sweep, designs[0])),
            design_hash(resolve_design(other, plan_designs(other)[0])));
  EXPECT_NE(design_hash(resolve_design(sweep, designs[0])),
            design_hash(resolve_design(sweep, designs[1])));
  EXPECT_EQ(design_hash(resolve_design(sweep, designs[0])).size(), 16u);
}

TEST(SweepPlan, ErrorsNameTheJsonPath) {
  json unknown{{"axes", three_axes()}, {"axis", 1}};
  EXPECT_NE(error_of(unknown).find("$.axis: unknown key"), std::string::npos) << error_of(unknown);
  EXPECT_NE(error_of(json{{"axes", json::array()}}).find("$.axes: expected a non-empty array"),
            std::string::npos);
  json no_values{{"axes", {{{"path", "seed"}, {"values", json::array()}}}}};
  EXPECT_NE(error_of(no_values).find("$.axes[0].values: expected a non-empty array"),
            std::string::npos);
  json both{{"axes", {{{"path", "seed"}, {"values", {1}}, {"range", {{"from", 1}, {"to", 2}}}}}}};
  EXPECT_NE(error_of(both).find("$.axes[0]: an axis needs either"), std::string::npos);
  json twice{{"axes",
              {{{"name", "x"}, {"path", "seed"}, {"values", {1}}},
               {{"name", "x"}, {"path", "duration_s"}, {"values", {1}}}}}};
  EXPECT_NE(error_of(twice).find("$.axes[1].name: 'x' names two axes"), std::string::npos);
  json no_array{{"axes", {{{"path", "vmz[*].host"}, {"values", {"esx1"}}}}}};
  EXPECT_NE(error_of(no_array).find("'vmz[*]': the base scenario has no such"), std::string::npos);
  json method{{"axes", three_axes()}, {"sample", {{"method", "sobol"}}}};
  EXPECT_NE(error_of(method).find("$.sample.method: 'sobol' is not one of"), std::string::npos);
  json no_count{{"axes", three_axes()}, {"sample", {{"method", "random"}}}};
  EXPECT_NE(error_of(no_count).find("$.sample.designs"), std::string::npos);
  json repeated{{"axes", {{{"path", "seed"}, {"values", {1, 2, 1}}}}}};
  EXPECT_NE(error_of(repeated).find("$.axes[0].values[2]: 1 is already value 0"),
            std::string::npos);
  json overlap{{"axes",
                {{{"name", "a"}, {"paths", {"cluster.hosts[*].rack"}}, {"values", {"r1"}}},
                 {{"name", "b"}, {"path", "cluster.hosts[2].rack"}, {"values", {"r2"}}}}}};
  EXPECT_NE(error_of(overlap).find("$.axes[1]: 'cluster.hosts[2].rack' is also set by axis 'a'"),
            std::string::npos)
      << error_of(overlap);
  json price{{"axes", three_axes()}, {"cost", {{"per_gb", {{"ram", -1}}}}}};
  EXPECT_NE(error_of(price).find("$.cost.per_gb.ram: must be from 0"), std::string::npos);
  json slo{{"axes", three_axes()}, {"slos", {{{"name", "s"}, {"p99_read_ms", 2}}}}};
  EXPECT_NE(error_of(slo).find("$.slos[0].p99_read_ms: unknown key"), std::string::npos);
  json base{{"base", "no-such-base.json"}, {"axes", three_axes()}};
  EXPECT_NE(error_of(base).find("$.base: cannot read base scenario"), std::string::npos);
  // A million and one designs: refused before anything is drawn.
  json huge = json::array();
  for (int i = 0; i < 7; ++i)
    huge.push_back({{"name", "a" + std::to_string(i)},
                    {"path", "x" + std::to_string(i)},
                    {"range", {{"from", 1}, {"to", 10}, {"step", 1}}}});
  EXPECT_NE(error_of(json{{"axes", huge}}).find("more than 1000000 designs"), std::string::npos);
  EXPECT_EQ(plan_designs(sweep_of(huge, {{"method", "latin-hypercube"}, {"designs", 50}})).size(),
            50u);
}

}  // namespace
}  // namespace flashtwin::sim
