// Device presets, validation, the closed-form I/O time and the GC slowdown rule.
#include "flashtwin/models/device_model.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace flashtwin::models {
namespace {

DeviceProfile gc_device() {
  return {.name = "gc-test",
          .read_latency_us = 50,
          .write_latency_us = 20,
          .read_mbps = 1000,
          .write_mbps = 400,
          .queue_depth = 8,
          .is_volatile = false,
          .gc = {.onset_utilisation = 0.5,
                 .recovery_utilisation = 0.2,
                 .write_bandwidth_factor = 0.4,
                 .window_s = 2.0}};
}

// Bytes that make the window's write utilisation exactly `u` for gc_device().
std::uint64_t bytes_at(double u) {
  return static_cast<std::uint64_t>(u * 400e6 * 2.0);
}

TEST(DevicePresets, EveryPresetIsValidAndFoundByItsName) {
  const auto names = device_preset_names();
  ASSERT_GE(names.size(), 4u);
  for (const std::string& name : names) {
    const DeviceProfile& p = device_preset(name);
    EXPECT_EQ(p.name, name);
    EXPECT_NO_THROW(validate(p)) << name;
  }
  for (const char* name : {"sata-ssd-960g", "nvme-1.6t", "nvme-optane-375g", "ram"}) {
    EXPECT_NO_THROW(device_preset(name)) << name;
  }
  EXPECT_TRUE(device_preset("ram").is_volatile);
  EXPECT_FALSE(device_preset("nvme-1.6t").is_volatile);
  EXPECT_LT(device_preset("ram").read_latency_us,
            device_preset("nvme-optane-375g").read_latency_us);
}

TEST(DevicePresets, UnknownNameErrorListsEveryKnownName) {
  try {
    device_preset("floppy");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("floppy"), std::string::npos) << message;
    for (const std::string& name : device_preset_names()) {
      EXPECT_NE(message.find(name), std::string::npos) << message;
    }
  }
}

TEST(DeviceProfileValidation, NamesTheDeviceAndTheField) {
  DeviceProfile p = gc_device();
  p.read_mbps = -1;
  try {
    validate(p);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "device 'gc-test': read_mbps: must be finite and > 0, got -1");
  }
  p = gc_device();
  p.queue_depth = 0;
  EXPECT_THROW(validate(p), std::invalid_argument);
  p = gc_device();
  p.gc.recovery_utilisation = 0.45;  // above the slowdown factor: GC would flap
  EXPECT_THROW(validate(p), std::invalid_argument);
  p = gc_device();
  p.gc.write_bandwidth_factor = 0;
  EXPECT_THROW(validate(p), std::invalid_argument);
}

TEST(DeviceTiming, IoTimeIsLatencyPlusSizeOverBandwidth) {
  const DeviceProfile p = gc_device();
  EXPECT_DOUBLE_EQ(io_time_s(p, DeviceOp::read, 0), 50e-6);
  EXPECT_DOUBLE_EQ(io_time_s(p, DeviceOp::read, 1'000'000), 50e-6 + 1e-3);
  EXPECT_DOUBLE_EQ(io_time_s(p, DeviceOp::write, 4'000'000), 20e-6 + 1e-2);
}

TEST(GarbageCollection, StaysOffAtOrBelowOnset) {
  GarbageCollection gc(gc_device());
  EXPECT_DOUBLE_EQ(gc.end_window(bytes_at(0.3)), 400);
  EXPECT_DOUBLE_EQ(gc.end_window(bytes_at(0.5)), 400);
  EXPECT_FALSE(gc.collecting());
}

TEST(GarbageCollection, StartsAboveOnsetAndCutsWriteBandwidthByTheFactor) {
  GarbageCollection gc(gc_device());
  EXPECT_DOUBLE_EQ(gc.end_window(bytes_at(0.6)), 400 * 0.4);
  EXPECT_TRUE(gc.collecting());
  EXPECT_DOUBLE_EQ(gc.write_mbps(), 160);
}

TEST(GarbageCollection, SaturatedSlowDeviceKeepsCollectingThenRecoversBelowRecovery) {
  GarbageCollection gc(gc_device());
  gc.end_window(bytes_at(0.9));
  // Writes saturate the slowed device (u = factor) or stay moderate: GC goes on.
  EXPECT_DOUBLE_EQ(gc.end_window(bytes_at(0.4)), 160);
  EXPECT_DOUBLE_EQ(gc.end_window(bytes_at(0.25)), 160);
  EXPECT_TRUE(gc.collecting());
  // Load falls below the recovery utilisation: full speed again.
  EXPECT_DOUBLE_EQ(gc.end_window(bytes_at(0.1)), 400);
  EXPECT_FALSE(gc.collecting());
}

TEST(GarbageCollection, PresetsWithoutSlowdownNeverSlowDown) {
  for (const char* name : {"ram", "nvme-optane-375g"}) {
    const DeviceProfile& p = device_preset(name);
    GarbageCollection gc(p);
    const auto full_window = static_cast<std::uint64_t>(p.write_mbps * 1e6 * p.gc.window_s);
    EXPECT_DOUBLE_EQ(gc.end_window(full_window), p.write_mbps) << name;
  }
  const DeviceProfile& sata = device_preset("sata-ssd-960g");
  GarbageCollection gc(sata);
  const auto full_window = static_cast<std::uint64_t>(sata.write_mbps * 1e6 * sata.gc.window_s);
  EXPECT_LT(gc.end_window(full_window), sata.write_mbps);
}

}  // namespace
}  // namespace flashtwin::models
