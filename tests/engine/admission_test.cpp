// Admission: sequential cutoff and promote-after-hits, alone and chained.
#include "engine_test_config.hpp"
#include "fake_runtime.hpp"

#include <gtest/gtest.h>

namespace flashtwin::testing {
namespace {

using Kind = PendingIo::Kind;

TEST(Admission, SequentialRunPastTheCutoffIsNotCached) {
  EngineConfig config = small_config(256);
  config.admission.policies = {"sequential-cutoff"};
  config.admission.sequential_cutoff_bytes = 4 * kBlock;
  FakeRuntime rt(config, CacheMode::write_through);
  for (int i = 0; i < 8; ++i) {  // one 8-block sequential stream of 1-block reads
    rt.read(static_cast<std::uint64_t>(i) * kBlock, kBlock);
    rt.complete_all();
  }
  EXPECT_EQ(rt.counter("fill_blocks"), 3u);  // the run reaches the cutoff on the 4th request
  rt.read(100 * kBlock, kBlock);             // a random read breaks the run and is cached again
  rt.complete_all();
  EXPECT_EQ(rt.counter("fill_blocks"), 4u);
}

TEST(Admission, SequentialWriteBackStreamGoesToTheArray) {
  EngineConfig config = small_config(256);
  config.admission.policies = {"sequential-cutoff"};
  config.admission.sequential_cutoff_bytes = 2 * kBlock;
  FakeRuntime rt(config, CacheMode::write_back);
  rt.write(0, kBlock);
  rt.complete_all();
  rt.write(kBlock, kBlock);  // the run reaches 2 blocks: bypass
  EXPECT_EQ(rt.count(Kind::array_write), 1u);
  EXPECT_EQ(rt.count(Kind::flash_write), 0u);
  rt.complete_all();
  EXPECT_EQ(rt.counter("dirty_blocks"), 1u);
}

TEST(Admission, PromoteAfterTwoMissesFillsOnTheSecond) {
  EngineConfig config = small_config(256);
  config.admission.policies = {"promote-after-hits"};
  config.admission.promote_after_hits = 2;
  config.admission.promote_table_entries = 1024;
  FakeRuntime rt(config, CacheMode::write_through);
  rt.read(0, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.counter("fill_blocks"), 0u);
  EXPECT_EQ(rt.counter("admissions_refused_blocks"), 1u);
  rt.read(0, kBlock);
  rt.complete_all();
  EXPECT_EQ(rt.counter("fill_blocks"), 1u);
  rt.read(0, kBlock);
  EXPECT_EQ(rt.count(Kind::flash_read), 1u);
  rt.complete_all();
}

TEST(Admission, UnknownPolicyNameIsRejectedWithTheKnownNames) {
  EngineConfig config = small_config();
  config.admission.policies = {"magic"};
  try {
    HostEngine engine(config);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("magic"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("sequential-cutoff"), std::string::npos);
  }
}

}  // namespace
}  // namespace flashtwin::testing
