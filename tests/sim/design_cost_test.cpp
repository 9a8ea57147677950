// The cost of a design: each cache's capacity at its device's price per GB, plus a price per
// physical host (a host with flash and RAM is one host).
#include "flashtwin/sim/design_cost.hpp"
#include "flashtwin/sim/json_reader.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

nlohmann::json two_hosts() {
  return nlohmann::json::parse(R"({
    "duration_s": 5,
    "cluster": { "hosts": [
      { "name": "h1", "flash": [ { "device": "nvme-1.6t", "capacity_gib": 100 },
                                 { "device": "ram", "capacity_gib": 8 } ] },
      { "name": "h2", "flash": [ { "device": "sata-ssd-960g", "capacity_gib": "400GB" } ] },
      { "name": "h3" } ] },
    "datastores": [ { "name": "d", "policy": { "mode": "write-through" } } ],
    "vms": [ { "name": "v", "host": "h1", "datastore": "d",
               "disks": [ { "size_gib": 1, "workload": { "iops": 10 } } ] } ] })");
}

TEST(DesignCost, CapacityAtItsPricePlusEveryPhysicalHost) {
  CostPrices prices;
  prices.per_gb = {{"nvme-1.6t", 0.5}, {"ram", 4}, {"sata-ssd-960g", 0.25}};
  prices.per_host = 1000;
  const Scenario scenario = parse_scenario(two_hosts());
  const double gib = 1.073741824;  // GB per GiB
  EXPECT_NEAR(design_cost(scenario, prices), 100 * gib * 0.5 + 8 * gib * 4 + 400 * 0.25 + 3 * 1000,
              1e-6);
}

TEST(DesignCost, ADeviceWithoutAPriceIsAnError) {
  CostPrices prices;
  prices.per_gb = {{"nvme-1.6t", 0.5}};
  try {
    design_cost(parse_scenario(two_hosts()), prices);
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.path(), "$.cost.per_gb");
    EXPECT_NE(std::string(e.what()).find("no price for device 'ram'"), std::string::npos);
  }
}

TEST(DesignCost, DefaultsPriceEveryPreset) {
  const CostPrices prices = default_cost_prices();
  for (const char* preset :
       {"nvme-1.6t", "nvme-p4500-1t", "nvme-optane-375g", "ram", "sata-ssd-960g"})
    EXPECT_GT(prices.per_gb.count(preset), 0u) << preset;
}

}  // namespace
}  // namespace flashtwin::sim
