// Device presets and validation, and what the queue model does beyond the datasheet points:
// reads wait behind sustained writes (shared channels), write cost follows how full and how
// overwritten the device is, large reads stripe over channels, queue depth is kept, a RAM tier is
// sub-microsecond, and a cache larger than its device is refused.
#include "flashtwin/models/device_model.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t k4KiB = 4096;
constexpr std::uint64_t kMiB = 1 << 20;

TEST(DevicePresets, EveryPresetIsValidAndFoundByItsName) {
  const auto names = device_preset_names();
  ASSERT_GE(names.size(), 5u);
  for (const std::string& name : names) {
    EXPECT_EQ(device_preset(name).name, name);
    EXPECT_NO_THROW(validate(device_preset(name))) << name;
  }
  EXPECT_TRUE(device_preset("ram").is_volatile);
  EXPECT_FALSE(device_preset("nvme-1.6t").is_volatile);
}

TEST(DevicePresets, UnknownNameErrorListsEveryKnownName) {
  try {
    device_preset("floppy");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "unknown device preset 'floppy'; known presets: nvme-1.6t, nvme-optane-375g, "
                 "nvme-p4500-1t, ram, sata-ssd-960g");
  }
}

TEST(DeviceProfileValidation, NamesTheDeviceAndTheField) {
  DeviceProfile p = device_preset("nvme-1.6t");
  p.read_iops = -1;
  try {
    validate(p);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "device 'nvme-1.6t': read_iops: must be finite and > 0, got -1");
  }
}

TEST(DeviceProfileValidation, RefusesChannelsTheReadFiguresCannotHold) {
  DeviceProfile p = device_preset("sata-ssd-960g");
  p.channels = 64;  // 64 / 72,000 s = 889 us per 4 KiB read, longer than 110 us
  try {
    validate(p);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("channels: too many"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("use at most 7"), std::string::npos) << e.what();
  }
}

TEST(FlashDevice, ACacheLargerThanTheDeviceIsAnErrorNamingBoth) {
  EventLoop loop;
  const DeviceProfile& p = device_preset("sata-ssd-960g");
  try {
    FlashDevice device(p, 2'000'000'000'000, loop);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "device 'sata-ssd-960g': the cache asks for 2000000000000 bytes, more than its "
                 "capacity of 960000000000 bytes");
  }
}

TEST(WriteAmplification, FollowsHowFullTheDeviceIs) {
  const DeviceProfile& p = device_preset("nvme-p4500-1t");  // 7 % spare
  EXPECT_NEAR(write_amplification(p, p.capacity_bytes), 1.07 / 0.07, 1e-9);
  EXPECT_NEAR(write_amplification(p, p.capacity_bytes / 2), 1.0 / (1.0 - 0.5 / 1.07), 1e-9);
  EXPECT_EQ(write_amplification(device_preset("nvme-optane-375g"), 1), 1.0);
}

// 4 KiB random write IOPS at queue depth 32 over `window_s` after `warmup_s`.
double write_iops(const DeviceProfile& p, std::uint64_t used, bool preconditioned, double warmup_s,
                  double window_s = 0.3) {
  EventLoop loop;
  FlashDevice device(p, used, loop, preconditioned);
  std::uint64_t counted = 0;
  const double end_s = warmup_s + window_s;
  std::function<void()> issue = [&] {
    device.submit(DeviceOp::write, k4KiB, [&] {
      if (loop.now_s() > warmup_s) ++counted;
      if (loop.now_s() < end_s) issue();
    });
  };
  for (int i = 0; i < 32; ++i)
    issue();
  loop.run_until(end_s);
  return static_cast<double>(counted) / window_s;
}

TEST(FlashDevice, ACacheUsingHalfTheDeviceWritesFasterByTheRatioOfWriteAmplifications) {
  const DeviceProfile& p = device_preset("nvme-p4500-1t");
  const double full = write_iops(p, p.capacity_bytes, true, 1.5);
  const double half = write_iops(p, p.capacity_bytes / 2, true, 1.5);
  const double expected_ratio =
      write_amplification(p, p.capacity_bytes) / write_amplification(p, p.capacity_bytes / 2);
  EXPECT_NEAR(half / full, expected_ratio, 0.05 * expected_ratio);
}

// A fresh device has clean blocks: writes go at write amplification 1 until it has written its
// physical capacity once, then fall to the steady state.
TEST(FlashDevice, AFreshDeviceWritesFastUntilItHasBeenOverwrittenOnce) {
  DeviceProfile p = device_preset("nvme-p4500-1t");
  p.capacity_bytes = 64 * kMiB;  // small, to overwrite it quickly
  const double steady = write_iops(p, p.capacity_bytes, true, 1.5);
  // 68.5 MiB of physical flash: ~17,500 page writes before the first clean.
  const double fresh_early = write_iops(p, p.capacity_bytes, false, 0.002, 0.02);
  EXPECT_GT(fresh_early, 5 * steady);
  const double fresh_late = write_iops(p, p.capacity_bytes, false, 3.0);
  EXPECT_NEAR(fresh_late, steady, 0.05 * steady);
}

// Reads alone at QD1 vs while a queue-depth-32 write stream keeps the write buffer full: then
// programs go first on the shared channels and every read waits behind them.
TEST(FlashDevice, SustainedWritesSlowReadsOnTheSharedChannels) {
  const DeviceProfile& p = device_preset("nvme-p4500-1t");
  auto mean_read_s = [&](bool with_writes) {
    EventLoop loop;
    FlashDevice device(p, p.capacity_bytes, loop);
    std::function<void()> writer = [&] {
      device.submit(DeviceOp::write, k4KiB, [&] {
        if (loop.now_s() < 2.0) writer();
      });
    };
    if (with_writes) {
      for (int i = 0; i < 32; ++i)
        writer();
    }
    double total = 0;
    int reads = 0;
    std::function<void()> reader = [&] {
      const double at = loop.now_s();
      device.submit(DeviceOp::read, k4KiB, [&, at] {
        if (at > 1.0) {
          total += loop.now_s() - at;
          ++reads;
        }
        if (loop.now_s() < 2.0) reader();
      });
    };
    reader();
    loop.run_until(2.0);
    return total / reads;
  };
  const double alone = mean_read_s(false);
  const double busy = mean_read_s(true);
  EXPECT_NEAR(alone * 1e6, p.read_latency_us, 1e-6);
  EXPECT_GT(busy, 2 * alone);
}

TEST(FlashDevice, LargeReadsStripeOverTheChannels) {
  const DeviceProfile& p = device_preset("nvme-1.6t");  // 32 channels, 3200 MB/s
  EventLoop loop;
  FlashDevice device(p, p.capacity_bytes, loop);
  double done_at = -1;
  device.submit(DeviceOp::read, 1 * kMiB, [&] { done_at = loop.now_s(); });
  loop.run();
  // Controller time + one part of 1 MiB / 32 on each channel at 100 MB/s.
  const double page_s = 32.0 / 643'000;
  const double controller_s = 77e-6 - page_s;
  const double part_fixed_s = page_s - 4096.0 / 100e6;
  EXPECT_NEAR(done_at, controller_s + part_fixed_s + (1.0 * kMiB / 32) / 100e6, 1e-12);
  const DeviceLoad load = device.load();
  EXPECT_EQ(load.reads, 1u);
  EXPECT_EQ(load.bytes_read, kMiB);
}

TEST(FlashDevice, KeepsAtMostQueueDepthCommandsOutstanding) {
  DeviceProfile p = device_preset("sata-ssd-960g");
  p.queue_depth = 1;
  EventLoop loop;
  FlashDevice device(p, p.capacity_bytes, loop);
  std::vector<double> done;
  for (int i = 0; i < 3; ++i)
    device.submit(DeviceOp::read, k4KiB, [&] { done.push_back(loop.now_s()); });
  loop.run();
  ASSERT_EQ(done.size(), 3u);
  EXPECT_NEAR(done[0], 110e-6, 1e-12);
  EXPECT_NEAR(done[1], 220e-6, 1e-12);  // one at a time, latency included
  EXPECT_NEAR(done[2], 330e-6, 1e-12);
}

TEST(FlashDevice, RamTierIsSubMicrosecond) {
  const DeviceProfile& p = device_preset("ram");
  EventLoop loop;
  FlashDevice device(p, p.capacity_bytes / 2, loop);
  double read_done = -1;
  device.submit(DeviceOp::read, k4KiB, [&] { read_done = loop.now_s(); });
  loop.run();
  EXPECT_LT(read_done, 1e-6);
  double write_done = -1;
  const double start = loop.now_s();
  device.submit(DeviceOp::write, k4KiB, [&] { write_done = loop.now_s() - start; });
  loop.run();
  EXPECT_LT(write_done, 1e-6);
}

}  // namespace
}  // namespace flashtwin::models
