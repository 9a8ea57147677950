// ServerPool against closed forms: with foreground jobs only it is a FIFO M/G/c queue, so Poisson
// arrivals give the M/D/1 mean wait (deterministic service) and the Erlang C mean wait (c = 4,
// exponential service) at 30, 60 and 90 % load, within 2 %. Sample sizes are chosen so that 2 %
// is several standard deviations of the sample mean at 90 % load (fixed seeds: deterministic).
// Also: FIFO order, urgent background work going first, busy and demand accounting, pause and
// the service factor.
#include "flashtwin/models/server_pool.hpp"

#include "queue_test_support.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace flashtwin::models {
namespace {

using testing::md1_mean_wait_s;
using testing::mmc_mean_wait_s;
using testing::PoissonArrivals;

// Mean waiting time (completion - arrival - service) of `count` Poisson arrivals.
double measured_mean_wait_s(std::uint32_t servers, double lambda, double mean_service_s,
                            bool exponential, std::uint64_t count) {
  EventLoop loop;
  ServerPool pool(loop, servers);
  RandomSource service_random(99);
  double total_wait = 0;
  PoissonArrivals arrivals(loop, 20240601, lambda, count, [&](std::uint64_t) {
    const double arrival = loop.now_s();
    const double service =
        exponential ? mean_service_s * service_random.exponential() : mean_service_s;
    pool.submit(Job{service, [&loop, &total_wait, arrival, service] {
                      total_wait += loop.now_s() - arrival - service;
                    }});
  });
  loop.run();
  return total_wait / static_cast<double>(count);
}

void expect_md1(double rho, std::uint64_t count) {
  const double service_s = 100e-6;
  const double lambda = rho / service_s;
  const double expected = md1_mean_wait_s(lambda, service_s);
  const double measured = measured_mean_wait_s(1, lambda, service_s, false, count);
  EXPECT_NEAR(measured / expected, 1.0, 0.02)
      << "rho " << rho << ": measured " << measured << " s, M/D/1 " << expected << " s";
}

void expect_mmc(double rho, std::uint64_t count) {
  const std::uint32_t c = 4;
  const double service_s = 1e-3;
  const double lambda = rho * c / service_s;
  const double expected = mmc_mean_wait_s(c, lambda, 1.0 / service_s);
  const double measured = measured_mean_wait_s(c, lambda, service_s, true, count);
  EXPECT_NEAR(measured / expected, 1.0, 0.02)
      << "rho " << rho << ": measured " << measured << " s, Erlang C " << expected << " s";
}

TEST(ServerPoolClosedForm, MD1At30PercentLoad) {
  expect_md1(0.3, 400'000);
}
TEST(ServerPoolClosedForm, MD1At60PercentLoad) {
  expect_md1(0.6, 600'000);
}
TEST(ServerPoolClosedForm, MD1At90PercentLoad) {
  expect_md1(0.9, 2'000'000);
}
TEST(ServerPoolClosedForm, MMcErlangCAt30PercentLoad) {
  expect_mmc(0.3, 600'000);
}
TEST(ServerPoolClosedForm, MMcErlangCAt60PercentLoad) {
  expect_mmc(0.6, 600'000);
}
TEST(ServerPoolClosedForm, MMcErlangCAt90PercentLoad) {
  expect_mmc(0.9, 6'000'000);
}

TEST(ServerPool, ServesInArrivalOrderOnOneServer) {
  EventLoop loop;
  ServerPool pool(loop, 1);
  std::vector<int> order;
  for (int i = 0; i < 5; ++i)
    pool.submit(Job{1.0, [&order, i] { order.push_back(i); }});
  EXPECT_EQ(pool.busy(), 1u);
  EXPECT_EQ(pool.waiting(), 4u);
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(loop.now_s(), 5.0);
  EXPECT_DOUBLE_EQ(pool.busy_server_s(), 5.0);
  EXPECT_DOUBLE_EQ(pool.demand_s(), 5.0);
}

// Background work that is urgent or not, counting what it gave.
class Drain final : public BackgroundWork {
 public:
  bool urgent = false;
  int jobs = 0;
  std::vector<std::string>* log = nullptr;
  std::optional<Job> take(bool urgent_only) override {
    if (jobs == 0 || (urgent_only && !urgent)) return std::nullopt;
    --jobs;
    return Job{1.0, [this] { log->push_back("drain"); }};
  }
};

TEST(ServerPool, UrgentBackgroundWorkGoesBeforeWaitingForegroundJobs) {
  EventLoop loop;
  std::vector<std::string> log;
  Drain drain;
  drain.log = &log;
  ServerPool pool(loop, 1, &drain);
  pool.submit(Job{1.0, [&log] { log.push_back("host 1"); }});
  pool.submit(Job{1.0, [&log] { log.push_back("host 2"); }});
  drain.jobs = 1;
  drain.urgent = true;
  loop.run();
  EXPECT_EQ(log, (std::vector<std::string>{"host 1", "drain", "host 2"}));
}

TEST(ServerPool, UrgentBackgroundWorkAndForegroundJobsTakeTurns) {
  EventLoop loop;
  std::vector<std::string> log;
  Drain drain;
  drain.log = &log;
  ServerPool pool(loop, 1, &drain);
  pool.submit(Job{1.0, [&log] { log.push_back("host 1"); }});
  pool.submit(Job{1.0, [&log] { log.push_back("host 2"); }});
  pool.submit(Job{1.0, [&log] { log.push_back("host 3"); }});
  drain.jobs = 3;
  drain.urgent = true;
  loop.run();
  EXPECT_EQ(log,
            (std::vector<std::string>{"host 1", "drain", "host 2", "drain", "host 3", "drain"}));
}

TEST(ServerPool, BackgroundWorkThatIsNotUrgentWaitsForAnIdleServer) {
  EventLoop loop;
  std::vector<std::string> log;
  Drain drain;
  drain.log = &log;
  ServerPool pool(loop, 1, &drain);
  pool.submit(Job{1.0, [&log] { log.push_back("host 1"); }});
  pool.submit(Job{1.0, [&log] { log.push_back("host 2"); }});
  drain.jobs = 1;
  pool.poke();
  loop.run();
  EXPECT_EQ(log, (std::vector<std::string>{"host 1", "host 2", "drain"}));
  EXPECT_DOUBLE_EQ(pool.demand_s(), 3.0);
}

// Paused at 0.5 s, resumed at 4 s: the job in service ends at 1 s on schedule, but its `done`
// runs at 4 s; the waiting job starts at 4 s; busy time counts only the service.
TEST(ServerPool, PauseStartsNothingAndHoldsCompletionsUntilResume) {
  EventLoop loop;
  ServerPool pool(loop, 1);
  std::vector<double> done;
  for (int i = 0; i < 2; ++i)
    pool.submit(Job{1.0, [&] { done.push_back(loop.now_s()); }});
  loop.at(0.5, [&] { pool.pause(); });
  loop.at(4.0, [&] { pool.resume(); });
  loop.run_until(3.0);
  EXPECT_TRUE(pool.paused());
  EXPECT_TRUE(done.empty());
  EXPECT_EQ(pool.busy(), 0u);
  EXPECT_EQ(pool.waiting(), 1u);
  loop.run();
  EXPECT_EQ(done, (std::vector<double>{4.0, 5.0}));
  EXPECT_DOUBLE_EQ(pool.busy_server_s(), 2.0);
}

// A job that starts while the factor is 3 takes 3 times its service; the one in service when it
// was set does not.
TEST(ServerPool, ServiceFactorAppliesToJobsThatStartWhileItIsSet) {
  EventLoop loop;
  ServerPool pool(loop, 1);
  std::vector<double> done;
  for (int i = 0; i < 2; ++i)
    pool.submit(Job{1.0, [&] { done.push_back(loop.now_s()); }});
  pool.set_service_factor(3.0);
  loop.run();
  EXPECT_EQ(done, (std::vector<double>{1.0, 4.0}));
  EXPECT_DOUBLE_EQ(pool.demand_s(), 2.0);  // as submitted
  EXPECT_THROW(pool.set_service_factor(0.9), std::invalid_argument);
}

TEST(ServerPool, RejectsZeroServers) {
  EventLoop loop;
  EXPECT_THROW(ServerPool(loop, 0), std::invalid_argument);
}

TEST(EventLoop, RunsActionsInDateThenSchedulingOrder) {
  EventLoop loop;
  std::vector<int> order;
  loop.at(2.0, [&] { order.push_back(3); });
  loop.at(1.0, [&] { order.push_back(1); });
  loop.at(1.0, [&] { order.push_back(2); });
  loop.run_until(1.5);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_DOUBLE_EQ(loop.now_s(), 1.5);
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace flashtwin::models
