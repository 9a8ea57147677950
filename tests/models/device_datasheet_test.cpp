// Every flash preset, run as queues, reproduces its datasheet (../shared/DEVICE_FACTS.md and the
// sources cited in models/src/device_model.cpp): 4 KiB random read and write latency at queue
// depth 1, and 4 KiB random read and write IOPS at high queue depth in steady state, within 5 %.
// The figures below are copied from the sheets, not from the presets, so a preset or a model
// change that drifts from the sheet fails here.
#include "flashtwin/models/device_model.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t k4KiB = 4096;

struct Sheet {
  const char* preset;
  double read_latency_us;     // 4 KiB random, QD1
  double write_latency_us;    // 4 KiB random, QD1
  double read_iops;           // 4 KiB random, high QD
  double write_iops;          // 4 KiB random, high QD, steady state
  std::uint32_t queue_depth;  // at which the IOPS are measured here
};

const Sheet kSheets[] = {
    // Intel DC S4500 960 GB: QD32 IOPS, typical random latency (DEVICE_FACTS.md).
    {"sata-ssd-960g", 110, 52, 72'000, 33'000, 32},
    // Intel DC P4610 1.6 TB product brief (IOPS at high queue depth: 128 here).
    {"nvme-1.6t", 77, 18, 643'000, 199'000, 128},
    // Intel DC P4500 1.0 TB: QD32 IOPS (DEVICE_FACTS.md).
    {"nvme-p4500-1t", 85, 20, 279'500, 30'500, 32},
    // Intel Optane DC P4800X 375 GB: read IOPS at QD16, < 10 us latency (AnandTech: 8.9 us read).
    {"nvme-optane-375g", 8.9, 10, 550'000, 500'000, 16},
};

void PrintTo(const Sheet& sheet, std::ostream* out) {
  *out << sheet.preset;
}

// Mean latency of `count` I/Os issued one after another (queue depth 1), seconds.
double qd1_latency_s(const DeviceProfile& p, DeviceOp op, int count) {
  EventLoop loop;
  FlashDevice device(p, p.capacity_bytes, loop);
  double total = 0;
  int left = count;
  std::function<void()> issue = [&] {
    const double at = loop.now_s();
    device.submit(op, k4KiB, [&, at] {
      total += loop.now_s() - at;
      if (--left > 0) issue();
    });
  };
  issue();
  loop.run();
  return total / count;
}

// I/Os per second with `depth` I/Os always outstanding, counted from `warmup_s` to `end_s`.
double iops_at_depth(const DeviceProfile& p, std::uint64_t used_bytes, DeviceOp op,
                     std::uint32_t depth, double warmup_s, double end_s) {
  EventLoop loop;
  FlashDevice device(p, used_bytes, loop);
  std::uint64_t counted = 0;
  std::function<void()> issue = [&] {
    device.submit(op, k4KiB, [&] {
      if (loop.now_s() > warmup_s) ++counted;
      if (loop.now_s() < end_s) issue();
    });
  };
  for (std::uint32_t i = 0; i < depth; ++i)
    issue();
  loop.run_until(end_s);
  return static_cast<double>(counted) / (end_s - warmup_s);
}

class DeviceDatasheet : public ::testing::TestWithParam<Sheet> {};

TEST_P(DeviceDatasheet, QueueDepthOneLatenciesMatchTheSheet) {
  const Sheet& sheet = GetParam();
  const DeviceProfile& p = device_preset(sheet.preset);
  EXPECT_NEAR(qd1_latency_s(p, DeviceOp::read, 1000) * 1e6, sheet.read_latency_us,
              0.05 * sheet.read_latency_us);
  EXPECT_NEAR(qd1_latency_s(p, DeviceOp::write, 1000) * 1e6, sheet.write_latency_us,
              0.05 * sheet.write_latency_us);
}

TEST_P(DeviceDatasheet, HighQueueDepthReadIopsMatchTheSheet) {
  const Sheet& sheet = GetParam();
  const DeviceProfile& p = device_preset(sheet.preset);
  const double iops =
      iops_at_depth(p, p.capacity_bytes, DeviceOp::read, sheet.queue_depth, 0.01, 0.11);
  EXPECT_NEAR(iops, sheet.read_iops, 0.05 * sheet.read_iops);
}

// Steady state: the write buffer fills within the warm-up, then writes run at the rate the
// channels program them at the device's steady-state write amplification.
TEST_P(DeviceDatasheet, HighQueueDepthSteadyStateWriteIopsMatchTheSheet) {
  const Sheet& sheet = GetParam();
  const DeviceProfile& p = device_preset(sheet.preset);
  const double warmup_s = 2.0 * static_cast<double>(p.write_buffer_bytes) / k4KiB /
                          sheet.write_iops;  // long enough to fill the buffer
  const double iops = iops_at_depth(p, p.capacity_bytes, DeviceOp::write, sheet.queue_depth,
                                    warmup_s, warmup_s + 0.2);
  EXPECT_NEAR(iops, sheet.write_iops, 0.05 * sheet.write_iops);
}

INSTANTIATE_TEST_SUITE_P(Presets, DeviceDatasheet, ::testing::ValuesIn(kSheets),
                         [](const ::testing::TestParamInfo<Sheet>& param_info) {
                           std::string name = param_info.param.preset;
                           for (char& c : name)
                             if (c == '-' || c == '.') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace flashtwin::models
