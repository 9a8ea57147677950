// A sweep's folder (docs/SWEEPS.md, "The folder"): each design's run, kept by the content hash of
// its resolved scenario, and the merged results.
//
//   DIR/designs/HASH/          a run that ended (exit status 0 or 1, a whole summary.json):
//                              `flashtwin run`'s files,
//                              run.log, design.json (design, name, hash, exit status, wall time,
//                              peak memory)
//   DIR/designs/HASH.failed/   the last attempt of a design whose run did not end (same files)
//   DIR/designs/HASH.running/  a run in progress (or one killed outright: replaced when the
//                              design starts again)
//   DIR/results.csv, results.json, summary.md, runs.csv   merged (merge())
//
// A design's folder appears whole or not at all (renamed into place), so workers on several
// machines (Slurm tasks) share one folder without locks; merging reads only whole folders.
#pragma once

#include "flashtwin/sim/sweep_plan.hpp"
#include "flashtwin/sim/sweep_results.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace flashtwin::cli {

// A design ready to run: its overrides, its content hash and its cost.
struct PlannedDesign {
  sim::Design design;
  std::vector<std::string> overrides;
  std::string hash;
  double cost = 0;
  std::uint64_t memory_estimate_bytes = 0;  // one process (design_memory.hpp)
  bool baseline = false;                    // a second process runs beside it
};

// Resolves and checks every design before anything runs: a bad design is bad input (exit 2), found
// in a second, not after an hour of other designs. Throws std::invalid_argument naming the design.
std::vector<PlannedDesign> prepare(const sim::SweepSpec& sweep,
                                   const std::vector<sim::Design>& designs);

// How one run of a design ended.
struct RunRecord {
  int exit_status = 0;  // the worker's, or 128 + the signal that killed it
  double wall_s = 0;
  std::uint64_t peak_memory_bytes = 0;  // the largest resident set of the worker or its child
};

class SweepFolder {
 public:
  explicit SweepFolder(std::filesystem::path root) : root_(std::move(root)) {}
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path done(const std::string& hash) const;
  std::filesystem::path failed(const std::string& hash) const;
  std::filesystem::path running(const std::string& hash) const;
  bool has_run(const std::string& hash) const;

  // Writes design.json into the running folder and renames it to done (exit 0 or 1 with a whole
  // summary.json) or failed.
  void settle(const PlannedDesign& design, const RunRecord& run) const;
  // The design's outcome from its folder (not_run when there is none). Throws
  // std::invalid_argument naming the file when a done design's summary.json cannot be read.
  sim::DesignOutcome outcome(const PlannedDesign& design) const;
  // The record of the design's last run, when it has one (done first, then failed).
  std::optional<RunRecord> record(const std::string& hash) const;
  // Writes results.csv, results.json, summary.md and runs.csv for every design of the plan, one
  // merge at a time (an flock on DIR/.merge.lock).
  std::vector<sim::DesignOutcome> merge(const sim::SweepSpec& sweep,
                                        const std::vector<PlannedDesign>& planned) const;

 private:
  std::filesystem::path root_;
};

}  // namespace flashtwin::cli
