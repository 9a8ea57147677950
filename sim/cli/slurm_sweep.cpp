#include "slurm_sweep.hpp"

#include "child_process.hpp"
#include "design_workers.hpp"
#include "flashtwin/sim/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace flashtwin::cli {
namespace {

namespace fs = std::filesystem;

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

nlohmann::ordered_json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("cannot read '" + file.string() + "'");
  try {
    return nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument("'" + file.string() + "' is not valid JSON: " + e.what());
  }
}

// The job id sbatch --parsable printed ("12" or "12;cluster"), found among the lines it printed
// (warnings of sbatch and of the site's plugins come with it).
std::string submit(const std::vector<std::string>& argv) {
  const std::optional<ProgramOutput> out = run_program(argv);
  if (!out) throw std::runtime_error("cannot run sbatch: is Slurm installed (slurm-client)?");
  if (out->exit_status != 0)
    throw std::runtime_error("sbatch refused the job (exit status " +
                             std::to_string(out->exit_status) + "): " + out->output);
  std::istringstream lines(out->output);
  for (std::string line; std::getline(lines, line);) {
    const std::string id = line.substr(0, line.find(';'));
    if (!id.empty() && std::all_of(id.begin(), id.end(), ::isdigit)) return id;
  }
  throw std::runtime_error("sbatch printed no job id: " + out->output);
}

void write_script(const fs::path& file, const std::string& text) {
  sim::write_file_atomically(file, text);
  fs::permissions(file, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
}

// A file name pattern for sbatch's --output under `folder`, whose '%' would start a pattern.
std::string output_pattern(const fs::path& folder, const std::string& name) {
  std::string escaped;
  for (const char c : folder.string())
    escaped += c == '%' ? std::string("%%") : std::string(1, c);
  return escaped + "/" + name;
}

// sbatch with the user's settings, as arguments (never parsed by a shell, unlike #SBATCH lines).
std::vector<std::string> sbatch(const SlurmOptions& options, std::vector<std::string> more) {
  std::vector<std::string> argv{"sbatch", "--parsable"};
  if (!options.partition.empty()) argv.push_back("--partition=" + options.partition);
  if (!options.time_limit.empty()) argv.push_back("--time=" + options.time_limit);
  argv.insert(argv.end(), more.begin(), more.end());
  return argv;
}

// Every job id a submissions.json names, comma-separated.
std::string job_ids(const nlohmann::ordered_json& record) {
  std::string ids;
  for (const auto& s : record.at("submissions")) {
    ids += (ids.empty() ? "" : ",") + s.at("array_job").get<std::string>();
    if (!s.at("merge_job").get<std::string>().empty())
      ids += "," + s.at("merge_job").get<std::string>();
  }
  return ids;
}

// The jobs of earlier submissions still in squeue, as squeue names them ("" when none).
std::string queued_jobs(const nlohmann::ordered_json& record) {
  const std::string ids = job_ids(record);
  if (ids.empty()) return "";
  const std::optional<ProgramOutput> queue =
      run_program({"squeue", "--noheader", "--format=%i", "--jobs=" + ids});
  if (!queue || queue->exit_status != 0)
    throw std::runtime_error("cannot tell whether earlier jobs are still queued: squeue " +
                             (queue ? "said: " + queue->output : std::string("is missing")));
  std::string names = queue->output;
  std::replace(names.begin(), names.end(), '\n', ' ');
  while (!names.empty() && names.back() == ' ')
    names.pop_back();
  return names;
}

}  // namespace

std::uint64_t task_memory_mib(const std::vector<const PlannedDesign*>& task,
                              const std::vector<PlannedDesign>& planned, const SweepFolder& folder,
                              std::size_t jobs) {
  double ratio = 1;
  bool measured = false;
  for (const PlannedDesign& p : planned) {
    const std::optional<RunRecord> run = folder.record(p.hash);
    if (!run || run->peak_memory_bytes == 0 || p.memory_estimate_bytes == 0) continue;
    const double r =
        static_cast<double>(run->peak_memory_bytes) / static_cast<double>(p.memory_estimate_bytes);
    ratio = measured ? std::max(ratio, r) : r;
    measured = true;
  }
  std::uint64_t largest = 0;
  bool baseline = false;
  for (const PlannedDesign* p : task) {
    largest = std::max(largest, p->memory_estimate_bytes);
    baseline = baseline || p->baseline;
  }
  const auto at_once = static_cast<double>(std::min(std::max<std::size_t>(jobs, 1), task.size()));
  const double bytes = static_cast<double>(largest) * ratio * (baseline ? 2 : 1) * at_once * 1.25;
  const auto mib = static_cast<std::uint64_t>(std::ceil(bytes / 1048576.0));
  return std::max<std::uint64_t>(256, (mib + 63) / 64 * 64);
}

std::size_t designs_per_task_for(const std::vector<PlannedDesign>& planned,
                                 const SweepFolder& folder) {
  std::vector<double> walls;
  for (const PlannedDesign& p : planned)
    if (const std::optional<RunRecord> run = folder.record(p.hash); run && run->exit_status <= 1)
      walls.push_back(run->wall_s);
  if (walls.empty()) return 1;
  std::nth_element(walls.begin(), walls.begin() + walls.size() / 2, walls.end());
  const double median = std::max(walls[walls.size() / 2], 1e-3);
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(kTaskTarget_s / median)));
}

int submit_sweep(const std::string& sweep_file, const std::vector<PlannedDesign>& planned,
                 const SweepFolder& folder, const SlurmOptions& options) {
  const fs::path root = fs::absolute(folder.root());
  const fs::path slurm = root / "slurm";
  fs::create_directories(slurm);
  fs::create_directories(root / "designs");

  std::vector<const PlannedDesign*> pending;
  std::set<std::string> queued;
  for (const PlannedDesign& p : planned)
    if (!folder.has_run(p.hash) && queued.insert(p.hash).second) pending.push_back(&p);
  // Slurm's default MaxArraySize is 1001: a larger sweep goes in larger chunks.
  const std::size_t per_task =
      std::max(options.designs_per_task > 0 ? options.designs_per_task
                                            : designs_per_task_for(planned, folder),
               (pending.size() + kMaxArrayTasks - 1) / kMaxArrayTasks);
  std::vector<std::vector<const PlannedDesign*>> tasks;
  for (const PlannedDesign* p : pending) {
    if (tasks.empty() || tasks.back().size() >= per_task) tasks.emplace_back();
    tasks.back().push_back(p);
  }
  if (tasks.empty()) {
    std::printf("nothing to submit: every design has a result in %s\n", root.c_str());
    return 0;
  }

  const fs::path record_file = slurm / "submissions.json";
  nlohmann::ordered_json record{{"format", "flashtwin-slurm-1"},
                                {"sweep_file", fs::absolute(sweep_file).string()},
                                {"submissions", nlohmann::ordered_json::array()}};
  if (fs::exists(record_file)) {
    record = nlohmann::ordered_json::parse(std::ifstream(record_file));
    const std::string still_queued = queued_jobs(record);
    if (!still_queued.empty())
      throw std::runtime_error("jobs of an earlier submission are still queued or running (" +
                               still_queued + "): wait for them (flashtwin sweep --status " +
                               root.string() + ") or scancel them, then submit again");
  }
  const std::string n = std::to_string(record["submissions"].size() + 1);

  nlohmann::ordered_json task_list = nlohmann::ordered_json::array();
  std::uint64_t memory_mib = 0;
  for (const auto& task : tasks) {
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const PlannedDesign* p : task)
      entries.push_back({{"design", p->design.index}, {"hash", p->hash}});
    task_list.push_back(entries);
    memory_mib =
        std::max(memory_mib, task_memory_mib(task, planned, folder, options.jobs_per_task));
  }
  const fs::path tasks_file = slurm / ("tasks-" + n + ".json");
  sim::write_file_atomically(tasks_file,
                             nlohmann::ordered_json{{"tasks", task_list}}.dump(2) + "\n");
  const std::string memory =
      options.memory.empty() ? std::to_string(memory_mib) + "M" : options.memory;
  bool measured = false;
  for (const PlannedDesign& p : planned) {
    const std::optional<RunRecord> run = folder.record(p.hash);
    measured = measured || (run && run->peak_memory_bytes > 0);
  }
  const char* memory_source = !options.memory.empty() ? "as asked"
                              : measured ? "from the peaks measured in this sweep's runs"
                                         : "estimated before any run: an upper bound";

  const std::string program = shell_quoted(this_program().string());
  const std::string sweep = shell_quoted(fs::absolute(sweep_file).string());
  const fs::path array_script = slurm / ("array-" + n + ".sh");
  write_script(array_script, "#!/bin/sh\nexec " + program + " sweep " + sweep + " -o " +
                                 shell_quoted(root.string()) + " --tasks " +
                                 shell_quoted(tasks_file.string()) +
                                 " --task \"$SLURM_ARRAY_TASK_ID\" -j " +
                                 std::to_string(options.jobs_per_task) + "\n");
  const fs::path merge_script = slurm / ("merge-" + n + ".sh");
  write_script(merge_script, "#!/bin/sh\nexec " + program + " sweep " + sweep + " -o " +
                                 shell_quoted(root.string()) + " --merge\n");

  const std::string array_job = submit(
      sbatch(options,
             {"--job-name=flashtwin-sweep", "--array=0-" + std::to_string(tasks.size() - 1),
              "--output=" + output_pattern(slurm, "task-%A_%a.log"), "--mem=" + memory,
              "--cpus-per-task=" + std::to_string(options.jobs_per_task), array_script.string()}));
  // Recorded at once: no job runs that the folder does not know of.
  record["submissions"].push_back({{"array_job", array_job},
                                   {"merge_job", ""},
                                   {"tasks_file", tasks_file.string()},
                                   {"tasks", tasks.size()},
                                   {"designs", pending.size()},
                                   {"memory_per_task", memory}});
  sim::write_file_atomically(record_file, record.dump(2) + "\n");
  std::string merge_job;
  try {
    // afterok: a task succeeds once it ran its designs, failed ones included (they are recorded);
    // only a task killed or stopped fails, and then the merge is cancelled, not left pending.
    merge_job = submit(sbatch(
        options, {"--job-name=flashtwin-merge", "--dependency=afterok:" + array_job,
                  "--kill-on-invalid-dep=yes", "--output=" + output_pattern(slurm, "merge-%j.log"),
                  "--mem=256M", merge_script.string()}));
  } catch (const std::exception&) {
    run_program({"scancel", array_job});
    throw;
  }
  record["submissions"].back()["merge_job"] = merge_job;
  sim::write_file_atomically(record_file, record.dump(2) + "\n");
  std::printf(
      "submitted %zu designs as job array %s (%zu tasks, %s each), merge job %s after it\n"
      "memory per task %s: %s (--mem-per-task sets it)\n"
      "follow it with: flashtwin sweep --status %s\n",
      pending.size(), array_job.c_str(), tasks.size(), memory.c_str(), merge_job.c_str(),
      memory.c_str(), memory_source, root.c_str());
  return 0;
}

std::vector<TaskDesign> task_designs(const fs::path& tasks_file, std::size_t task) {
  const nlohmann::ordered_json tasks = read_json(tasks_file).at("tasks");
  if (task >= tasks.size())
    throw std::invalid_argument("--task " + std::to_string(task) + ": '" + tasks_file.string() +
                                "' has " + std::to_string(tasks.size()) + " tasks");
  std::vector<TaskDesign> designs;
  for (const auto& entry : tasks[task])
    designs.push_back({entry.at("design").get<std::size_t>(), entry.at("hash").get<std::string>()});
  return designs;
}

int print_status(const fs::path& folder) {
  const nlohmann::ordered_json record = read_json(folder / "slurm" / "submissions.json");
  const std::string sweep_file = record.at("sweep_file").get<std::string>();
  const sim::SweepSpec spec = sim::load_sweep(sweep_file);
  const std::vector<PlannedDesign> planned = prepare(spec, sim::plan_designs(spec));
  const SweepFolder designs(folder);
  std::size_t done = 0;
  std::vector<const PlannedDesign*> failed;
  for (const PlannedDesign& p : planned) {
    const sim::DesignStatus s = designs.outcome(p).status;
    if (s == sim::DesignStatus::ok || s == sim::DesignStatus::check_failed) ++done;
    if (s == sim::DesignStatus::failed) failed.push_back(&p);
  }
  std::printf("sweep \"%s\" (%s): %zu designs: %zu with results, %zu failed, %zu not run\n",
              spec.name.c_str(), sweep_file.c_str(), planned.size(), done, failed.size(),
              planned.size() - done - failed.size());

  const std::string ids = job_ids(record);
  for (const auto& s : record.at("submissions")) {
    std::printf("submission: job array %s (%zu tasks, %zu designs, %s per task), merge job %s\n",
                s.at("array_job").get<std::string>().c_str(), s.at("tasks").get<std::size_t>(),
                s.at("designs").get<std::size_t>(),
                s.at("memory_per_task").get<std::string>().c_str(),
                s.at("merge_job").get<std::string>().c_str());
  }
  const std::optional<ProgramOutput> queue =
      run_program({"squeue", "--noheader", "--array", "--format=%i %T %r", "--jobs=" + ids});
  if (!queue) {
    std::printf("squeue: not found (is Slurm installed?)\n");
  } else if (queue->output.empty()) {
    std::printf("squeue: none of these jobs is queued or running any more\n");
  } else {
    std::printf("squeue (job state reason):\n%s", queue->output.c_str());
  }
  const std::optional<ProgramOutput> accounting = run_program(
      {"sacct", "--noheader", "--parsable2", "--format=JobID,State,ExitCode", "--jobs=" + ids});
  if (accounting && accounting->exit_status == 0 && !accounting->output.empty()) {
    std::printf("sacct (job|state|exit code):\n%s", accounting->output.c_str());
  } else {
    std::printf("sacct: no accounting on this cluster (the folder is the record)\n");
  }
  // A task that left the queue with designs of its own still without a result ended before them
  // (killed at its time or memory limit, its node lost): its log says why.
  std::set<std::string> queued;
  if (queue && queue->exit_status == 0) {
    std::istringstream lines(queue->output);
    for (std::string line; std::getline(lines, line);)
      queued.insert(line.substr(0, line.find(' ')));
  }
  for (const auto& s : record.at("submissions")) {
    const std::string job = s.at("array_job").get<std::string>();
    const nlohmann::ordered_json tasks =
        read_json(s.at("tasks_file").get<std::string>()).at("tasks");
    for (std::size_t k = 0; k < tasks.size(); ++k) {
      if (queued.contains(job + "_" + std::to_string(k)) || queued.contains(job)) continue;
      std::string missing;
      for (const auto& entry : tasks[k]) {
        const std::size_t i = entry.at("design").get<std::size_t>();
        if (i < planned.size() && designs.outcome(planned[i]).status == sim::DesignStatus::not_run)
          missing += (missing.empty() ? "" : ", ") + std::to_string(i);
      }
      if (!missing.empty()) {
        std::printf(
            "failed task: %s_%zu ended without designs %s (log %s)\n", job.c_str(), k,
            missing.c_str(),
            (folder / "slurm" / ("task-" + job + "_" + std::to_string(k) + ".log")).c_str());
      }
    }
  }
  for (const PlannedDesign* p : failed) {
    const std::optional<RunRecord> run = designs.record(p->hash);
    std::printf("failed: design %zu (%s), exit status %d, log %s/run.log\n", p->design.index,
                p->design.name.c_str(), run ? run->exit_status : -1,
                designs.failed(p->hash).c_str());
  }
  if (done < planned.size())
    std::printf(
        "to run what has no result (failed designs alone): flashtwin sweep %s --slurm -o %s\n",
        sweep_file.c_str(), folder.c_str());
  return 0;
}

}  // namespace flashtwin::cli
