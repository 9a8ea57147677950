// A scenario for whole-run cluster tests: hosts h1 (rack r1), h2 and h3 (rack r2), 4 GiB of flash
// each, one write-back VM "vm" on h1 with `replicas` peer copies and a 1 GiB disk running
// `workload`, no baseline.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace flashtwin::sim::testing {

inline nlohmann::json three_host_scenario(std::uint32_t replicas, nlohmann::json workload) {
  auto host = [](const std::string& name, const std::string& rack) {
    return nlohmann::json{{"name", name},
                          {"rack", rack},
                          {"flash", {{{"device", "nvme-1.6t"}, {"capacity_gib", 4}}}}};
  };
  return {{"name", "three hosts"},
          {"duration_s", 2},
          {"seed", 3},
          {"cluster",
           {{"topology", "leaf-spine"},
            {"hosts", {host("h1", "r1"), host("h2", "r2"), host("h3", "r2")}}}},
          {"datastores",
           {{{"name", "ds"}, {"policy", {{"mode", "write-back"}, {"replicas", replicas}}}}}},
          {"vms",
           {{{"name", "vm"},
             {"host", "h1"},
             {"datastore", "ds"},
             {"disks", {{{"size_gib", 1}, {"workload", std::move(workload)}}}}}}},
          {"output", {{"baseline", false}}}};
}

}  // namespace flashtwin::sim::testing
