#include "simgrid_scheduler.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <utility>

namespace flashtwin::sim {

double SimGridScheduler::now_s() const {
  return simgrid::s4u::Engine::get_clock();
}

void SimGridScheduler::at(double at_s, Action action) {
  simgrid::kernel::timer::Timer::set(std::max(at_s, now_s()), std::move(action));
}

}  // namespace flashtwin::sim
