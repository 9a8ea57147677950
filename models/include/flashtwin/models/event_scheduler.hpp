// EventScheduler: what a queue model needs from time — the current date and a way to run an action
// at a later date. The simulator implements it with SimGrid kernel timers (sim/); EventLoop below
// is a plain discrete-event loop for tests and for uses without SimGrid.
//
// Contract: at(t, action) with t >= now_s() runs `action` once, when the clock reaches t. Actions
// due at the same date run in the order they were scheduled. An action may schedule more.
//
// Units: seconds of simulated time. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace flashtwin::models {

class EventScheduler {
 public:
  using Action = std::function<void()>;
  virtual ~EventScheduler() = default;
  virtual double now_s() const = 0;
  // Requires at_s >= now_s() (an earlier date runs now).
  virtual void at(double at_s, Action action) = 0;
};

class EventLoop final : public EventScheduler {
 public:
  double now_s() const override { return now_s_; }
  void at(double at_s, Action action) override;
  // Runs the actions due at or before `until_s` in date order, then sets the clock to `until_s`.
  void run_until(double until_s);
  // Runs until no action is left.
  void run();
  bool idle() const { return events_.empty(); }

 private:
  struct Event {
    double at_s = 0;
    std::uint64_t order = 0;
    Action action;
  };
  void run_next();

  std::vector<Event> events_;  // a min-heap on (at_s, order)
  double now_s_ = 0;
  std::uint64_t next_order_ = 0;
};

}  // namespace flashtwin::models
