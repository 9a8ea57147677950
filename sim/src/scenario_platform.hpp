// The SimGrid platform a scenario describes: its topology (per-host NIC speeds, racks, switches,
// the array on the hosts' network or on its own fabric) and the flash devices of each host.
// Internal to sim/.
#pragma once

#include "flashtwin/models/simgrid_platform.hpp"
#include "flashtwin/sim/scenario.hpp"

namespace flashtwin::sim {

// Network speeds in the scenario are in Gb/s; the models' in MB/s (10^6 bytes per second).
inline double gbps_to_mbps(double gbps) {
  return gbps * 1000.0 / 8.0;
}

// Device names on a host are "flash0", "flash1", ... in the order of the host's `flash` list.
std::string flash_device_name(std::size_t index);

models::PlatformSpec platform_spec(const Scenario& scenario);

}  // namespace flashtwin::sim
