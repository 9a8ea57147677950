// A sweep on a Slurm cluster (docs/SWEEPS.md, "On Slurm"): the designs without results become
// one job array (a task runs one design, or a chunk of them: `flashtwin sweep --task K`), and a
// merge job that depends on it (`--dependency=afterok`) writes the merged results. Everything
// goes through the sweep's folder, which must be on a file system every node sees: each task
// renames its designs' folders into place (sweep_folder.hpp), so tasks never coordinate.
//
// DIR/slurm/ keeps what was submitted: submissions.json (the sweep file, each submission's
// array and merge job ids), tasks-N.json (design numbers per task), the batch scripts, and the
// tasks' logs. Submitting again submits only the designs that still have no result (failed ones
// included): that is how failed tasks are resubmitted alone.
#pragma once

#include "sweep_folder.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace flashtwin::cli {

struct SlurmOptions {
  std::string partition;             // "": the cluster's default
  std::string time_limit;            // sbatch --time, e.g. "30" or "2:00:00"; "": the partition's
  std::string memory;                // sbatch --mem per task, e.g. "2G"; "": estimated
  std::size_t designs_per_task = 0;  // chunks for short designs; 0: designs_per_task_for()
  std::size_t jobs_per_task = 1;     // worker processes in a task (and --cpus-per-task)
};

// The memory to ask per task, in MiB: a process's estimate (design_memory.hpp) for its largest
// design, scaled by the largest measured / estimated ratio among designs of the sweep that already
// ran (when any did: both are one process's peak), times the processes running at once (two per
// design with a baseline, `jobs` designs at once), with 25 % headroom, at least 256 MiB.
std::uint64_t task_memory_mib(const std::vector<const PlannedDesign*>& task,
                              const std::vector<PlannedDesign>& planned, const SweepFolder& folder,
                              std::size_t jobs);

// Designs per task when not given: enough for a task of at least kTaskTarget_s by the median wall
// time of the sweep's designs that already ran (short designs go in chunks: a Slurm task has its
// own cost, seconds of scheduling and start); 1 when none ran yet.
inline constexpr double kTaskTarget_s = 60;
inline constexpr std::size_t kMaxArrayTasks = 1000;  // below Slurm's default MaxArraySize, 1001
std::size_t designs_per_task_for(const std::vector<PlannedDesign>& planned,
                                 const SweepFolder& folder);

// Submits the designs of `planned` that have no result. Returns the exit status (0 submitted or
// nothing to do). Throws std::runtime_error when sbatch is missing or refuses.
int submit_sweep(const std::string& sweep_file, const std::vector<PlannedDesign>& planned,
                 const SweepFolder& folder, const SlurmOptions& options);

// A design as a task file names it: its number in the plan and the content hash it had when
// submitted (a task refuses a design whose hash changed since).
struct TaskDesign {
  std::size_t index = 0;
  std::string hash;
};
// The designs of task `task` in a tasks-N.json file; std::invalid_argument when the file or the
// task is not there.
std::vector<TaskDesign> task_designs(const std::filesystem::path& tasks_file, std::size_t task);

// `flashtwin sweep --status DIR`: designs with results, failed and not run; each submission's
// jobs as squeue (and sacct, when the cluster keeps accounting) see them. Returns 0.
int print_status(const std::filesystem::path& folder);

}  // namespace flashtwin::cli
