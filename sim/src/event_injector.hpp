// EventInjector: the scenario's timed events, each applied at its date to the engines it concerns
// (today: policy changes per VM and per datastore). Names are resolved to indices when the events
// are scheduled. In a baseline run (no flash tier) policies do not apply. Internal to sim/.
#pragma once

#include "command_executor.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "scenario_index.hpp"

namespace flashtwin::sim {

// Schedules every event of `scenario` on `scheduler`; the references must outlive the run.
void inject_events(const Scenario& scenario, const ScenarioIndex& index, CommandExecutor& executor,
                   models::EventScheduler& scheduler, bool baseline);

}  // namespace flashtwin::sim
