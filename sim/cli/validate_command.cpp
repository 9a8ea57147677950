#include "validate_command.hpp"

#include "flashtwin/sim/scenario.hpp"
#include "flashtwin/sim/simulation.hpp"
#include "scenario_document.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace flashtwin::cli {

void add_validate_command(CLI::App& app, int& exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check scenario files without running them (none: the embedded default)");
  cmd->add_option("file", *files, "Scenario JSON files");
  cmd->add_option("--set", *overrides,
                  "Change one value of each before checking it: PATH=VALUE, as for run");
  cmd->callback([files, overrides, &exit_code] {
    if (files->empty()) files->push_back("");
    for (const std::string& file : *files) {
      // A ScenarioError propagates to main(), which prints it and exits with status 2.
      const sim::Scenario s = read_scenario(file, *overrides).scenario;
      sim::check_supported(s);  // what `run` refuses before it starts, refused here too
      std::size_t disks = 0;
      for (const sim::VmSpec& vm : s.vms)
        disks += vm.disks.size();
      std::printf("%s: ok — \"%s\": %zu hosts, %zu VMs, %zu disks, %zu events, %.0f s\n",
                  file.empty() ? "(default scenario)" : file.c_str(), s.name.c_str(),
                  s.cluster.hosts.size(), s.vms.size(), disks, s.events.size(), s.duration_s);
    }
    exit_code = 0;
  });
}

}  // namespace flashtwin::cli
