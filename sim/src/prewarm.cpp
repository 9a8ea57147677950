// Prewarm a host's cache before t = 0; see prewarm.hpp.
#include "prewarm.hpp"

#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>
#include <variant>

namespace flashtwin::sim {

namespace {

// Long enough for any footprint: the prewarm stream must not end with the scenario's duration.
constexpr double kPrewarmStreamS = 1e7;

// The hit ratio levels off when a round of kRoundBlocks block reads hits less than kLevelledOff
// (absolute) more often than the round before.
constexpr std::uint64_t kRoundBlocks = 1 << 20;
constexpr std::size_t kCheckEvery = 256;  // requests between looks at the engine's counters
constexpr double kLevelledOff = 0.005;

struct Fill final : engine::CounterVisitor {
  std::uint64_t cached = 0;
  std::uint64_t capacity = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  void counter(std::string_view name, std::uint64_t value) override {
    if (name == "cached_blocks") cached = value;
    if (name == "capacity_blocks") capacity = value;
    if (name == "read_hit_blocks") hits = value;
    if (name == "read_miss_blocks") misses = value;
  }
};

Fill fill_of(const engine::HostEngine& engine) {
  Fill fill;
  engine.visit_counters(fill);
  return fill;
}

struct Stream {
  engine::DiskId disk;
  std::unique_ptr<models::RequestStream> requests;
  models::StreamRequest next;
  bool live;
};

// Keeps the engine's last timer request for the runtime. Throws if the engine asks for anything
// else (it has nothing to do before a request).
void take_commands(engine::HostEngine& engine, std::optional<engine::SetTimer>& timer) {
  for (const engine::Command& command : engine.drain()) {
    if (const auto* t = std::get_if<engine::SetTimer>(&command)) {
      timer = *t;
    } else {
      throw std::logic_error("prewarm: the engine issued a command before any request");
    }
  }
}

}  // namespace

std::uint64_t prewarm_seed(std::uint64_t seed) {
  // A fixed odd multiplier and offset: distinct from every disk seed the parser derives
  // (seed * 1'000'003 + disk number) for any realistic scenario, and deterministic.
  return seed * 0x9E3779B97F4A7C15ULL + 0x5bd1e995ULL;
}

PrewarmResult prewarm(engine::HostEngine& engine, FlashVersions& flash, const ArrayVersions& array,
                      const std::vector<PrewarmDisk>& disks, std::uint32_t block_bytes,
                      engine::RequestId first_request, const std::atomic<bool>* stop) {
  if (block_bytes == 0) throw std::invalid_argument("prewarm: block_bytes must be > 0");
  PrewarmResult result;
  std::vector<Stream> streams;
  std::uint64_t footprint_blocks = 0;
  for (const PrewarmDisk& d : disks) {
    models::SyntheticWorkload w = d.workload;
    w.seed = prewarm_seed(w.seed);
    w.duration_s = kPrewarmStreamS;
    Stream s{d.disk, models::make_synthetic_stream(w), {}, false};
    s.live = s.requests->next(s.next);
    streams.push_back(std::move(s));
    footprint_blocks += (w.disk_bytes + block_bytes - 1) / block_bytes;
  }
  take_commands(engine, result.timer);
  Fill fill = fill_of(engine);
  if (fill.capacity == 0) return result;
  std::uint64_t blocks_read = 0;
  engine::RequestId next_request = first_request;
  Fill round_start = fill;
  double last_round_hit_ratio = -1;
  std::vector<engine::IoRequest> batch;
  std::vector<engine::WarmFill> filled;
  std::vector<engine::Version> version;
  bool streams_left = true;
  while (streams_left && fill.cached < fill.capacity && blocks_read < footprint_blocks) {
    const std::uint64_t round = (fill.hits - round_start.hits) + (fill.misses - round_start.misses);
    if (round >= kRoundBlocks) {
      const double hit_ratio =
          static_cast<double>(fill.hits - round_start.hits) / static_cast<double>(round);
      if (hit_ratio - last_round_hit_ratio < kLevelledOff) break;  // levelled off
      last_round_hit_ratio = hit_ratio;
      round_start = fill;
    }
    // The next kCheckEvery reads, each from the stream whose next request is earliest (ties: the
    // first disk): a merge by issue time. Writes are read; flushes and discards are left out.
    batch.clear();
    while (batch.size() < kCheckEvery && blocks_read < footprint_blocks) {
      Stream* earliest = nullptr;
      for (Stream& s : streams) {
        if (s.live && (earliest == nullptr || s.next.time_ns < earliest->next.time_ns))
          earliest = &s;
      }
      if (earliest == nullptr) {
        streams_left = false;
        break;
      }
      const models::StreamRequest r = earliest->next;
      earliest->live = earliest->requests->next(earliest->next);
      if (r.kind != engine::IoKind::read && r.kind != engine::IoKind::write) continue;
      batch.push_back(engine::IoRequest{next_request++, earliest->disk, engine::IoKind::read,
                                        r.offset_bytes, r.length_bytes, 0});
      blocks_read += (r.length_bytes + block_bytes - 1) / block_bytes;
    }
    filled.clear();
    result.requests += engine.warm_reads(batch, filled);  // all, or up to a full cache
    // The filled slots take the array's versions, as a fill's flash write would give them.
    for (const engine::WarmFill& f : filled) {
      array.read(f.disk, f.block, 1, version);
      flash.write(std::span<const engine::SlotId>(&f.slot, 1), version);
    }
    fill = fill_of(engine);
    if (stop != nullptr && stop->load()) break;
  }
  result.cached_blocks = fill.cached;
  return result;
}

}  // namespace flashtwin::sim
