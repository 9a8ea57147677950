#include "design_workers.hpp"

#include "exit_status.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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
  // SIGCHLD ignored (inherited so across exec) would reap children behind our back.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(SIGCHLD, &default_action, nullptr);
  const sigset_t set = child_signal();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
}

DesignWorkers::~DesignWorkers() {
  stop_all();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

void DesignWorkers::start_forked(std::size_t id, const std::function<int()>& body,
                                 const std::filesystem::path& log) {
  std::fflush(nullptr);  // nothing buffered here is written twice
  const pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot fork a worker: ") + std::strerror(errno));
  if (pid == 0) {
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(kWorkerSetupFailed);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    dup2(in, STDIN_FILENO);
    close(out);
    close(in);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    int status = kWorkerSetupFailed;
    try {
      status = body();
    } catch (...) {
      exit_status_for_current_exception();  // prints it
      status = kWorkerFailed;               // not a run that failed a check (exit status 1)
    }
    std::fflush(nullptr);
    _exit(status);
  }
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
      if (pid < 0 && errno == ECHILD) {  // reaped elsewhere: their outcome is unknown
        for (const auto& [lost, child] : running_)
          finished.push_back({child.id, 255, 0, 0});
        running_.clear();
      }
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

}  // namespace flashtwin::cli
