#include "sweep_runner.hpp"

#include "design_workers.hpp"
#include "run_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <deque>
#include <map>

namespace flashtwin::cli {
namespace {

namespace fs = std::filesystem;

class ProgressLine {
 public:
  ProgressLine(std::size_t total, std::size_t already) : total_(total), done_(already) {}
  void design_done() {
    ++done_;
    ++this_run_;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = static_cast<double>(this_run_) / std::max(elapsed, 1e-9);
    std::fprintf(stderr, "sweep: %zu/%zu designs done, %.2f designs/s, ETA %.0f s\n", done_, total_,
                 rate, static_cast<double>(total_ - done_) / rate);
  }

 private:
  std::size_t total_;
  std::size_t done_;
  std::size_t this_run_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

bool interrupted(int exit_status) {
  return exit_status == 128 + SIGINT || exit_status == 128 + SIGTERM;
}

RunTally run_designs(const sim::SweepSpec& sweep, const SweepFolder& folder,
                     const std::vector<const PlannedDesign*>& pending, std::size_t total,
                     std::size_t already, DesignWorkers& workers, const InterruptSignals& signals) {
  std::deque<const PlannedDesign*> queue(pending.begin(), pending.end());
  std::map<std::size_t, const PlannedDesign*> by_index;
  ProgressLine progress(total, already);
  RunTally tally;
  const auto finish = [&](const DesignWorkers::Finished& f) {
    const PlannedDesign& p = *by_index.at(f.id);
    if (interrupted(f.exit_status) || (f.exit_status > 1 && signals.stop().load())) {
      fs::remove_all(folder.running(p.hash));  // stopped part way: it runs again next time
      return;
    }
    folder.settle(p, RunRecord{f.exit_status, f.wall_s, f.peak_memory_bytes});
    if (!folder.has_run(p.hash)) {
      ++tally.failed;
      std::fprintf(stderr, "sweep: design %zu (%s) failed with exit status %d: see %s/run.log\n",
                   p.design.index, p.design.name.c_str(), f.exit_status,
                   folder.failed(p.hash).c_str());
    } else {
      ++tally.finished;
    }
    progress.design_done();
  };
  while ((!queue.empty() || workers.running() > 0) && !signals.stop().load()) {
    while (workers.has_room() && !queue.empty()) {
      const PlannedDesign& p = *queue.front();
      queue.pop_front();
      fs::remove_all(folder.running(p.hash));
      fs::create_directories(folder.running(p.hash));
      by_index[p.design.index] = &p;
      const RunArguments run{sweep.base_file, folder.running(p.hash).string(), p.overrides, false};
      workers.start_forked(
          p.design.index, [run] { return run_scenario_command(run); },
          folder.running(p.hash) / "run.log");
    }
    for (const DesignWorkers::Finished& f : workers.wait(std::chrono::milliseconds(200)))
      finish(f);
  }
  if (signals.stop().load())
    for (const DesignWorkers::Finished& f : workers.stop_all())
      finish(f);
  return tally;
}

}  // namespace flashtwin::cli
