// Prewarm: a host's cache filled before t = 0 from its disks' own distributions, with no dirty
// data, stopping when the cache is full or the footprint is covered, deterministically.
#include "prewarm.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include <map>
#include <string>

namespace flashtwin::sim {
namespace {

struct Counters final : engine::CounterVisitor {
  std::map<std::string, std::uint64_t> values;
  void counter(std::string_view name, std::uint64_t value) override {
    values[std::string(name)] = value;
  }
};

std::map<std::string, std::uint64_t> counters(const engine::HostEngine& e) {
  Counters c;
  e.visit_counters(c);
  return c.values;
}

struct Host {
  engine::HostEngine engine;
  FlashVersions flash;
  ArrayVersions array;
  explicit Host(std::uint64_t capacity_blocks)
      : engine(config(capacity_blocks)), flash(capacity_blocks) {
    engine.add_datastore(0, engine::CacheMode::write_back);
    engine.add_vm(0, 0, std::nullopt);
  }
  static engine::EngineConfig config(std::uint64_t capacity_blocks) {
    engine::EngineConfig c;
    c.capacity_blocks = capacity_blocks;
    return c;
  }
};

models::SyntheticWorkload workload(std::uint64_t disk_blocks, double read_ratio) {
  models::SyntheticWorkload w;
  w.disk_bytes = disk_blocks * 4096;
  w.read_ratio = read_ratio;
  w.duration_s = 1;  // the scenario's; prewarm must not stop there
  w.iops = 100;      // 100 requests in 1 s: far fewer than the fill needs
  w.seed = 42;
  return w;
}

TEST(Prewarm, FillsTheCacheWithoutDirtyData) {
  Host h(1024);
  h.engine.add_disk(0, 1, 8192 * 4096ull);
  // Writes only: issued as reads, so nothing is dirty and the array is never written.
  const PrewarmResult r =
      prewarm(h.engine, h.flash, h.array, {PrewarmDisk{1, workload(8192, 0.0)}}, 4096, 1);
  const auto c = counters(h.engine);
  EXPECT_EQ(c.at("cached_blocks"), 1024u);
  EXPECT_EQ(r.cached_blocks, 1024u);
  EXPECT_EQ(c.at("dirty_blocks"), 0u);
  EXPECT_EQ(c.at("evictions"), 0u);  // it stops at a full cache: warming never evicts
  EXPECT_EQ(c.at("write_requests"), 0u);
  EXPECT_EQ(c.at("read_requests"), r.requests);
  EXPECT_GT(r.requests, 1000u);  // more than the scenario stream's 100: its own, longer stream
  EXPECT_EQ(h.array.blocks_written(), 0u);
}

TEST(Prewarm, StopsOnceTheFootprintIsCovered) {
  Host h(1 << 16);
  h.engine.add_disk(0, 1, 256 * 4096ull);
  const PrewarmResult r =
      prewarm(h.engine, h.flash, h.array, {PrewarmDisk{1, workload(256, 0.7)}}, 4096, 1);
  // 4 KiB requests: exactly as many reads as the disk holds blocks, then it stops.
  EXPECT_EQ(r.requests, 256u);
  EXPECT_LE(r.cached_blocks, 256u);
  EXPECT_GT(r.cached_blocks, 100u);  // uniform draws: about 1 - 1/e of the blocks
}

TEST(Prewarm, StopsWithinAFewHundredRequestsOnceAskedTo) {
  Host h(1 << 16);
  h.engine.add_disk(0, 1, (1 << 20) * 4096ull);
  const std::atomic<bool> stop{true};
  const PrewarmResult r =
      prewarm(h.engine, h.flash, h.array, {PrewarmDisk{1, workload(1 << 20, 0.7)}}, 4096, 1, &stop);
  EXPECT_LE(r.requests, 256u);  // polled every 256 requests
  EXPECT_GT(r.requests, 0u);
  const std::atomic<bool> go_on{false};
  Host full(1 << 16);
  full.engine.add_disk(0, 1, (1 << 20) * 4096ull);
  EXPECT_GT(prewarm(full.engine, full.flash, full.array, {PrewarmDisk{1, workload(1 << 20, 0.7)}},
                    4096, 1, &go_on)
                .requests,
            10'000u);
}

TEST(Prewarm, IsDeterministicAndUsesADerivedSeed) {
  auto run = [](std::uint64_t seed) {
    Host h(512);
    h.engine.add_disk(0, 1, 4096 * 4096ull);
    models::SyntheticWorkload w = workload(4096, 0.5);
    w.pattern = models::AddressPattern::zipf;
    w.seed = seed;
    const PrewarmResult r = prewarm(h.engine, h.flash, h.array, {PrewarmDisk{1, w}}, 4096, 1);
    return std::pair{r.requests, counters(h.engine).at("read_hit_blocks")};
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  EXPECT_NE(prewarm_seed(7), 7u);
  EXPECT_NE(prewarm_seed(7), prewarm_seed(8));
}

TEST(Prewarm, RejectsAZeroBlockSize) {
  Host h(64);
  EXPECT_THROW(prewarm(h.engine, h.flash, h.array, {}, 0, 1), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::sim
