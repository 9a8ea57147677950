// Strict inputs: every invalid setting of SyntheticWorkload throws std::invalid_argument whose
// message starts with the name of the bad field.
#include "collect_requests.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace flashtwin::models {
namespace {

using testing::small_workload;

struct InvalidCase {
  std::string field;  // the message must start with "<field>:"
  std::function<void(SyntheticWorkload&)> spoil;
};

std::string rejection_message(const SyntheticWorkload& workload) {
  try {
    make_synthetic_stream(workload);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(SyntheticWorkloadValidation, EachInvalidSettingNamesItsField) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::vector<InvalidCase> cases = {
      {"disk_bytes", [](SyntheticWorkload& w) { w.disk_bytes = 0; }},
      {"disk_bytes", [](SyntheticWorkload& w) { w.disk_bytes = 4096 * 10 + 512; }},
      {"alignment_bytes", [](SyntheticWorkload& w) { w.alignment_bytes = 256; }},
      {"alignment_bytes", [](SyntheticWorkload& w) { w.alignment_bytes = 3072; }},
      {"alignment_bytes", [](SyntheticWorkload& w) { w.alignment_bytes = 0; }},
      {"pattern", [](SyntheticWorkload& w) { w.pattern = static_cast<AddressPattern>(9); }},
      {"zipf_theta", [](SyntheticWorkload& w) { w.zipf_theta = 0; }},
      {"zipf_theta", [](SyntheticWorkload& w) { w.zipf_theta = -0.5; }},
      {"zipf_theta", [=](SyntheticWorkload& w) { w.zipf_theta = kNan; }},
      {"zipf_theta", [=](SyntheticWorkload& w) { w.zipf_theta = kInf; }},
      {"hot_fraction", [](SyntheticWorkload& w) { w.hot_fraction = 0; }},
      {"hot_fraction", [](SyntheticWorkload& w) { w.hot_fraction = 1; }},
      {"hot_fraction",
       [](SyntheticWorkload& w) {
         w.pattern = AddressPattern::hot_set;
         w.hot_fraction = 0.00001;  // 0 hot blocks of 10000
       }},
      {"hot_fraction",
       [](SyntheticWorkload& w) {
         w.pattern = AddressPattern::hot_set;
         w.hot_fraction = 0.99999;  // no cold block
       }},
      {"hot_access_fraction", [](SyntheticWorkload& w) { w.hot_access_fraction = 1.5; }},
      {"hot_access_fraction", [=](SyntheticWorkload& w) { w.hot_access_fraction = kNan; }},
      {"start_offset_bytes", [](SyntheticWorkload& w) { w.start_offset_bytes = 100; }},
      {"start_offset_bytes", [](SyntheticWorkload& w) { w.start_offset_bytes = w.disk_bytes; }},
      {"read_ratio", [](SyntheticWorkload& w) { w.read_ratio = -0.1; }},
      {"read_ratio", [=](SyntheticWorkload& w) { w.read_ratio = kNan; }},
      {"size_mix", [](SyntheticWorkload& w) { w.size_mix.clear(); }},
      {"size_mix[1].length_bytes",
       [](SyntheticWorkload& w) {
         w.size_mix = {{4096, 1}, {0, 1}};
       }},
      {"size_mix[0].length_bytes",
       [](SyntheticWorkload& w) {
         w.size_mix = {{6000, 1}};
       }},
      {"size_mix[0].length_bytes",
       [](SyntheticWorkload& w) {
         w.size_mix = {{w.disk_bytes + 4096, 1}};
       }},
      {"size_mix[0].weight",
       [](SyntheticWorkload& w) {
         w.size_mix = {{4096, 0}};
       }},
      {"size_mix[0].weight",
       [](SyntheticWorkload& w) {
         w.size_mix = {{4096, -1}};
       }},
      {"size_mix[0].weight",
       [=](SyntheticWorkload& w) {
         w.size_mix = {{4096, kInf}};
       }},
      {"arrivals", [](SyntheticWorkload& w) { w.arrivals = static_cast<ArrivalKind>(5); }},
      {"iops", [](SyntheticWorkload& w) { w.iops = 0; }},
      {"iops", [=](SyntheticWorkload& w) { w.iops = kInf; }},
      {"burst_on_s", [](SyntheticWorkload& w) { w.burst_on_s = -1; }},
      {"burst_on_s", [](SyntheticWorkload& w) { w.burst_off_s = 1; }},
      {"burst_off_s", [](SyntheticWorkload& w) { w.burst_on_s = 1; }},
      {"burst_off_s",
       [=](SyntheticWorkload& w) {
         w.burst_on_s = 1;
         w.burst_off_s = kNan;
       }},
      {"burst_off_rate_factor", [](SyntheticWorkload& w) { w.burst_off_rate_factor = 1.5; }},
      {"duration_s", [](SyntheticWorkload& w) { w.duration_s = -1; }},
      {"duration_s", [=](SyntheticWorkload& w) { w.duration_s = kInf; }},
      {"max_requests, duration_s", [](SyntheticWorkload& w) { w.max_requests = 0; }},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SyntheticWorkload workload = small_workload();
    cases[i].spoil(workload);
    const std::string message = rejection_message(workload);
    EXPECT_EQ(message.rfind(cases[i].field + ":", 0), 0U)
        << "case " << i << ": expected a message starting with '" << cases[i].field << ":', got '"
        << message << "'";
  }
}

TEST(SyntheticWorkloadValidation, MessageSaysRuleAndValue) {
  SyntheticWorkload workload = small_workload();
  workload.read_ratio = 1.5;
  EXPECT_EQ(rejection_message(workload), "read_ratio: must be in [0, 1], got 1.5");
  workload = small_workload();
  workload.size_mix = {{4096, 1}, {1000, 1}};
  EXPECT_EQ(rejection_message(workload),
            "size_mix[1].length_bytes: must be a multiple of alignment_bytes (4096), got 1000");
}

TEST(SyntheticWorkloadValidation, EdgesOfValidRangesAreAccepted) {
  SyntheticWorkload workload = small_workload();
  workload.read_ratio = 1.0;
  workload.hot_access_fraction = 0.0;
  workload.burst_off_rate_factor = 1.0;
  workload.burst_on_s = 1e-9;
  workload.burst_off_s = 1e-9;
  workload.alignment_bytes = 512;
  workload.zipf_theta = 1.0;
  workload.size_mix = {{workload.disk_bytes, 1}};
  EXPECT_NO_THROW(validate(workload));
  workload.max_requests = 0;
  workload.duration_s = 1;
  EXPECT_NO_THROW(validate(workload));
}

}  // namespace
}  // namespace flashtwin::models
