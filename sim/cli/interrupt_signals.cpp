#include "interrupt_signals.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace flashtwin::cli {

namespace {

// Sent by the destructor to wake the waiting thread; blocked like the others.
constexpr int kWake = SIGUSR2;

sigset_t waited_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, kWake);
  return set;
}

}  // namespace

InterruptSignals::InterruptSignals() {
  // A signal whose disposition is "ignore" is discarded even while blocked, and sigwait never
  // sees it: shells start background commands with SIGINT ignored. Back to the default first.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (const int s : {SIGINT, SIGTERM})
    sigaction(s, &default_action, nullptr);
  const sigset_t set = waited_signals();
  if (const int error = pthread_sigmask(SIG_BLOCK, &set, &previous_mask_); error != 0) {
    throw std::runtime_error(std::string("cannot block SIGINT/SIGTERM: ") + std::strerror(error));
  }
  waiter_ = std::thread([this, set] {
    for (;;) {
      int received = 0;
      if (sigwait(&set, &received) != 0) continue;
      if (received == kWake) return;
      if (stop_.load()) _exit(128 + received);  // the second one: stop now
      signal_.store(received);
      stop_.store(true);
    }
  });
}

InterruptSignals::~InterruptSignals() {
  pthread_kill(waiter_.native_handle(), kWake);
  waiter_.join();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace flashtwin::cli
