// Scenario numbers are range-checked before conversion: values that would overflow a conversion,
// hang the run or exhaust memory are errors naming the JSON path and the limit; sizes accept units.
#include "flashtwin/sim/json_reader.hpp"
#include "flashtwin/sim/scenario.hpp"
#include "scenario_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace flashtwin::sim {
namespace {

using testing::error_of;
using testing::example;

// The examples: each was a wrong message or exit 0 before.
TEST(ScenarioLimits, HugeNumbersAreRefusedWithTheirPathAndLimit) {
  nlohmann::json doc = example();
  doc["vms"][0]["disks"][0]["size_gib"] = 1e30;
  EXPECT_EQ(error_of(doc), "$.vms[0].disks[0].size_gib: must be from 1 B to 1.0 PiB, got 1e+30");
  doc = example();
  doc["cache"]["destage"]["idle_after_ms"] = 1e13;
  EXPECT_EQ(error_of(doc),
            "$.cache.destage.idle_after_ms: must be from 0 to 1000000000, got 10000000000000.0");
  doc = example();
  doc["array"]["nvram_gib"] = 1e30;
  EXPECT_EQ(error_of(doc), "$.array.nvram_gib: must be from 0 B to 1.0 PiB, got 1e+30");
  doc = example();
  doc["devices"]["fast-ssd"]["queue_depth"] = 1e8;
  EXPECT_EQ(error_of(doc),
            "$.devices.fast-ssd.queue_depth: must be from 1 to 65536, got 100000000.0");
  doc = example();
  doc["vms"][2]["disks"][0]["workload"]["queue_depth"] = 100000000;
  EXPECT_EQ(error_of(doc),
            "$.vms[2].disks[0].workload.queue_depth: must be from 0 to 65536, got 100000000");
  doc = example();
  doc["duration_s"] = 1e12;
  EXPECT_EQ(error_of(doc), "$.duration_s: must be from 0 to 1000000, got 1000000000000.0");
  doc = example();
  doc["cluster"]["hosts"][0]["flash"][0]["capacity_gib"] = 1e30;
  EXPECT_NE(error_of(doc).find("$.cluster.hosts[0].flash[0].capacity_gib: must be from"),
            std::string::npos);
}

TEST(ScenarioLimits, WholeNumbersGivenAsHugeFloatsAreErrorsNotConversions) {
  nlohmann::json doc = example();
  doc["seed"] = 1e30;
  EXPECT_EQ(error_of(doc), "$.seed: expected a whole number >= 0, got a number (1e+30)");
  doc = example();
  doc["cache"]["block_bytes"] = 1e19;
  EXPECT_NE(error_of(doc).find("$.cache.block_bytes: expected a whole number from 0 to"),
            std::string::npos);
  // The largest float below 2^64 still converts exactly.
  EXPECT_EQ(json_as<std::uint64_t>(nlohmann::json(0x1p63), "$.x"), std::uint64_t{1} << 63);
  EXPECT_THROW(json_as<std::uint64_t>(nlohmann::json(0x1p64), "$.x"), ScenarioError);
  EXPECT_THROW(json_as<std::int64_t>(nlohmann::json(0x1p63), "$.x"), ScenarioError);
  EXPECT_EQ(json_as<std::int64_t>(nlohmann::json(-0x1p63), "$.x"), INT64_MIN);
  EXPECT_THROW(json_as<std::uint64_t>(nlohmann::json(-1.0), "$.x"), ScenarioError);
}

TEST(ScenarioLimits, TooManyTimeSeriesRowsAreRefused) {
  nlohmann::json doc = example();
  doc["duration_s"] = 1000;
  doc["output"] = {{"interval_s", 1e-5}};
  EXPECT_NE(error_of(doc).find("$.output.interval_s: gives 100000000 time-series rows"),
            std::string::npos);
}

// The engine keeps a block number in 36 bits and a host's disk numbers in 12.
TEST(ScenarioLimits, ADiskOfTwoToThe36BlocksOrAHostOfMoreThan4096DisksIsRefused) {
  nlohmann::json doc = example();
  doc["vms"][0]["disks"][0]["size_gib"] = 262143;  // 2^36 - 2^18 blocks of 4 KiB: fits
  EXPECT_NO_THROW(parse_scenario(doc));
  doc["vms"][0]["disks"][0]["size_gib"] = 262144;  // 2^36 blocks
  EXPECT_NE(error_of(doc).find("$.vms[0].disks[0].size_gib: gives 68719476736 cache blocks of "
                               "4096 bytes; a disk holds fewer than 2^36"),
            std::string::npos)
      << error_of(doc);
  doc = example();
  const nlohmann::json disk = doc["vms"][0]["disks"][0];
  doc["vms"][0]["disks"] = nlohmann::json::array();
  for (int k = 0; k < 4097; ++k)
    doc["vms"][0]["disks"].push_back(disk);
  EXPECT_NE(error_of(doc).find("host '" + doc["vms"][0]["host"].get<std::string>() +
                               "' starts with 4097 virtual disks; a host holds at most 4096"),
            std::string::npos)
      << error_of(doc);
}

TEST(ScenarioLimits, RangesApplyBeforeConversionForEveryType) {
  EXPECT_EQ(json_in_range<std::uint32_t>(nlohmann::json(64), "$.q", 1, 65536), 64u);
  EXPECT_EQ(json_in_range<double>(nlohmann::json(0.5), "$.f", 0, 1), 0.5);
  try {
    json_in_range<int>(nlohmann::json(-3), "$.n", 0, 10);
    ADD_FAILURE();
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "$.n: must be from 0 to 10, got -3");
    EXPECT_EQ(e.path(), "$.n");
  }
  // The type is still checked inside the range.
  EXPECT_THROW(json_in_range<int>(nlohmann::json(2.5), "$.n", 0, 10), ScenarioError);
  EXPECT_THROW(json_in_range<int>(nlohmann::json("3"), "$.n", 0, 10), ScenarioError);
}

TEST(ScenarioSizes, AcceptGibNumbersAndUnits) {
  const std::uint64_t max = std::uint64_t{1} << 50;
  EXPECT_EQ(json_size_bytes(nlohmann::json(400), "$.s", 1, max), 400ull << 30);
  EXPECT_EQ(json_size_bytes(nlohmann::json(0.5), "$.s", 1, max), 512ull << 20);
  EXPECT_EQ(json_size_bytes(nlohmann::json("800GB"), "$.s", 1, max), 800'000'000'000ull);
  EXPECT_EQ(json_size_bytes(nlohmann::json("1.6TB"), "$.s", 1, max), 1'600'000'000'000ull);
  EXPECT_EQ(json_size_bytes(nlohmann::json("4KiB"), "$.s", 1, max), 4096u);
  EXPECT_EQ(json_size_bytes(nlohmann::json("512 MiB"), "$.s", 1, max), 512ull << 20);
  EXPECT_EQ(json_size_bytes(nlohmann::json("2"), "$.s", 1, max), 2ull << 30);  // GiB
  EXPECT_EQ(parse_size_text("1TiB"), 1ull << 40);
  EXPECT_EQ(json_size_bytes(nlohmann::json(0.1), "$.s", 1, max), 107374182u);  // rounded down
  EXPECT_EQ(parse_size_text("1.5B"), 1u);
  EXPECT_EQ(parse_size_text("0.3GB"), 300'000'000u);  // 0.3 * 1e9 is just below, as a double
}

TEST(ScenarioSizes, BadSizesNameThePathAndTheProblem) {
  const std::uint64_t max = std::uint64_t{1} << 50;
  auto message = [&](const nlohmann::json& v) {
    try {
      json_size_bytes(v, "$.s", 1, max);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("12XB").find("$.s: '12XB' is not a size"), std::string::npos);
  EXPECT_NE(message("inf").find("is not a size"), std::string::npos);
  EXPECT_NE(message("-4KiB").find("is not a size"), std::string::npos);
  EXPECT_NE(message("2PiB").find("must be from 1 B to 1.0 PiB"), std::string::npos);
  EXPECT_NE(message(true).find("expected a size"), std::string::npos);
}

TEST(ScenarioSizes, ScenarioSizesTakeUnits) {
  nlohmann::json doc = example();
  doc["cluster"]["hosts"][0]["flash"][0]["capacity_gib"] = "800GB";
  doc["vms"][0]["disks"][0]["size_gib"] = "1TiB";
  doc["array"]["nvram_gib"] = "4GiB";
  const Scenario s = parse_scenario(doc);
  EXPECT_EQ(s.cluster.hosts[0].flash[0].capacity_gib * 0x1p30, 800e9);
  EXPECT_EQ(s.vms[0].disks[0].workload.synthetic.disk_bytes, 1ull << 40);
  EXPECT_EQ(s.array.nvram_bytes, 4ull << 30);
  // A disk is a whole number of MiB: 800 GB is not.
  doc["vms"][0]["disks"][0]["size_gib"] = "800GB";
  EXPECT_EQ(error_of(doc),
            "$.vms[0].disks[0].size_gib: must be a whole number of MiB, got 800000000000 bytes");
}

TEST(ScenarioTraces, AnEmptyTraceIsBadInput) {
  nlohmann::json doc = example();
  const std::string trace = ::testing::TempDir() + "/scenario_empty_trace.csv";
  std::ofstream(trace) << "time_us,op,offset,length\n";
  doc["vms"][0]["disks"][0]["workload"] = {{"trace", trace}};
  EXPECT_NE(error_of(doc).find("$.vms[0].disks[0].workload.trace: " + trace +
                               ": no requests in the trace"),
            std::string::npos)
      << error_of(doc);
}

}  // namespace
}  // namespace flashtwin::sim
