// JUnit XML: what junit_xml writes reads back equal, with counts CI systems read, and text that
// would break XML escaped.
#include "flashtwin/sim/junit_report.hpp"

#include <gtest/gtest.h>

namespace flashtwin::sim {
namespace {

TEST(JunitReport, WritesAndReadsBack) {
  std::vector<JunitSuite> suites{
      {"scenarios/a.json",
       12.5,
       {{"run", 12.5, std::nullopt, std::nullopt},
        {"expectation p99_latency_ms_max = 2", 0, "p99 latency 3.1 ms exceeds 2 ms <\"&'>",
         std::nullopt}}},
      {"scenarios/b & c.json", 0, {{"run", 0, std::nullopt, "exit status 139\nsee run.log"}}}};
  const std::string xml = junit_xml("flashtwin ci", suites);
  EXPECT_NE(xml.find("<testsuites name=\"flashtwin ci\" tests=\"3\" failures=\"1\" errors=\"1\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"scenarios/b &amp; c.json\" tests=\"1\" failures=\"0\" errors=\"1\""),
            std::string::npos);
  EXPECT_EQ(xml.find("<\"&'>"), std::string::npos);  // escaped
  const std::vector<JunitSuite> back = read_junit(xml);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].name, "scenarios/a.json");
  EXPECT_DOUBLE_EQ(back[0].time_s, 12.5);
  ASSERT_EQ(back[0].cases.size(), 2u);
  EXPECT_FALSE(back[0].cases[0].failure);
  EXPECT_EQ(back[0].cases[1].name, "expectation p99_latency_ms_max = 2");
  EXPECT_EQ(back[0].cases[1].failure,
            std::optional<std::string>("p99 latency 3.1 ms exceeds 2 ms <\"&'>"));
  EXPECT_EQ(back[1].name, "scenarios/b & c.json");
  EXPECT_EQ(back[1].cases[0].error, std::optional<std::string>("exit status 139\nsee run.log"));
}

TEST(JunitReport, RefusesWhatItDidNotWrite) {
  EXPECT_THROW(read_junit("<testsuites><testsuite name=\"x\"><property/></testsuite>"),
               std::invalid_argument);
  EXPECT_THROW(read_junit("<testsuites>"), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::sim
