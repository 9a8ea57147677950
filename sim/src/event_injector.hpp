// EventInjector: the scenario's timed events, each applied at its date to the part it concerns:
// policy changes per VM and per datastore to the engines, array slowdowns and outages to the
// array. Names are resolved to indices when the events are scheduled. In a baseline run (no flash
// tier) policies do not apply; the array's events do (it is the same array). Migrations and host
// failures have their own parts (migration_plan.hpp, cluster_manager.hpp). Internal to sim/.
#pragma once

#include "command_executor.hpp"
#include "flashtwin/models/array_model.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "run_sink.hpp"
#include "scenario_index.hpp"
#include "workload_driver.hpp"

namespace flashtwin::sim {

// Schedules every event of `scenario` on `scheduler`; the references must outlive the run. A VM's
// policy change goes to the host it runs on at the event (`driver`: after its migrations and
// restarts).
void inject_events(const Scenario& scenario, const ScenarioIndex& index, CommandExecutor& executor,
                   const WorkloadDriver& driver, models::EventScheduler& scheduler, bool baseline);

// Schedules the start and the end of every array_slowdown and array_outage of `scenario` on
// `scheduler` (models::StorageArray's controls), each reported to `sink` as a ClusterEvent
// (array_slowed, array_outage, array_restored). The events do not overlap (the parser checks); an
// end and the next start at one date run in that order. The references must outlive the run.
void inject_array_events(const Scenario& scenario, models::StorageArray& array,
                         models::EventScheduler& scheduler, RunSink& sink);

}  // namespace flashtwin::sim
