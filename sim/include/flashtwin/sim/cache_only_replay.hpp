// CacheOnlyReplay: runs request streams through one real HostEngine with instant devices — no
// timing, only what the cache does. The fastest way to study hit ratios, and what
// `flashtwin cachesim` runs.
//
// Several streams (one per virtual disk) are merged by their issue times, so a scan on one disk
// competes with a hot set on another as it would on a host. Every request is submitted, and every
// command the engine emits completes at once, before the next request: one request in flight at a
// time. Simulated time follows the streams' timestamps, so idle destage happens in the gaps.
//
// Reads that find the engine at rest (HostEngine::at_rest: nothing in flight, nothing dirty) are
// served in batches by HostEngine::reads_at_once, which does to the engine exactly what submit()
// and the commands completing at once would, without an operation, locks or commands per read; the
// replay completes them itself from the blocks' sources. Everything else goes through submit().
// The results are the same either way (tests/sim/cache_only_replay_test.cpp runs both).
//
// Requests are numbered and judged by a RequestLedger, as in every runtime. With check_consistency
// (the default) the devices hold versions and every read is checked by the ConsistencyOracle;
// quiesce() then destages everything and checks that every acknowledged write
// reached the array. Without it the devices return version 0 and the replay measures the engine
// alone.
#pragma once

#include "flashtwin/engine/host_engine.hpp"
#include "flashtwin/models/request_stream.hpp"
#include "flashtwin/sim/request_ledger.hpp"
#include "flashtwin/sim/version_store.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

struct CacheOnlyOptions {
  engine::EngineConfig engine;
  engine::CacheMode mode = engine::CacheMode::write_back;
  bool check_consistency = true;
  std::uint64_t max_requests = 0;  // 0: until every stream ends
  bool reads_at_once = true;       // false: every request through submit() (for comparisons)
};

struct CacheOnlyReport {
  std::uint64_t requests = 0;
  std::uint64_t reads_at_once = 0;  // of them, reads served by HostEngine::reads_at_once
  std::map<std::string, std::uint64_t> counters;  // the engine's, by name
  std::uint64_t reads_checked = 0;
  std::uint64_t reads_failed = 0;       // reads completed with an error: reported, not violations
  std::vector<std::string> violations;  // consistency failures; empty means the run is correct
  double read_hit_ratio() const;        // read blocks served from flash / read blocks
  double write_hit_ratio() const;       // write blocks that found their block cached / write blocks
};

class CacheOnlyReplay {
 public:
  explicit CacheOnlyReplay(const CacheOnlyOptions& options);
  ~CacheOnlyReplay();

  // Adds a virtual disk of `size_bytes` fed by `stream`; requests outside the disk are an error
  // (std::out_of_range from the engine, naming the request).
  void add_disk(std::uint64_t size_bytes, std::unique_ptr<models::RequestStream> stream);

  // Replays until every stream ends or max_requests were submitted.
  void run();
  // Lets the host go idle so that all dirty data is destaged, then (when checking) verifies that
  // every acknowledged write is on the array.
  void quiesce();

  CacheOnlyReport report() const;
  // The engine's metadata bytes (HostEngine::metadata_bytes).
  std::size_t metadata_bytes() const { return engine_.metadata_bytes(); }

 private:
  struct Source {
    engine::DiskId disk;
    std::unique_ptr<models::RequestStream> stream;
    models::StreamRequest next;
    bool live;
  };
  Source* earliest_source();
  bool may_serve_at_once(const Source& source) const;
  void serve_reads_at_once();
  void submit(const Source& source);
  void run_commands();
  void advance_to(engine::TimeNs now);

  CacheOnlyOptions options_;
  engine::HostEngine engine_;
  std::vector<Source> sources_;
  engine::TimeNs now_ = 0;
  std::optional<engine::TimeNs> timer_at_;
  engine::TimerId timer_id_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t reads_at_once_ = 0;
  FlashVersions flash_;
  RequestLedger ledger_;
  std::vector<engine::Version> data_;        // scratch for read completions
  std::vector<engine::IoRequest> batch_;     // reads served at once
  std::vector<engine::ServedBlock> served_;  // and their blocks
  std::vector<engine::Version> scratch_;     // one block's array version
  std::vector<std::string> violations_;
};

}  // namespace flashtwin::sim
