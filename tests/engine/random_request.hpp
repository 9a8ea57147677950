// The randomized engine tests' request mix, shared by the failure and power-loss tests.
#pragma once

#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <random>

namespace flashtwin::testing {

// One random VM request on `host` (the randomized tests' mix: reads, writes, discards, flushes;
// partial first and last blocks now and then), over 24 blocks.
inline RequestId random_request(FakeRuntime& host, std::mt19937_64& rng) {
  const std::uint64_t block = rng() % 24;
  const std::uint64_t blocks = 1 + rng() % 3;
  const std::uint64_t offset = block * kBlock + (rng() % 4 == 0 ? 512 : 0);
  const std::uint64_t length = blocks * kBlock - (rng() % 4 == 0 ? 1024 : 0);
  switch (rng() % 8) {
    case 0:
      return host.flush();
    case 1:
      return host.discard(offset, length);
    case 2:
    case 3:
    case 4:
      return host.read(offset, length);
    default:
      return host.write(offset, length);
  }
}

}  // namespace flashtwin::testing
