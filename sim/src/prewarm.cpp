// Prewarm a host's cache before t = 0; see prewarm.hpp.
#include "prewarm.hpp"

#include <memory>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <variant>

namespace flashtwin::sim {

namespace {

constexpr engine::TimeNs kAt = 0;  // everything happens before the run starts
// Long enough for any footprint: the prewarm stream must not end with the scenario's duration.
constexpr double kPrewarmStreamS = 1e7;

// The hit ratio levels off when a round of kRoundBlocks block reads hits less than kLevelledOff
// (absolute) more often than the round before.
constexpr std::uint64_t kRoundBlocks = 1 << 20;
constexpr std::uint64_t kCheckEvery = 256;  // requests between looks at the engine's counters
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

// Completes every command at once until the engine has nothing more to say.
void run_commands(engine::HostEngine& engine, FlashVersions& flash, const ArrayVersions& array,
                  std::optional<engine::SetTimer>& timer) {
  std::vector<engine::Version> data;
  for (auto commands = engine.drain(); !commands.empty(); commands = engine.drain()) {
    for (const engine::Command& command : commands) {
      std::visit(
          [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, engine::FlashRead>) {
              flash.read(c.slots, data);
              engine.completed(kAt, c.id, engine::Status::ok, data);
            } else if constexpr (std::is_same_v<T, engine::FlashWrite>) {
              flash.write(c.slots, c.versions);
              engine.completed(kAt, c.id, engine::Status::ok);
            } else if constexpr (std::is_same_v<T, engine::ArrayRead>) {
              array.read(c.disk, c.first_block, c.block_count, data);
              engine.completed(kAt, c.id, engine::Status::ok, data);
            } else if constexpr (std::is_same_v<T, engine::ArrayWrite>) {
              throw std::logic_error("prewarm: the engine wrote to the array on reads only");
            } else if constexpr (std::is_same_v<T, engine::SendToPeer>) {
              throw std::logic_error("prewarm: the engine sent a peer message on reads only");
            } else if constexpr (std::is_same_v<T, engine::SetTimer>) {
              timer = c;
            }
          },
          command);
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
  run_commands(engine, flash, array, result.timer);
  Fill fill = fill_of(engine);
  if (fill.capacity == 0) return result;
  std::uint64_t blocks_read = 0;
  engine::RequestId next_request = first_request;
  Fill round_start = fill;
  double last_round_hit_ratio = -1;
  while (fill.cached < fill.capacity && blocks_read < footprint_blocks) {
    const std::uint64_t round = (fill.hits - round_start.hits) + (fill.misses - round_start.misses);
    if (round >= kRoundBlocks) {
      const double hit_ratio =
          static_cast<double>(fill.hits - round_start.hits) / static_cast<double>(round);
      if (hit_ratio - last_round_hit_ratio < kLevelledOff) break;  // levelled off
      last_round_hit_ratio = hit_ratio;
      round_start = fill;
    }
    // The stream whose next request is earliest (ties: the first disk): a merge by issue time.
    Stream* earliest = nullptr;
    for (Stream& s : streams) {
      if (s.live && (earliest == nullptr || s.next.time_ns < earliest->next.time_ns)) earliest = &s;
    }
    if (earliest == nullptr) break;
    const models::StreamRequest r = earliest->next;
    earliest->live = earliest->requests->next(earliest->next);
    if (r.kind != engine::IoKind::read && r.kind != engine::IoKind::write) continue;
    engine.submit(kAt, engine::IoRequest{next_request++, earliest->disk, engine::IoKind::read,
                                         r.offset_bytes, r.length_bytes, 0});
    run_commands(engine, flash, array, result.timer);
    ++result.requests;
    blocks_read += (r.length_bytes + block_bytes - 1) / block_bytes;
    if (result.requests % kCheckEvery == 0) {
      fill = fill_of(engine);
      if (stop != nullptr && stop->load()) break;
    }
  }
  result.cached_blocks = fill_of(engine).cached;
  return result;
}

}  // namespace flashtwin::sim
