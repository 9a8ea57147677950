#include "demo_workloads.hpp"

namespace flashtwin::cli {

namespace {
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
constexpr std::uint64_t kKiB = 1024;
}  // namespace

std::vector<DemoDisk> demo_workloads(double duration_s, std::uint64_t seed) {
  using models::AddressPattern;
  using models::ArrivalKind;
  std::vector<DemoDisk> disks(3);

  models::SyntheticWorkload& oltp = disks[0].workload;
  disks[0].name = "oltp";
  oltp.disk_bytes = 8 * kGiB;
  oltp.pattern = AddressPattern::zipf;
  oltp.zipf_theta = 0.99;
  oltp.read_ratio = 0.7;
  oltp.size_mix = {{8 * kKiB, 0.6}, {4 * kKiB, 0.3}, {64 * kKiB, 0.1}};
  oltp.iops = 3000;

  models::SyntheticWorkload& vdi = disks[1].workload;
  disks[1].name = "vdi";
  vdi.disk_bytes = 8 * kGiB;
  vdi.pattern = AddressPattern::hot_set;
  vdi.hot_fraction = 0.05;
  vdi.hot_access_fraction = 0.9;
  vdi.read_ratio = 0.85;
  vdi.iops = 2000;
  vdi.burst_on_s = 2;
  vdi.burst_off_s = 3;
  vdi.burst_off_rate_factor = 0.1;

  models::SyntheticWorkload& backup = disks[2].workload;
  disks[2].name = "backup";
  backup.disk_bytes = 32 * kGiB;
  backup.pattern = AddressPattern::sequential;
  backup.read_ratio = 1.0;
  backup.size_mix = {{64 * kKiB, 1.0}};
  backup.arrivals = ArrivalKind::constant;
  backup.iops = 200;

  for (std::size_t i = 0; i < disks.size(); ++i) {
    disks[i].workload.duration_s = duration_s;
    disks[i].workload.seed = seed * 1000 + i;
  }
  return disks;
}

}  // namespace flashtwin::cli
