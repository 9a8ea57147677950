// SimGridScheduler: the models' EventScheduler over SimGrid kernel timers, so the device and array
// queues (models/) run on the simulation's clock without an actor. SimGrid runs timers due at the
// same date in the order they were set. Internal to sim/; SimGrid's maestro thread only.
#pragma once

#include "flashtwin/models/event_scheduler.hpp"

namespace flashtwin::sim {

class SimGridScheduler final : public models::EventScheduler {
 public:
  double now_s() const override;
  void at(double at_s, Action action) override;
};

}  // namespace flashtwin::sim
