#include "event_injector.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <variant>
#include <vector>

namespace flashtwin::sim {

void inject_events(const Scenario& scenario, const ScenarioIndex& index, CommandExecutor& executor,
                   const WorkloadDriver& driver, models::EventScheduler& scheduler, bool baseline) {
  if (baseline) return;  // no flash tier: policies do not apply
  auto now_ns = [&scheduler] { return std::llround(scheduler.now_s() * 1e9); };
  for (const EventSpec& event : scenario.events) {
    if (const auto* change = std::get_if<VmPolicyChange>(&event.what)) {
      const std::size_t v = index.vm(change->vm);
      std::optional<engine::CacheMode> mode;
      if (change->policy) mode = change->policy->mode;
      scheduler.at(event.at_s, [&executor, &driver, now_ns, v, mode] {
        const std::size_t h = driver.host_of(v);
        SimHost& host = executor.host(h);
        if (host.flash == nullptr) return;  // pass-through whatever the policy
        host.engine->set_vm_mode(now_ns(), static_cast<engine::VmId>(v), mode);
        executor.pump(h);
      });
    } else if (const auto* ds = std::get_if<DatastorePolicyChange>(&event.what)) {
      const std::size_t d = index.datastore(ds->datastore);
      const engine::CacheMode mode = ds->policy.mode;
      scheduler.at(event.at_s, [&executor, now_ns, d, mode] {
        for (std::size_t h = 0; h < executor.host_count(); ++h) {
          SimHost& host = executor.host(h);
          if (host.flash == nullptr) continue;
          host.engine->set_datastore_mode(now_ns(), static_cast<engine::DatastoreId>(d), mode);
          executor.pump(h);
        }
      });
    }
  }
}

// Each date's starts and ends run in one action, in the order the events come: an event may start
// when the one before it ends (the parser allows it, and that end must come first), and SimGrid
// does not run the timers set for one date in the order they were set.
void inject_array_events(const Scenario& scenario, models::StorageArray& array,
                         models::EventScheduler& scheduler, RunSink& sink) {
  auto report = [&sink, &scheduler](ClusterEventKind kind, double factor) {
    ClusterEvent event{std::llround(scheduler.now_s() * 1e9), kind};
    event.factor = factor;
    sink.record(event);
  };
  std::map<double, std::vector<std::function<void()>>> transitions;
  for (const EventSpec& event : scenario.events) {  // sorted by time
    const auto* degradation = std::get_if<ArrayDegradation>(&event.what);
    if (degradation == nullptr) continue;
    const bool outage = degradation->outage;
    const double factor = degradation->factor;
    transitions[event.at_s].push_back([&array, report, outage, factor] {
      report(outage ? ClusterEventKind::array_outage : ClusterEventKind::array_slowed,
             outage ? 1 : factor);
      if (outage) {
        array.begin_outage();
      } else {
        array.set_service_factor(factor);
      }
    });
    transitions[event.at_s + degradation->duration_s].push_back([&array, report, outage] {
      report(ClusterEventKind::array_restored, 1);  // before the held completions it delivers
      if (outage) {
        array.end_outage();
      } else {
        array.set_service_factor(1);
      }
    });
  }
  for (auto& [at_s, actions] : transitions) {
    scheduler.at(at_s, [actions = std::move(actions)] {
      for (const std::function<void()>& action : actions)
        action();
    });
  }
}

}  // namespace flashtwin::sim
