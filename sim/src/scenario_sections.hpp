// Parsers of the scenario's sections, shared by scenario_parser.cpp and scenario_workload.cpp.
// Internal to sim/.
#pragma once

#include "flashtwin/sim/scenario.hpp"

#include <string>

namespace flashtwin::sim {

// `disk_bytes`, `duration_s` and `seed` come from the disk, the scenario and the disk's position.
// Relative trace paths start at `base_folder`.
WorkloadSpec parse_workload(const nlohmann::json& json, const std::string& path,
                            std::uint64_t disk_bytes, double duration_s, std::uint64_t seed,
                            const std::string& base_folder);

}  // namespace flashtwin::sim
