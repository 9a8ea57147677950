// The SimGrid platform a scenario describes: its topology (per-host NIC speeds, racks, switches,
// the array on the hosts' network or on its own fabric) and the array's front end. (Flash devices
// are queues outside SimGrid: see command_executor.hpp.) Internal to sim/.
#pragma once

#include "flashtwin/models/simgrid_platform.hpp"
#include "flashtwin/sim/scenario.hpp"

namespace flashtwin::sim {

// Network speeds in the scenario are in Gb/s; the models' in MB/s (10^6 bytes per second).
inline double gbps_to_mbps(double gbps) {
  return gbps * 1000.0 / 8.0;
}

models::PlatformSpec platform_spec(const Scenario& scenario);

}  // namespace flashtwin::sim
