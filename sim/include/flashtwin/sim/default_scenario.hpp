// The embedded default scenario (scenarios/default.json, compiled in), so that `flashtwin run` and
// `make demo` work without any file: four hosts, twelve VMs with contrasting workloads (OLTP,
// VDI bursts, sequential backup, file servers), write-back and write-through on a hybrid array.
#pragma once

namespace flashtwin::sim {

const char* default_scenario_json();

}  // namespace flashtwin::sim
