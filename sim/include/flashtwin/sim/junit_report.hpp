// JUnit XML for CI systems (`flashtwin ci`, docs/SWEEPS.md "CI mode"): one test suite per
// scenario, one test case per check (the run itself, consistency, each stated expectation).
// Part of flashtwin_documents.
//
// Contract: junit_xml writes the common JUnit schema (testsuites > testsuite > testcase with
// <failure message=...> or <error message=...>), every attribute and text escaped; read_junit
// reads back what junit_xml writes (not arbitrary XML) and throws std::invalid_argument for
// anything else.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

struct JunitCase {
  std::string name;
  double time_s = 0;
  std::optional<std::string> failure;  // the check ran and did not hold
  std::optional<std::string> error;    // the check could not run (the run crashed)
};

struct JunitSuite {
  std::string name;
  double time_s = 0;
  std::vector<JunitCase> cases;
};

std::string junit_xml(const std::string& name, const std::vector<JunitSuite>& suites);
std::vector<JunitSuite> read_junit(const std::string& xml);

}  // namespace flashtwin::sim
