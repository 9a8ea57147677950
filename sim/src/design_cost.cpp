// The cost of a design (see design_cost.hpp).
#include "flashtwin/sim/design_cost.hpp"

#include "flashtwin/sim/json_reader.hpp"

#include <set>

namespace flashtwin::sim {

double design_cost(const Scenario& scenario, const CostPrices& prices) {
  constexpr double kBytesPerGib = 1073741824.0;
  double cost = 0;
  std::set<std::string> machines;
  for (const HostSpec& host : scenario.cluster.hosts) {
    machines.insert(host.machine_name());
    for (const FlashSpec& flash : host.flash) {
      const auto price = prices.per_gb.find(flash.device);
      if (price == prices.per_gb.end()) {
        throw ScenarioError("$.cost.per_gb", "no price for device '" + flash.device + "' (host " +
                                                 host.name + "): give one");
      }
      cost += flash.capacity_gib * kBytesPerGib / 1e9 * price->second;
    }
  }
  return cost + prices.per_host * static_cast<double>(machines.size());
}

}  // namespace flashtwin::sim
