// The cost of a design (docs/SWEEPS.md, "Cost"): every cache's capacity (flash or RAM) at its
// device's price per GB (10^9 bytes), plus a price per physical host. What the cache is given is
// what is priced, not the whole drive it sits on: the figure compares designs, it is not a quote.
#pragma once

#include "flashtwin/sim/scenario.hpp"
#include "flashtwin/sim/sweep_plan.hpp"

namespace flashtwin::sim {

// Throws ScenarioError at "$.cost.per_gb" when a device the scenario uses has no price.
double design_cost(const Scenario& scenario, const CostPrices& prices);

}  // namespace flashtwin::sim
