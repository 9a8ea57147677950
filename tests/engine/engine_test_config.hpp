// Engine configurations shared by the engine tests.
#pragma once

#include "flashtwin/engine/config.hpp"

namespace flashtwin::testing {

inline constexpr std::uint32_t kBlock = 4096;

// A small cache with no admission filters, so every test states the behaviour it relies on.
inline engine::EngineConfig small_config(std::uint64_t capacity_blocks = 64) {
  engine::EngineConfig config;
  config.block_bytes = kBlock;
  config.capacity_blocks = capacity_blocks;
  config.eviction = "lru";
  config.admission.policies = {};
  config.destage.idle_after_ns = 1'000'000;
  // Unpaced destage (watermarks, waiters, idle only), so that nothing destages behind a test's
  // back; the rate-control tests turn pacing on.
  config.destage.max_rate_bytes_per_s = 0;
  return config;
}

}  // namespace flashtwin::testing
