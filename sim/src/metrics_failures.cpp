// Metrics: the failure events (docs/CLUSTER.md, "Failures") — the cluster manager's timeline
// with the array's slowdowns and outages, VM outages and under-protection — kept apart from the
// request and gauge accumulation in metrics.cpp. See the header for the definitions.
#include "flashtwin/sim/metrics.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace flashtwin::sim {

namespace {
const char* event_name(ClusterEventKind kind) {
  switch (kind) {
    case ClusterEventKind::host_failed:
      return "host_failed";
    case ClusterEventKind::flash_failed:
      return "flash_failed";
    case ClusterEventKind::host_declared_down:
      return "host_declared_down";
    case ClusterEventKind::replicas_recovered:
      return "replicas_recovered";
    case ClusterEventKind::vm_restarted:
      return "vm_restarted";
    case ClusterEventKind::vm_underprotected:
      return "vm_underprotected";
    case ClusterEventKind::vm_reprotected:
      return "vm_reprotected";
    case ClusterEventKind::vm_write_through:
      return "vm_write_through";
    case ClusterEventKind::power_lost:
      return "power_lost";
    case ClusterEventKind::power_restored:
      return "power_restored";
    case ClusterEventKind::index_rebuilt:
      return "index_rebuilt";
    case ClusterEventKind::host_rejoined:
      return "host_rejoined";
    case ClusterEventKind::host_repaired:
      return "host_repaired";
    case ClusterEventKind::array_slowed:
      return "array_slowed";
    case ClusterEventKind::array_outage:
      return "array_outage";
    case ClusterEventKind::array_restored:
      return "array_restored";
    case ClusterEventKind::link_cut:
      return "link_cut";
    case ClusterEventKind::link_restored:
      return "link_restored";
    case ClusterEventKind::host_isolated:
      return "host_isolated";
  }
  return "unknown";
}
}  // namespace

void Metrics::on(const ClusterEvent& e) {
  if (finished_) throw std::logic_error("Metrics::cluster_event after finish()");
  const std::string vm = e.vm == kNoVm ? "" : vms_.at(e.vm).name;
  const bool no_host =
      e.kind == ClusterEventKind::array_slowed || e.kind == ClusterEventKind::array_outage ||
      e.kind == ClusterEventKind::array_restored || e.kind == ClusterEventKind::link_cut ||
      e.kind == ClusterEventKind::link_restored || e.host == kNoHost;
  TimelineEntry entry{
      e.at_ns, event_name(e.kind), no_host ? "" : host_at(e.host, "cluster_event").totals.name,
      vm,      e.blocks,           std::nullopt,
      ""};
  if (e.kind == ClusterEventKind::link_cut || e.kind == ClusterEventKind::link_restored)
    entry.link = link_names_.at(e.link);
  if (e.kind == ClusterEventKind::array_slowed) entry.factor = e.factor;
  cluster_.failures.timeline.push_back(std::move(entry));
}

void Metrics::on(const VmOutage& e) {
  if (finished_) throw std::logic_error("Metrics::vm_outage after finish()");
  OutageTotals o;
  o.vm = vms_.at(e.vm).name;
  o.failed_host = host_at(e.failed_host, "vm_outage").totals.name;
  if (e.restarted_ns >= 0) o.restarted_on = host_at(e.restarted_on, "vm_outage").totals.name;
  o.failed_ns = e.failed_ns;
  o.restarted_ns = e.restarted_ns;
  o.writes_lost = e.writes_lost;
  o.blocks_lost = e.blocks_lost;
  o.bytes_lost = e.bytes_lost;
  o.cause = e.cause;
  cluster_.failures.outages.push_back(std::move(o));
  cluster_.failures.writes_lost += e.writes_lost;
  cluster_.failures.bytes_lost += e.bytes_lost;
  cluster_.acknowledged_writes_lost += e.writes_lost;
}

void Metrics::on(const UnderProtection& e) {
  if (finished_) throw std::logic_error("Metrics::under_protection after finish()");
  const std::string& name = vms_.at(e.vm).name;
  auto& list = cluster_.failures.under_protected_ns;
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == name; });
  if (it == list.end()) it = list.insert(list.end(), {name, 0});
  it->second += std::max<std::int64_t>(0, e.to_ns - e.from_ns);
}

}  // namespace flashtwin::sim
