#include "flashtwin/sim/simulation.hpp"

#include "cluster_runtime.hpp"
#include "replica_placement.hpp"
#include "run_sink.hpp"
#include "scenario_index.hpp"
#include "scenario_platform.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

namespace flashtwin::sim {

namespace {

std::int64_t to_ns(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1e9));
}

// The run as Metrics sees it: VMs, hosts with their flash, and the measurement window
// (warmup_s, duration_s]. The baseline has the same layout, so both are measured alike.
RunLayout run_layout(const Scenario& s) {
  RunLayout layout;
  for (const VmSpec& vm : s.vms)
    layout.vms.push_back(vm.name);
  for (const HostSpec& host : s.cluster.hosts) {
    HostLayout h;
    h.name = host.name;
    double bytes = 0;
    for (const FlashSpec& flash : host.flash)
      bytes += flash.capacity_gib * 1024.0 * 1024.0 * 1024.0;
    h.flash_bytes = static_cast<std::uint64_t>(bytes);
    if (!host.flash.empty()) {
      const models::DeviceProfile& device = s.device(host.flash.front().device);
      h.device_bytes = device.capacity_bytes;
      h.channels = device.channels;
      h.endurance_dwpd = device.endurance_dwpd;
      h.volatile_cache = device.is_volatile;
    }
    layout.hosts.push_back(std::move(h));
  }
  const models::PlatformSpec platform = platform_spec(s);
  for (const models::TopologyLink& link : platform.topology.links())
    layout.links.push_back(link.name);
  layout.interval_ns = to_ns(s.output.interval_s);
  layout.warmup_ns = to_ns(s.warmup_s);
  layout.workload_end_ns = to_ns(s.duration_s);
  layout.block_bytes = s.cache.block_bytes;
  layout.rewarm_share = s.output.rewarm_share;
  return layout;
}

}  // namespace

// Replicas are placed once, at the start (replica_placement.hpp): a policy change may switch a
// VM between write-back and other modes, but not give it a different number of replicas.
void check_supported(const Scenario& s) {
  const ScenarioIndex index(s);
  auto check = [&](std::size_t vm, const PolicySpec& policy, const std::string& path) {
    if (policy.mode != engine::CacheMode::write_back) return;
    const std::uint32_t at_start = replicas_asked(s, index, vm);
    if (policy.replicas == at_start) return;
    throw ScenarioError(path, "VM '" + s.vms[vm].name + "' starts with " +
                                  std::to_string(at_start) +
                                  " replicas; replicas are placed at the start of the run and "
                                  "cannot change during it yet");
  };
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const std::string path = "$.events[" + std::to_string(i) + "]";
    if (const auto* change = std::get_if<VmPolicyChange>(&s.events[i].what)) {
      const std::size_t vm = index.vm(change->vm);
      if (change->policy) check(vm, *change->policy, path + ".vm_policy.policy.replicas");
    } else if (const auto* ds = std::get_if<DatastorePolicyChange>(&s.events[i].what)) {
      const std::size_t d = index.datastore(ds->datastore);
      for (std::size_t vm = 0; vm < s.vms.size(); ++vm) {
        if (index.vm_datastore[vm] == d && !s.vms[vm].policy)
          check(vm, ds->policy, path + ".datastore_policy.policy.replicas");
      }
    }
  }
}

namespace {

// The baseline in a child process, streaming its recording (ending with its end time) through a
// pipe to a reader thread of the parent, which replays it into the baseline's Metrics as it comes:
// neither process holds the whole recording. The parent owns the child: however the main run ends,
// the child is reaped (killed if still running), the reader joined and the pipe closed. The
// Metrics belong to the reader thread until finish() returns.
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
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("baseline: fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    // The child dies with its parent, whatever kills the parent; SIGINT and SIGTERM stay as the
    // parent had them (the command blocks them and stops the child itself).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(5);  // the parent died before prctl
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

// Kills the child if it still runs (its end of the pipe closes, so the reader sees the end), joins
// the reader, reaps the child.
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
  if (failed_) {
    stop();  // the reader gave up: the child may be blocked writing to the pipe
    std::rethrow_exception(failed_);
  }
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
  return replayer_.finish();
}

std::vector<ExpectationCheck> check_expectations(const Scenario& s, const RunResult& r) {
  std::vector<ExpectationCheck> checks;
  const Expectations& x = s.expectations;
  const ClusterTotals& c = r.with_flash->cluster();
  char line[256];
  if (x.p99_latency_ms_max) {
    const double p99_ms = static_cast<double>(c.io.latency.percentile(99)) / 1e6;
    ExpectationCheck check{"p99_latency_ms_max", *x.p99_latency_ms_max, p99_ms,
                           p99_ms <= *x.p99_latency_ms_max, ""};
    if (!check.met) {
      std::snprintf(line, sizeof line, "p99 latency %.3f ms exceeds %.3f ms", p99_ms,
                    *x.p99_latency_ms_max);
      check.message = line;
    }
    checks.push_back(check);
  }
  if (x.array_read_offload_min) {
    ExpectationCheck check{"array_read_offload_min", *x.array_read_offload_min, std::nan(""), false,
                           ""};
    if (!r.comparison) {
      check.message = "array_read_offload_min needs the baseline run (output.baseline)";
    } else {
      check.measured = r.comparison->read_offload;
      check.met = check.measured >= *x.array_read_offload_min;
      if (!check.met) {
        std::snprintf(line, sizeof line, "array read offload %.1f %% is below %.1f %%",
                      100 * check.measured, 100 * *x.array_read_offload_min);
        check.message = line;
      }
    }
    checks.push_back(check);
  }
  if (x.acknowledged_writes_lost_max) {
    const auto lost = static_cast<double>(c.acknowledged_writes_lost);
    ExpectationCheck check{"acknowledged_writes_lost_max",
                           static_cast<double>(*x.acknowledged_writes_lost_max), lost,
                           c.acknowledged_writes_lost <= *x.acknowledged_writes_lost_max, ""};
    if (!check.met)
      check.message = std::to_string(c.acknowledged_writes_lost) +
                      " acknowledged writes lost, more than " +
                      std::to_string(*x.acknowledged_writes_lost_max);
    checks.push_back(check);
  }
  return checks;
}

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  check_supported(scenario);
  RunResult result;
  std::unique_ptr<BaselineProcess> baseline;
  if (scenario.output.baseline) {
    result.baseline = std::make_unique<Metrics>(run_layout(scenario));
    baseline = std::make_unique<BaselineProcess>(scenario, *result.baseline);
  }

  result.with_flash = std::make_unique<Metrics>(run_layout(scenario));
  MetricsSink sink(*result.with_flash);
  ClusterRuntime runtime(scenario, false, sink);
  const auto start = std::chrono::steady_clock::now();
  runtime.run(options.progress, options.stop);
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (runtime.interrupted()) result.with_flash->interrupt_at(runtime.end_ns());
  result.with_flash->finish(runtime.end_ns());
  result.drain_s = runtime.drain_s();
  result.simulated_ios = runtime.requests_completed();
  if (runtime.interrupted()) {
    result.interrupted = true;
    result.interrupted_at_s = static_cast<double>(runtime.end_ns()) / 1e9;
    baseline.reset();  // killed and reaped
    result.baseline.reset();
    return result;
  }

  if (baseline) {
    result.baseline->finish(baseline->finish());
    result.comparison = compare(*result.with_flash, *result.baseline);
  }
  result.expectations = check_expectations(scenario, result);
  for (const ExpectationCheck& check : result.expectations)
    if (!check.met) result.failed_expectations.push_back(check.message);
  return result;
}

}  // namespace flashtwin::sim
