#include "flashtwin/sim/simulation.hpp"

#include "cluster_runtime.hpp"
#include "run_sink.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

namespace flashtwin::sim {

namespace {

std::vector<std::string> vm_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const VmSpec& vm : s.vms)
    names.push_back(vm.name);
  return names;
}

std::int64_t interval_ns(const Scenario& s) {
  return static_cast<std::int64_t>(std::llround(s.output.interval_s * 1e9));
}

void reject_unsupported(const Scenario& s) {
  auto check = [](const PolicySpec& policy, const std::string& path) {
    if (policy.replicas > 0) {
      throw ScenarioError(path,
                          "write-back replicas need the cluster protocol, which the "
                          "simulator does not run yet; use replicas 0");
    }
  };
  for (std::size_t i = 0; i < s.datastores.size(); ++i)
    check(s.datastores[i].policy, "$.datastores[" + std::to_string(i) + "].policy.replicas");
  for (std::size_t i = 0; i < s.vms.size(); ++i)
    if (s.vms[i].policy)
      check(*s.vms[i].policy, "$.vms[" + std::to_string(i) + "].policy.replicas");
}

// The baseline in a child process, streaming its recording (ended by its end time) through a
// pipe. A thread of the parent replays it into the baseline's Metrics as it arrives, so the
// child runs alongside the main run and neither process holds the whole recording. The parent
// owns the child: however the main run ends, the child is reaped (killed if still running), the
// thread joined and the pipe closed.
class BaselineProcess {
 public:
  BaselineProcess(const Scenario& s, Metrics& metrics);
  ~BaselineProcess();
  BaselineProcess(const BaselineProcess&) = delete;
  BaselineProcess& operator=(const BaselineProcess&) = delete;
  // Waits for the whole recording and reaps the child; returns the baseline's end time. Throws
  // std::runtime_error naming how it failed.
  std::int64_t finish();

 private:
  void receive();  // the reader thread
  void stop();

  MetricsSink sink_;
  RecordingReplayer replayer_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::thread reader_;
  std::exception_ptr failed_;  // what stopped the reader, if anything
};

BaselineProcess::BaselineProcess(const Scenario& s, Metrics& metrics)
    : sink_(metrics), replayer_(sink_) {
  int fds[2];
  if (pipe(fds) != 0)
    throw std::runtime_error(std::string("baseline: pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("baseline: fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    close(fds[0]);
    int status = 0;
    try {
      RecordingSink recording([fd = fds[1]](std::string_view bytes) {
        for (std::size_t done = 0; done < bytes.size();) {
          const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) _exit(4);
          done += static_cast<std::size_t>(n);
        }
      });
      ClusterRuntime runtime(s, true, recording);
      runtime.run({});
      recording.end(runtime.end_ns());
      recording.flush();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "flashtwin: baseline run failed: %s\n", e.what());
      status = 3;
    }
    close(fds[1]);
    _exit(status);
  }
  close(fds[1]);
  fd_ = fds[0];
  reader_ = std::thread([this] { receive(); });
}

void BaselineProcess::receive() {
  try {
    std::vector<char> buffer(std::size_t{1} << 16);
    for (ssize_t n; (n = read(fd_, buffer.data(), buffer.size())) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(std::string("baseline: read: ") + std::strerror(errno));
      replayer_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
  } catch (...) {
    failed_ = std::current_exception();
  }
}

// Kills the child if it still runs (its end of the pipe closes, so the reader sees the end),
// joins the reader, reaps the child. Returns nothing; finish() reads the outcome.
void BaselineProcess::stop() {
  if (pid_ > 0) kill(pid_, SIGKILL);
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (pid_ > 0) {
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

BaselineProcess::~BaselineProcess() {
  stop();
}

std::int64_t BaselineProcess::finish() {
  if (reader_.joinable()) reader_.join();  // the child closes the pipe when it is done
  close(fd_);
  fd_ = -1;
  int status = 0;
  pid_t reaped;
  while ((reaped = waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (reaped < 0) throw std::runtime_error("the baseline run (no flash) could not be waited for");
  if (WIFSIGNALED(status)) {
    throw std::runtime_error("the baseline run (no flash) was killed by signal " +
                             std::to_string(WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("the baseline run (no flash) failed with exit status " +
                             std::to_string(WEXITSTATUS(status)));
  }
  if (failed_) std::rethrow_exception(failed_);
  replayer_.finish();
  if (!replayer_.end_ns()) throw std::runtime_error("the baseline run sent no end time");
  return *replayer_.end_ns();
}

std::vector<std::string> check_expectations(const Scenario& s, const RunResult& r) {
  std::vector<std::string> failed;
  const Expectations& x = s.expectations;
  const ClusterTotals& c = r.with_flash->cluster();
  char line[256];
  if (x.p99_latency_ms_max) {
    const double p99_ms = static_cast<double>(c.io.latency.percentile(99)) / 1e6;
    if (p99_ms > *x.p99_latency_ms_max) {
      std::snprintf(line, sizeof line, "p99 latency %.3f ms exceeds %.3f ms", p99_ms,
                    *x.p99_latency_ms_max);
      failed.emplace_back(line);
    }
  }
  if (x.array_read_offload_min) {
    if (!r.comparison) {
      failed.emplace_back("array_read_offload_min needs the baseline run (output.baseline)");
    } else if (r.comparison->read_offload < *x.array_read_offload_min) {
      std::snprintf(line, sizeof line, "array read offload %.1f %% is below %.1f %%",
                    100 * r.comparison->read_offload, 100 * *x.array_read_offload_min);
      failed.emplace_back(line);
    }
  }
  if (x.acknowledged_writes_lost_max &&
      c.acknowledged_writes_lost > *x.acknowledged_writes_lost_max) {
    failed.emplace_back(std::to_string(c.acknowledged_writes_lost) +
                        " acknowledged writes lost, more than " +
                        std::to_string(*x.acknowledged_writes_lost_max));
  }
  return failed;
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  reject_unsupported(scenario);
  RunResult result;
  std::unique_ptr<BaselineProcess> baseline;
  if (scenario.output.baseline) {
    result.baseline = std::make_unique<Metrics>(vm_names(scenario), interval_ns(scenario));
    baseline = std::make_unique<BaselineProcess>(scenario, *result.baseline);
  }
  result.with_flash = std::make_unique<Metrics>(vm_names(scenario), interval_ns(scenario));
  MetricsSink sink(*result.with_flash);
  ClusterRuntime runtime(scenario, false, sink);
  const auto start = std::chrono::steady_clock::now();
  runtime.run(options.progress);
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.with_flash->finish(runtime.end_ns());
  result.drain_s = runtime.drain_s();
  result.simulated_ios = runtime.requests_completed();

  if (baseline) {
    result.baseline->finish(baseline->finish());
    result.comparison = compare(*result.with_flash, *result.baseline);
  }
  result.failed_expectations = check_expectations(scenario, result);
  return result;
}

}  // namespace flashtwin::sim
