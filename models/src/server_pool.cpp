// A non-preemptive multi-server FIFO station with pulled background work (see server_pool.hpp).
#include "flashtwin/models/server_pool.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace flashtwin::models {

ServerPool::ServerPool(EventScheduler& scheduler, std::uint32_t servers, BackgroundWork* background)
    : scheduler_(scheduler),
      servers_(servers),
      background_(background),
      last_change_s_(scheduler.now_s()) {
  if (servers < 1) throw std::invalid_argument("ServerPool: servers must be >= 1");
}

void ServerPool::account() {
  const double now = scheduler_.now_s();
  busy_integral_s_ += busy_ * (now - last_change_s_);
  last_change_s_ = now;
}

double ServerPool::busy_server_s() const {
  return busy_integral_s_ + busy_ * (scheduler_.now_s() - last_change_s_);
}

void ServerPool::submit(Job job) {
  demand_s_ += job.service_s;
  waiting_.push_back(std::move(job));
  fill_idle_servers();
}

void ServerPool::poke() {
  fill_idle_servers();
}

void ServerPool::set_service_factor(double factor) {
  if (!(factor >= 1.0) || !std::isfinite(factor)) {
    throw std::invalid_argument("ServerPool: the service factor must be finite and >= 1");
  }
  service_factor_ = factor;
}

void ServerPool::resume() {
  if (!paused_) return;
  paused_ = false;
  fill_idle_servers();
  std::deque<JobDone> held;
  held.swap(held_);
  for (const JobDone& done : held)
    if (done) done();
}

// Each idle server takes, in order: urgent background work (unless it went last and a foreground
// job waits: then they take turns), the oldest foreground job, any background work.
void ServerPool::fill_idle_servers() {
  while (!paused_ && busy_ < servers_) {
    std::optional<Job> next;
    bool background = false;
    const bool foreground_waits = !waiting_.empty();
    if (background_ != nullptr && !(foreground_waits && background_went_last_)) {
      next = background_->take(/*urgent_only=*/true);
      background = next.has_value();
    }
    if (!next && foreground_waits) {
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    if (!next && background_ != nullptr) {
      next = background_->take(/*urgent_only=*/false);
      background = next.has_value();
    }
    if (!next) return;
    if (background) demand_s_ += next->service_s;  // foreground demand counts on arrival
    background_went_last_ = background;
    start(std::move(*next));
  }
}

void ServerPool::start(Job job) {
  account();
  ++busy_;
  ++started_;
  scheduler_.at(scheduler_.now_s() + job.service_s * service_factor_,
                [this, done = std::move(job.done)] { finish(done); });
}

void ServerPool::finish(const JobDone& done) {
  account();
  --busy_;
  if (paused_) {
    held_.push_back(done);
    return;
  }
  fill_idle_servers();  // the freed server takes the next job before `done` adds more
  if (done) done();
}

}  // namespace flashtwin::models
