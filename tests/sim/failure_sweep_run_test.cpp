// Random link cuts, partitions and host crashes (some repaired) on scenarios/link-cut.json, one
// seed per TEST process (docs/CLUSTER.md, "Link cuts and partitions"): whatever the mix, the run
// stays consistent — every read checked, every acknowledged write on the array or counted lost to
// a failure, none lost without one — and a VM whose policy asks for no copy is the only kind
// that loses writes to a single failure. Twelve seeds in `make check`; more are a
// `--gtest_filter` and a longer Range away.
#include "flashtwin/sim/simulation.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace flashtwin::sim {
namespace {

// The shipped link-cut scenario, 12 s, with random events drawn from `seed`: one or two host NICs
// cut (or rack r1's uplinks), each for good or for 50 ms to 2 s, on a shared or a dedicated
// network, maybe an HBA cut on the fabric and a host crash (maybe repaired); 0, 1 or 2 replicas
// for gold, 1 for bronze.
nlohmann::json random_cuts(std::uint64_t seed) {
  std::ifstream in(std::string(FLASHTWIN_SOURCE_DIR) + "/scenarios/link-cut.json");
  nlohmann::json s = nlohmann::json::parse(in);
  std::mt19937_64 rng(seed);
  auto uniform = [&](double a, double b) { return std::uniform_real_distribution<>(a, b)(rng); };
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  s["seed"] = seed;
  s["duration_s"] = 12;
  s["expectations"] = nlohmann::json::object();
  const bool shared = pick(2) == 0;
  s["cluster"]["array_network"] = shared ? "shared" : "dedicated";
  s["cluster"]["ha"] = {{"detect_s", std::vector<double>{0.1, 0.5, 2}[pick(3)]}, {"boot_s", 1}};
  s["datastores"][0]["policy"]["replicas"] = pick(3);
  s["datastores"][1]["policy"]["replicas"] = 1;
  nlohmann::json events = nlohmann::json::array();
  auto cut = [&](const std::string& link, double at_s) {
    nlohmann::json c = {{"link", link}};
    if (pick(2) == 0) c["duration_s"] = uniform(0.05, 2);
    events.push_back({{"at_s", at_s}, {"cut_link", c}});
  };
  if (pick(3) == 0) {
    const double at_s = uniform(1, 8);
    const double duration_s = pick(2) == 0 ? 0.0 : uniform(0.05, 2);
    for (const char* uplink : {"tor-r1--spine-1", "tor-r1--spine-2"}) {
      nlohmann::json c = {{"link", uplink}};
      if (duration_s > 0) c["duration_s"] = duration_s;
      events.push_back({{"at_s", at_s}, {"cut_link", c}});
    }
  } else {
    std::vector<std::string> nics = {"esx1--tor-r1", "esx2--tor-r1", "esx3--tor-r2",
                                     "esx4--tor-r2"};
    std::shuffle(nics.begin(), nics.end(), rng);
    for (int i = 0, n = 1 + pick(2); i < n; ++i)
      cut(nics[i], uniform(1, 8));
  }
  if (!shared && pick(3) == 0) cut("esx" + std::to_string(1 + pick(4)) + "--fabric", uniform(1, 8));
  if (pick(5) < 3) {
    nlohmann::json crash = {{"host", "esx" + std::to_string(1 + pick(4))}};
    if (pick(2) == 0) crash["repair_s"] = uniform(0.5, 2);
    events.push_back({{"at_s", uniform(1, 8)}, {"fail_host", crash}});
  }
  s["events"] = events;
  return s;
}

class FailureSweep : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(FailureSweep, StaysConsistent) {
  const nlohmann::json doc = random_cuts(GetParam());
  const RunResult r = run_scenario(parse_scenario(doc));
  const ClusterTotals& c = r.with_flash->cluster();
  EXPECT_TRUE(c.violations.empty()) << doc["events"].dump() << "\n" << c.violations.front();
  EXPECT_EQ(c.unexplained_writes_lost, 0u) << doc["events"].dump();
  EXPECT_TRUE(c.consistent());
  EXPECT_GT(c.io.reads.ios + c.io.writes.ios, 0u);
  // A failure loses writes only of VMs without copies, unless two failures overlapped.
  const bool one_failure = doc["events"].size() == 1;
  const bool gold_copied = doc["datastores"][0]["policy"]["replicas"] > 0;
  for (const OutageTotals& o : c.failures.outages) {
    const bool copied = o.vm == "scratch01" || gold_copied;
    const bool beyond_protection = !copied || !one_failure;
    EXPECT_TRUE(o.writes_lost == 0 || beyond_protection)
        << o.vm << " lost " << o.writes_lost << ": " << doc["events"].dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, FailureSweep, ::testing::Range<std::uint64_t>(1, 13));

}  // namespace
}  // namespace flashtwin::sim
