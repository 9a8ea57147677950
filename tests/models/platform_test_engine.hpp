// A quiet SimGrid Engine configured for exact timing, for the platform tests.
//
// SimGrid's Engine is a process-wide singleton: one per process, never rebuilt. Every TEST of
// platform_tests constructs its own Engine, which works only because gtest_discover_tests makes
// CTest run each TEST in a process of its own. Running the binary by hand with several tests in
// one process is not supported: use ctest, or --gtest_filter with a single test.
#pragma once

#include "flashtwin/models/simgrid_platform.hpp"

#include <xbt/log.h>
#include <simgrid/s4u.hpp>

namespace flashtwin::models::testing {

class QuietEngine {
 public:
  QuietEngine() : engine_("platform_tests") {
    xbt_log_control_set("root.thres:critical");
    configure_exact_timing(engine_);
  }
  simgrid::s4u::Engine& operator*() { return engine_; }
  simgrid::s4u::Engine* operator->() { return &engine_; }

 private:
  simgrid::s4u::Engine engine_;
};

}  // namespace flashtwin::models::testing
