#include "cachesim_command.hpp"

#include "byte_size.hpp"
#include "demo_workloads.hpp"
#include "flashtwin/engine/eviction_policy.hpp"
#include "flashtwin/sim/cache_only_replay.hpp"
#include "flashtwin/sim/miss_ratio_curve.hpp"
#include "flashtwin/sim/stream_merge.hpp"
#include "flashtwin/sim/trace_source.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flashtwin::cli {

namespace {

struct CachesimOptions {
  std::vector<std::string> policies = {"lru", "arc", "2q"};
  std::vector<std::string> capacities = {"256MiB", "1GiB", "4GiB"};
  std::vector<std::uint64_t> capacity_blocks;
  std::string block_size = "4KiB";
  std::string mode = "write-back";
  std::vector<std::string> admission = {"sequential-cutoff"};
  double duration_s = 120;
  std::uint64_t max_requests = 0;
  std::uint64_t seed = 1;
  bool no_check = false;
  bool json = false;
  std::string curve;                // "csv" or "json": print miss-ratio curves instead
  std::uint32_t points = 20;        // --curve: capacities evenly spaced up to the footprint
  double shards_rate = 0;           // --curve: LRU by SHARDS at this rate (0: exact)
  std::uint64_t shards_blocks = 0;  // --curve: LRU by SHARDS tracking this many blocks
  bool capacities_given = false;    // --capacity-bytes or --capacity-blocks on the command line
  bool admission_given = false;
  sim::TraceSpec trace;                // path empty: the demo mix
  std::uint64_t trace_disk_bytes = 0;  // set by a first pass over the trace
};

// First pass over a trace: the disk it needs (its highest byte, in whole blocks). Refuses a trace
// holding several devices unless one is selected: their offsets would share one disk.
std::uint64_t trace_disk_bytes(const sim::TraceSpec& spec, std::uint64_t block_bytes) {
  auto stream = sim::open_trace(spec);
  models::StreamRequest r;
  std::uint64_t end = block_bytes;
  std::vector<std::uint32_t> devices;
  while (stream->next(r)) {
    end = std::max(end, r.offset_bytes + r.length_bytes);
    if (std::find(devices.begin(), devices.end(), r.device) == devices.end()) {
      devices.push_back(r.device);
    }
  }
  if (devices.size() > 1) {
    std::string list;
    for (std::uint32_t d : devices) {
      list +=
          (list.empty() ? "" : ", ") + std::to_string(d >> 20) + "," + std::to_string(d & 0xFFFFF);
    }
    throw std::invalid_argument("--trace " + spec.path + " holds several devices (" + list +
                                "); choose one with --device");
  }
  return (end + block_bytes - 1) / block_bytes * block_bytes;
}

// The disks replayed: the trace as one disk, or the demo mix; each with its size in bytes.
std::vector<std::pair<std::uint64_t, std::unique_ptr<models::RequestStream>>> open_disks(
    const CachesimOptions& o) {
  std::vector<std::pair<std::uint64_t, std::unique_ptr<models::RequestStream>>> out;
  if (!o.trace.path.empty()) {
    out.emplace_back(o.trace_disk_bytes, sim::open_trace(o.trace));
  } else {
    for (const DemoDisk& disk : demo_workloads(o.duration_s, o.seed))
      out.emplace_back(disk.workload.disk_bytes, models::make_synthetic_stream(disk.workload));
  }
  return out;
}

struct RunResult {
  std::string policy;
  std::uint64_t capacity_bytes = 0;
  sim::CacheOnlyReport report;
};

RunResult run_one(const CachesimOptions& o, const std::string& policy, std::uint64_t block_bytes,
                  std::uint64_t capacity_blocks, engine::CacheMode mode) {
  sim::CacheOnlyOptions options;
  options.engine.block_bytes = static_cast<std::uint32_t>(block_bytes);
  options.engine.capacity_blocks = capacity_blocks;
  options.engine.eviction = policy;
  options.engine.admission.policies = o.admission;
  options.mode = mode;
  options.check_consistency = !o.no_check;
  options.max_requests = o.max_requests;
  sim::CacheOnlyReplay replay(options);
  for (auto& [disk_bytes, stream] : open_disks(o))
    replay.add_disk(disk_bytes, std::move(stream));
  replay.run();
  replay.quiesce();
  return RunResult{policy, capacity_blocks * block_bytes, replay.report()};
}

void print_table(const std::vector<RunResult>& results, const CachesimOptions& o) {
  if (!o.trace.path.empty()) {
    std::printf("cache-only replay of %s (%s)\n", o.trace.path.c_str(), o.mode.c_str());
  } else {
    std::printf("cache-only replay of the demo mix (%s, %.0f s simulated, seed %llu)\n",
                o.mode.c_str(), o.duration_s, static_cast<unsigned long long>(o.seed));
    for (const DemoDisk& disk : demo_workloads(o.duration_s, o.seed)) {
      std::printf("  %-7s %s\n", disk.name.c_str(), models::describe(disk.workload).c_str());
    }
  }
  std::printf("\n%-6s %10s %10s %9s %9s %11s %12s %12s %s\n", "policy", "capacity", "requests",
              "read hit", "write hit", "evictions", "array read", "destaged", "consistency");
  for (const RunResult& r : results) {
    const auto& c = r.report.counters;
    const std::string verdict = o.no_check ? "not checked"
                                : r.report.violations.empty()
                                    ? "ok (" + std::to_string(r.report.reads_checked) + " reads)"
                                    : std::to_string(r.report.violations.size()) + " VIOLATIONS";
    std::printf("%-6s %10s %10llu %8.1f%% %8.1f%% %11llu %12s %12s %s\n", r.policy.c_str(),
                format_byte_size(r.capacity_bytes).c_str(),
                static_cast<unsigned long long>(r.report.requests), 100 * r.report.read_hit_ratio(),
                100 * r.report.write_hit_ratio(),
                static_cast<unsigned long long>(c.at("evictions")),
                format_byte_size(c.at("array_read_bytes") >> 20 << 20).c_str(),
                format_byte_size(c.at("destaged_bytes") >> 20 << 20).c_str(), verdict.c_str());
  }
}

void print_json(const std::vector<RunResult>& results) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const RunResult& r : results) {
    nlohmann::ordered_json run;
    run["policy"] = r.policy;
    run["capacity_bytes"] = r.capacity_bytes;
    run["requests"] = r.report.requests;
    run["read_hit_ratio"] = r.report.read_hit_ratio();
    run["write_hit_ratio"] = r.report.write_hit_ratio();
    run["counters"] = r.report.counters;
    run["reads_checked"] = r.report.reads_checked;
    run["violations"] = r.report.violations;
    out.push_back(run);
  }
  std::cout << out.dump(2) << "\n";
}

// --curve: LRU's whole curve from stack distances in one pass (exact or SHARDS), the other
// policies by replaying the engine at each capacity (they have no stack property).
struct CurvePoint {
  std::uint64_t capacity_blocks = 0;
  double hit_ratio = 0;
  double read_hit_ratio = 0;
};
struct PolicyCurve {
  std::string policy;
  std::string method;
  std::vector<CurvePoint> points;
};

sim::MissRatioCurve lru_curve(const CachesimOptions& o, std::uint64_t block_bytes) {
  sim::CurveOptions options;
  options.block_bytes = static_cast<std::uint32_t>(block_bytes);
  if (o.shards_rate > 0) {
    options.sampling = sim::CurveSampling::fixed_rate;
    options.rate = o.shards_rate;
  } else if (o.shards_blocks > 0) {
    options.sampling = sim::CurveSampling::fixed_size;
    options.max_sampled_blocks = o.shards_blocks;
  }
  sim::CurveBuilder builder(options);
  sim::StreamMerge merge;
  for (auto& disk : open_disks(o))
    merge.add(std::move(disk.second));
  std::uint32_t disk = 0;
  models::StreamRequest r;
  for (std::uint64_t n = 0; (o.max_requests == 0 || n < o.max_requests) && merge.next(disk, r);
       ++n) {
    builder.request(disk, r);
  }
  return builder.curve();
}

void print_curves(const std::vector<PolicyCurve>& curves, const sim::MissRatioCurve& lru,
                  const CachesimOptions& o, std::uint64_t block_bytes) {
  if (o.curve == "csv") {
    std::printf("policy,method,capacity_blocks,capacity_bytes,hit_ratio,read_hit_ratio\n");
    for (const PolicyCurve& c : curves) {
      for (const CurvePoint& p : c.points) {
        std::printf("%s,%s,%llu,%llu,%.6f,%.6f\n", c.policy.c_str(), c.method.c_str(),
                    static_cast<unsigned long long>(p.capacity_blocks),
                    static_cast<unsigned long long>(p.capacity_blocks * block_bytes), p.hit_ratio,
                    p.read_hit_ratio);
      }
    }
    return;
  }
  nlohmann::ordered_json out;
  out["workload"] = o.trace.path.empty() ? std::string("demo mix") : o.trace.path;
  out["block_bytes"] = block_bytes;
  out["references"] = lru.references;
  out["read_references"] = lru.read_references;
  out["footprint_bytes"] = std::llround(lru.footprint_blocks * static_cast<double>(block_bytes));
  out["admission"] = o.admission;
  out["curves"] = nlohmann::ordered_json::array();
  for (const PolicyCurve& c : curves) {
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (const CurvePoint& p : c.points) {
      points.push_back({{"capacity_bytes", p.capacity_blocks * block_bytes},
                        {"hit_ratio", p.hit_ratio},
                        {"read_hit_ratio", p.read_hit_ratio}});
    }
    out["curves"].push_back({{"policy", c.policy}, {"method", c.method}, {"points", points}});
  }
  std::cout << out.dump(2) << "\n";
}

int run_curves(const CachesimOptions& o, std::uint64_t block_bytes,
               std::vector<std::uint64_t> capacities, engine::CacheMode mode) {
  const sim::MissRatioCurve lru = lru_curve(o, block_bytes);
  if (!o.capacities_given) {
    capacities.clear();
    const double footprint = std::max(1.0, lru.footprint_blocks);
    for (std::uint32_t i = 1; i <= o.points; ++i)
      capacities.push_back(static_cast<std::uint64_t>(std::ceil(footprint * i / o.points)));
  }
  std::vector<PolicyCurve> curves;
  bool consistent = true;
  for (const std::string& policy : o.policies) {
    PolicyCurve c{policy, policy == "lru" ? lru.method : "engine replay", {}};
    for (const std::uint64_t blocks : capacities) {
      if (policy == "lru") {
        c.points.push_back({blocks, lru.hit_ratio(blocks), lru.read_hit_ratio(blocks)});
        continue;
      }
      const RunResult run = run_one(o, policy, block_bytes, blocks, mode);
      const auto& n = run.report.counters;
      const std::uint64_t hits = n.at("read_hit_blocks") + n.at("write_hit_blocks");
      const std::uint64_t all = hits + n.at("read_miss_blocks") + n.at("write_miss_blocks");
      c.points.push_back({blocks,
                          all == 0 ? 0 : static_cast<double>(hits) / static_cast<double>(all),
                          run.report.read_hit_ratio()});
      for (const std::string& v : run.report.violations) {
        std::fprintf(stderr, "consistency violation (%s): %s\n", policy.c_str(), v.c_str());
        consistent = false;
      }
    }
    curves.push_back(std::move(c));
  }
  print_curves(curves, lru, o, block_bytes);
  return consistent ? 0 : 1;
}

int run_cachesim(const CachesimOptions& o) {
  engine::CacheMode mode;
  if (!engine::parse_cache_mode(o.mode, mode)) {
    throw std::invalid_argument("--mode: '" + o.mode +
                                "' is not one of pass-through, write-through, write-around, "
                                "write-back");
  }
  const std::uint64_t block_bytes = parse_byte_size(o.block_size);
  std::vector<std::uint64_t> capacities = o.capacity_blocks;
  if (capacities.empty()) {
    for (const std::string& text : o.capacities)
      capacities.push_back(parse_byte_size(text) / block_bytes);
  }
  CachesimOptions run = o;
  if (!run.trace.path.empty()) run.trace_disk_bytes = trace_disk_bytes(run.trace, block_bytes);
  if (!run.curve.empty()) {
    if (!run.admission_given) run.admission.clear();  // compared with LRU's curve: none
    return run_curves(run, block_bytes, capacities, mode);
  }
  std::vector<RunResult> results;
  bool consistent = true;
  for (const std::string& policy : o.policies) {
    for (std::uint64_t blocks : capacities) {
      results.push_back(run_one(run, policy, block_bytes, blocks, mode));
      consistent = consistent && results.back().report.violations.empty();
      for (const std::string& v : results.back().report.violations) {
        std::fprintf(stderr, "consistency violation (%s): %s\n", policy.c_str(), v.c_str());
      }
    }
  }
  if (o.json) {
    print_json(results);
  } else {
    print_table(results, o);
  }
  return consistent ? 0 : 1;
}

}  // namespace

void add_cachesim_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CachesimOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cachesim", "Cache-only replay through the real engine: hit ratios per policy and capacity");
  cmd->add_option("--policy", options->policies, "Eviction policies to compare")
      ->delimiter(',')
      ->check(CLI::IsMember(engine::eviction_policy_names()))
      ->capture_default_str();
  CLI::Option* capacity_bytes = cmd->add_option("--capacity-bytes", options->capacities,
                                                "Flash capacities to try (e.g. 1GiB,4GiB)")
                                    ->delimiter(',')
                                    ->capture_default_str();
  CLI::Option* capacity_blocks =
      cmd->add_option("--capacity-blocks", options->capacity_blocks,
                      "Flash capacities in cache blocks (instead of --capacity-bytes)")
          ->delimiter(',');
  cmd->add_option("--block-size", options->block_size, "Cache block size")->capture_default_str();
  cmd->add_option("--mode", options->mode, "Cache mode of the VM")->capture_default_str();
  CLI::Option* admission =
      cmd->add_option("--admission", options->admission,
                      "Admission policies (sequential-cutoff, promote-after-hits); 'none' for none")
          ->delimiter(',')
          ->capture_default_str();
  cmd->add_option("--duration-s", options->duration_s, "Simulated seconds of workload")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--requests", options->max_requests, "Stop after this many requests (0: none)");
  cmd->add_option("--trace", options->trace.path,
                  "Replay this trace (a file, or a blktrace prefix) instead of the demo mix");
  cmd->add_option("--format", options->trace.format, "Trace format")
      ->check(CLI::IsMember(sim::trace_format_names()))
      ->capture_default_str();
  cmd->add_option("--device", options->trace.device, "Only this device of the trace, MAJOR,MINOR");
  cmd->add_flag(
      "--issue-events", options->trace.issue_events,
      "blktrace / blkparse: replay the device's (D) requests instead of the queued (Q) ones");
  cmd->add_flag("--lenient", options->trace.lenient,
                "Skip and count malformed trace records instead of stopping at the first");
  cmd->add_option("--seed", options->seed, "Seed of the synthetic workloads")
      ->capture_default_str();
  cmd->add_flag("--no-check", options->no_check,
                "Skip the consistency oracle (measures the engine alone)");
  cmd->add_flag("--json", options->json, "Print JSON instead of a table");
  cmd->add_option("--curve", options->curve,
                  "Print miss-ratio curves (csv or json): LRU from stack distances, other "
                  "policies replayed at each capacity (without admission unless --admission)")
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("--points", options->points,
                  "--curve: capacities evenly spaced up to the footprint, unless given")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  CLI::Option* rate = cmd->add_option("--shards-rate", options->shards_rate,
                                      "--curve: LRU by SHARDS sampling this share of the blocks")
                          ->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--shards-blocks", options->shards_blocks,
                  "--curve: LRU by SHARDS tracking at most this many blocks")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30))
      ->excludes(rate);
  cmd->callback([options, &exit_code, capacity_bytes, capacity_blocks, admission] {
    options->capacities_given = capacity_bytes->count() + capacity_blocks->count() > 0;
    options->admission_given = admission->count() > 0;
    if (options->admission.size() == 1 && options->admission[0] == "none")
      options->admission.clear();
    exit_code = run_cachesim(*options);
  });
}

}  // namespace flashtwin::cli
