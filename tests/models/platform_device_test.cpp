// A device I/O alone on its device takes exactly latency + size / bandwidth, for reads and
// writes (one Engine per TEST: see platform_test_engine.hpp).
#include "platform_test_engine.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace flashtwin::models {
namespace {

constexpr double kRelative = 1e-9;

PlatformSpec one_host_with(const DeviceProfile& profile) {
  PlatformSpec spec;
  SingleSwitchSpec single;
  single.hosts = {{"esx1", "r1"}};
  spec.topology = make_single_switch(single);
  spec.array = array_preset("hybrid-10k");
  spec.devices.push_back({.host = "esx1", .name = "dev0", .profile = profile});
  return spec;
}

struct Measured {
  DeviceOp op;
  std::uint64_t bytes;
  double duration_s;
};

// Runs the I/Os one after another (each started from the previous one's completion, so each is
// alone on the device) and returns their measured durations.
std::vector<Measured> run_one_at_a_time(const DeviceProfile& profile,
                                        const std::vector<std::uint64_t>& sizes) {
  testing::QuietEngine engine;
  const SimPlatform platform = build_platform(one_host_with(profile));
  const SimDevice& device = platform.device("esx1", "dev0");
  CommStarter comms;
  std::vector<Measured> plan;
  for (std::uint64_t bytes : sizes) {
    plan.push_back({DeviceOp::read, bytes, 0});
    plan.push_back({DeviceOp::write, bytes, 0});
  }
  std::size_t next = 0;
  std::function<void()> start_next = [&] {
    if (next == plan.size()) return;
    Measured& m = plan[next++];
    comms.start_device_io(device, m.op, m.bytes, [&m, &start_next](const CommResult& r) {
      EXPECT_TRUE(r.ok);
      m.duration_s = r.finish_s - r.start_s;
      start_next();
    });
  };
  start_next();
  engine->run();
  EXPECT_EQ(next, plan.size());
  EXPECT_EQ(comms.in_flight(), 0u);
  return plan;
}

void expect_closed_form(const DeviceProfile& profile) {
  const std::vector<std::uint64_t> sizes = {1, 512, 4096, 65536, 1 << 20, 16 << 20, 1'000'000'000};
  for (const Measured& m : run_one_at_a_time(profile, sizes)) {
    const double expected = io_time_s(profile, m.op, m.bytes);
    EXPECT_NEAR(m.duration_s, expected, kRelative * expected)
        << profile.name << (m.op == DeviceOp::read ? " read " : " write ") << m.bytes << " B";
  }
}

TEST(PlatformDevice, NvmeIoTakesLatencyPlusSizeOverBandwidth) {
  expect_closed_form(device_preset("nvme-1.6t"));
}

TEST(PlatformDevice, SataIoTakesLatencyPlusSizeOverBandwidth) {
  expect_closed_form(device_preset("sata-ssd-960g"));
}

TEST(PlatformDevice, RamIoTakesLatencyPlusSizeOverBandwidth) {
  expect_closed_form(device_preset("ram"));
}

TEST(PlatformDevice, WriteLinkBandwidthChangeAppliesTheGcSlowdown) {
  testing::QuietEngine engine;
  const DeviceProfile& profile = device_preset("nvme-1.6t");
  const SimPlatform platform = build_platform(one_host_with(profile));
  const SimDevice& device = platform.device("esx1", "dev0");
  const double slowed_mbps = profile.write_mbps * profile.gc.write_bandwidth_factor;
  device.write->set_bandwidth(slowed_mbps * 1e6);
  CommStarter comms;
  double duration = 0;
  comms.start_device_io(device, DeviceOp::write, 1 << 20,
                        [&](const CommResult& r) { duration = r.finish_s - r.start_s; });
  engine->run();
  const double expected = profile.write_latency_us * 1e-6 + (1 << 20) / (slowed_mbps * 1e6);
  EXPECT_NEAR(duration, expected, kRelative * expected);
}

TEST(PlatformDevice, ConcurrentIosShareTheDeviceBandwidth) {
  // Two 1 MB writes started together on a device with queue depth >= 2 share its bandwidth: both
  // end at latency + 2 MB / bandwidth.
  testing::QuietEngine engine;
  const DeviceProfile& profile = device_preset("sata-ssd-960g");
  const SimPlatform platform = build_platform(one_host_with(profile));
  const SimDevice& device = platform.device("esx1", "dev0");
  CommStarter comms;
  std::vector<double> finish;
  for (int i = 0; i < 2; ++i) {
    comms.start_device_io(device, DeviceOp::write, 1'000'000,
                          [&](const CommResult& r) { finish.push_back(r.finish_s); });
  }
  engine->run();
  const double expected = io_time_s(profile, DeviceOp::write, 2'000'000);
  ASSERT_EQ(finish.size(), 2u);
  for (double f : finish)
    EXPECT_NEAR(f, expected, kRelative * expected);
}

TEST(PlatformDevice, BadSpecIsRejectedBeforeSimGridSeesIt) {
  testing::QuietEngine engine;
  PlatformSpec spec = one_host_with(device_preset("ram"));
  spec.devices[0].host = "esx9";
  EXPECT_THROW(build_platform(spec), std::invalid_argument);
  spec = one_host_with(device_preset("ram"));
  spec.array.reset();
  EXPECT_THROW(build_platform(spec), std::invalid_argument);
  spec = one_host_with(device_preset("ram"));
  spec.devices.push_back(spec.devices[0]);
  EXPECT_THROW(build_platform(spec), std::invalid_argument);
}

}  // namespace
}  // namespace flashtwin::models
