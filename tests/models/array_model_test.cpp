// Array presets, validation and the backend latency under load (M/M/1 per backend server).
#include "flashtwin/models/array_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace flashtwin::models {
namespace {

TEST(ArrayPresets, EveryPresetIsValidAndFoundByItsName) {
  const auto names = array_preset_names();
  ASSERT_GE(names.size(), 2u);
  for (const std::string& name : names) {
    EXPECT_EQ(array_preset(name).name, name);
    EXPECT_NO_THROW(validate(array_preset(name))) << name;
  }
  const ArrayProfile& hybrid = array_preset("hybrid-10k");
  const ArrayProfile& flash = array_preset("all-flash");
  EXPECT_GT(hybrid.nvram_bytes, 0u);
  EXPECT_LT(hybrid.backend_iops, flash.backend_iops);
  EXPECT_GT(hybrid.backend_base_latency_us, flash.backend_base_latency_us);
}

TEST(ArrayPresets, UnknownNameErrorListsEveryKnownName) {
  try {
    array_preset("tape-library");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("tape-library"), std::string::npos) << message;
    for (const std::string& name : array_preset_names()) {
      EXPECT_NE(message.find(name), std::string::npos) << message;
    }
  }
}

TEST(ArrayProfileValidation, NamesTheArrayAndTheField) {
  ArrayProfile p = array_preset("all-flash");
  p.backend_iops = 0;
  try {
    validate(p);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "array 'all-flash': backend_iops: must be finite and > 0, got 0");
  }
}

TEST(ArrayBackendLatency, IsBaseLatencyUnloadedAndFollowsTheMM1Formula) {
  const ArrayProfile& p = array_preset("hybrid-10k");
  EXPECT_DOUBLE_EQ(backend_latency_us(p, 0), p.backend_base_latency_us);
  EXPECT_DOUBLE_EQ(backend_latency_us(p, 0.5 * p.backend_iops), 2 * p.backend_base_latency_us);
  EXPECT_NEAR(backend_latency_us(p, 0.9 * p.backend_iops), 10 * p.backend_base_latency_us, 1e-6);
}

TEST(ArrayBackendLatency, RisesWithLoadAndIsFiniteBelowTheCeiling) {
  for (const std::string& name : array_preset_names()) {
    const ArrayProfile& p = array_preset(name);
    double previous = 0;
    for (double fraction = 0; fraction < 1.0; fraction += 0.01) {
      const double latency = backend_latency_us(p, fraction * p.backend_iops);
      EXPECT_TRUE(std::isfinite(latency)) << name << " at " << fraction;
      EXPECT_GT(latency, previous) << name << " at " << fraction;
      previous = latency;
    }
    EXPECT_TRUE(std::isfinite(backend_latency_us(p, 0.999999 * p.backend_iops)));
    EXPECT_TRUE(std::isinf(backend_latency_us(p, p.backend_iops)));
    EXPECT_TRUE(std::isinf(backend_latency_us(p, 2 * p.backend_iops)));
  }
}

TEST(ArrayBackendLatency, RejectsNegativeOrNanLoad) {
  const ArrayProfile& p = array_preset("all-flash");
  EXPECT_THROW(backend_latency_us(p, -1), std::invalid_argument);
  EXPECT_THROW(backend_latency_us(p, std::nan("")), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::models
