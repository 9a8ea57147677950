// A discrete-event loop over a binary heap (see event_scheduler.hpp).
#include "flashtwin/models/event_scheduler.hpp"

#include <algorithm>

namespace flashtwin::models {
namespace {
// The heap's comparison: the event due last (then scheduled last) sinks.
bool later(const auto& a, const auto& b) {
  return a.at_s != b.at_s ? a.at_s > b.at_s : a.order > b.order;
}
}  // namespace

void EventLoop::at(double at_s, Action action) {
  events_.push_back(Event{std::max(at_s, now_s_), next_order_++, std::move(action)});
  std::push_heap(events_.begin(), events_.end(),
                 [](const Event& a, const Event& b) { return later(a, b); });
}

void EventLoop::run_next() {
  std::pop_heap(events_.begin(), events_.end(),
                [](const Event& a, const Event& b) { return later(a, b); });
  Event event = std::move(events_.back());
  events_.pop_back();
  now_s_ = event.at_s;
  event.action();
}

void EventLoop::run_until(double until_s) {
  while (!events_.empty() && events_.front().at_s <= until_s)
    run_next();
  now_s_ = std::max(now_s_, until_s);
}

void EventLoop::run() {
  while (!events_.empty())
    run_next();
}

}  // namespace flashtwin::models
