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
  return config;
}

}  // namespace flashtwin::testing
