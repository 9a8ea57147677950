// The request stream of a virtual disk's workload as a run replays it: its trace through its
// window (reopened at every loop, with the scenario's reader options), or its synthetic workload.
// What the workload driver replays and what sizing's curves read (flash_sizing.hpp): one way to
// open a disk. Throws what opening the trace or making the stream throws. Internal to sim/.
#pragma once

#include "flashtwin/models/request_stream.hpp"
#include "flashtwin/sim/scenario.hpp"

#include <memory>

namespace flashtwin::sim {

std::unique_ptr<models::RequestStream> open_workload(const WorkloadSpec& workload);

}  // namespace flashtwin::sim
