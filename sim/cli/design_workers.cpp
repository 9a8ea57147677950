#include "design_workers.hpp"

#include "child_process.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace flashtwin::cli {
namespace {

sigset_t child_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  return set;
}

int exit_status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

DesignWorkers::DesignWorkers(std::size_t jobs) : jobs_(jobs == 0 ? 1 : jobs) {
  const sigset_t set = child_signal();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
}

DesignWorkers::~DesignWorkers() {
  stop_all();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void DesignWorkers::start(std::size_t id, const std::vector<std::string>& argv,
                          const std::filesystem::path& log) {
  pid_t pid = 0;
  if (const int error = start_process(argv, ProcessOutput{-1, -1, log}, pid); error != 0)
    throw std::runtime_error("cannot start '" + argv[0] + "': " + std::strerror(error));
  running_.emplace(pid, Child{id, std::chrono::steady_clock::now()});
}

std::vector<DesignWorkers::Finished> DesignWorkers::reap(bool block) {
  std::vector<Finished> finished;
  while (!running_.empty()) {
    int status = 0;
    rusage usage{};
    const pid_t pid = wait4(-1, &status, block && finished.empty() ? 0 : WNOHANG, &usage);
    if (pid <= 0) {
      if (pid < 0 && errno == EINTR) continue;
      break;
    }
    const auto child = running_.find(pid);
    if (child == running_.end()) continue;  // not ours
    const std::chrono::duration<double> wall =
        std::chrono::steady_clock::now() - child->second.started;
    finished.push_back({child->second.id, exit_status_of(status), wall.count(),
                        static_cast<std::uint64_t>(usage.ru_maxrss) * 1024});
    running_.erase(child);
  }
  return finished;
}

std::vector<DesignWorkers::Finished> DesignWorkers::wait(std::chrono::milliseconds timeout) {
  std::vector<Finished> finished = reap(false);
  if (!finished.empty() || running_.empty()) return finished;
  const sigset_t set = child_signal();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const timespec limit{static_cast<time_t>(seconds.count()),
                       static_cast<long>((timeout - seconds).count() * 1'000'000)};
  sigtimedwait(&set, nullptr, &limit);  // a child ended, or the time is up
  return reap(false);
}

std::vector<DesignWorkers::Finished> DesignWorkers::stop_all() {
  for (const auto& [pid, child] : running_)
    kill(pid, SIGTERM);
  std::vector<Finished> all;
  while (!running_.empty()) {
    std::vector<Finished> some = reap(true);
    all.insert(all.end(), some.begin(), some.end());
  }
  return all;
}

std::filesystem::path this_program() {
  return std::filesystem::read_symlink("/proc/self/exe");
}

}  // namespace flashtwin::cli
