// parse_scenario: the JSON document -> Scenario, section by section, then the cross-references.
#include "scenario_sections.hpp"

#include "flashtwin/engine/host_engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace flashtwin::sim {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string at(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

const nlohmann::json& array_at(ObjectReader& r, std::string_view key, bool required) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* value = required ? &r.child_required(key) : r.child(key);
  if (value == nullptr) return kEmpty;
  if (!value->is_array()) {
    throw ScenarioError(r.path_of(key), "expected an array, got " + json_kind(*value));
  }
  return *value;
}

// `medium` is given in the VMs' and datastores' policies, not in events: a VM keeps the cache it
// started on (docs/CLUSTER.md, "Flash and RAM on one host").
PolicySpec parse_policy(const nlohmann::json& json, const std::string& path,
                        bool with_medium = true) {
  ObjectReader r(json, path);
  PolicySpec policy;
  const std::string mode = r.required<std::string>("mode");
  if (!engine::parse_cache_mode(mode, policy.mode)) {
    throw ScenarioError(r.path_of("mode"),
                        "'" + mode +
                            "' is not one of pass-through, write-through, write-around, "
                            "write-back");
  }
  policy.replicas = r.optional<std::uint32_t>("replicas", 0);
  if (policy.replicas > 2) throw ScenarioError(r.path_of("replicas"), "must be 0, 1 or 2");
  if (policy.replicas > 0 && policy.mode != engine::CacheMode::write_back) {
    throw ScenarioError(r.path_of("replicas"), "replicas apply to write-back only");
  }
  policy.medium = parse_medium(r, with_medium);
  r.finish();
  return policy;
}

// A device: {"preset": name, ...overrides} or every field given (device_model.hpp says what each
// figure means: the 4 KiB random figures of the datasheet, and the queue model's choices).
models::DeviceProfile parse_device(const std::string& name, const nlohmann::json& json,
                                   const std::string& path) {
  ObjectReader r(json, path);
  models::DeviceProfile d;
  if (auto preset = r.maybe<std::string>("preset")) {
    d = checked_at(r.path_of("preset"), [&] { return models::device_preset(*preset); });
  }
  d.name = name;
  if (auto bytes =
          r.maybe_in<double>("capacity_gib", 0, static_cast<double>(limit::kMaxBytes) / kGiB)) {
    d.capacity_bytes =
        static_cast<std::uint64_t>(require_positive(*bytes, r.path_of("capacity_gib")) * kGiB);
  }
  d.read_latency_us =
      r.optional_in<double>("read_latency_us", d.read_latency_us, 0, limit::kMaxLatencyUs);
  d.write_latency_us =
      r.optional_in<double>("write_latency_us", d.write_latency_us, 0, limit::kMaxLatencyUs);
  d.read_iops = r.optional_in<double>("read_iops", d.read_iops, 0, limit::kMaxIops);
  d.write_iops = r.optional_in<double>("write_iops", d.write_iops, 0, limit::kMaxIops);
  d.read_mbps = r.optional_in<double>("read_mbps", d.read_mbps, 0, limit::kMaxMbps);
  d.channels = r.optional_in<std::uint32_t>("channels", d.channels, 1, limit::kMaxQueueDepth);
  d.queue_depth =
      r.optional_in<std::uint32_t>("queue_depth", d.queue_depth, 1, limit::kMaxQueueDepth);
  if (auto mib = r.maybe_in<double>("write_buffer_mib", 0, 1024.0 * 1024.0)) {
    d.write_buffer_bytes = static_cast<std::uint64_t>(
        require_positive(*mib, r.path_of("write_buffer_mib")) * 1024.0 * 1024.0);
  }
  d.spare_factor = r.optional_in<double>("spare_factor", d.spare_factor, 0, 100);
  d.garbage_collection = r.optional<bool>("garbage_collection", d.garbage_collection);
  d.endurance_dwpd = r.optional_in<double>("endurance_dwpd", d.endurance_dwpd, 0, 1e4);
  d.is_volatile = r.optional<bool>("volatile", d.is_volatile);
  r.finish();
  checked_at(path, [&] { models::validate(d); });
  return d;
}

models::ArrayProfile parse_array(const nlohmann::json& json, const std::string& path) {
  ObjectReader r(json, path);
  models::ArrayProfile a;
  const std::string preset = r.optional<std::string>("preset", "hybrid-10k");
  a = checked_at(r.path_of("preset"), [&] { return models::array_preset(preset); });
  a.frontend_mbps = r.optional_in<double>("frontend_mbps", a.frontend_mbps, 0, limit::kMaxMbps);
  a.controller_latency_us = r.optional_in<double>("controller_latency_us", a.controller_latency_us,
                                                  0, limit::kMaxLatencyUs);
  if (const nlohmann::json* size = r.child("nvram_gib")) {
    a.nvram_bytes = json_size_bytes(*size, r.path_of("nvram_gib"), 0, limit::kMaxBytes);
  }
  a.nvram_urgent_fill = r.optional_in<double>("nvram_urgent_fill", a.nvram_urgent_fill, 0, 1);
  a.read_cache_hit_ratio =
      r.optional_in<double>("read_cache_hit_ratio", a.read_cache_hit_ratio, 0, 1);
  a.backend_servers =
      r.optional_in<std::uint32_t>("backend_servers", a.backend_servers, 1, limit::kMaxQueueDepth);
  a.backend_positioning_us = r.optional_in<double>(
      "backend_positioning_us", a.backend_positioning_us, 0, limit::kMaxLatencyUs);
  a.backend_service_cv = r.optional_in<double>("backend_service_cv", a.backend_service_cv, 0, 1);
  a.backend_media_mbps =
      r.optional_in<double>("backend_media_mbps", a.backend_media_mbps, 0, limit::kMaxMbps);
  a.write_penalty = r.optional_in<double>("write_penalty", a.write_penalty, 1, 100);
  r.finish();
  checked_at(path, [&] { models::validate(a); });
  return a;
}

ClusterSpec parse_cluster(const nlohmann::json& json, const std::string& path) {
  ObjectReader r(json, path);
  ClusterSpec c;
  c.topology = r.optional<std::string>("topology", c.topology);
  if (c.topology != "single-switch" && c.topology != "leaf-spine") {
    throw ScenarioError(r.path_of("topology"),
                        "'" + c.topology + "' is not one of single-switch, leaf-spine");
  }
  c.link_latency_us =
      r.optional_in<double>("link_latency_us", c.link_latency_us, 0, limit::kMaxLatencyUs);
  c.spine_gbps =
      require_positive(r.optional_in<double>("spine_gbps", c.spine_gbps, 0, limit::kMaxGbps),
                       r.path_of("spine_gbps"));
  const std::string network = r.optional<std::string>("array_network", "shared");
  if (network != "shared" && network != "dedicated") {
    throw ScenarioError(r.path_of("array_network"),
                        "'" + network + "' is not one of shared (iSCSI/NFS), dedicated (FC)");
  }
  c.array_on_host_network = network == "shared";
  c.array_fabric_gbps =
      require_positive(r.optional_in<double>("array_gbps", c.array_fabric_gbps, 0, limit::kMaxGbps),
                       r.path_of("array_gbps"));
  c.ha = parse_ha(r.child("ha"), r.path_of("ha"));
  const nlohmann::json& hosts = array_at(r, "hosts", true);
  const std::string hosts_path = r.path_of("hosts");
  if (hosts.empty()) throw ScenarioError(hosts_path, "a cluster needs at least one host");
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    ObjectReader h(hosts[i], at(hosts_path, i));
    HostSpec host;
    host.name = h.required<std::string>("name");
    if (host.name.find('/') != std::string::npos) {
      throw ScenarioError(h.path_of("name"),
                          "'/' is kept for the RAM cache of a host with flash and RAM "
                          "('esx1/ram')");
    }
    host.machine = host.name;
    host.rack = h.optional<std::string>("rack", "");
    host.fault_domain = h.optional<std::string>("fault_domain", "");
    host.remote_flash = h.optional<std::string>("remote_flash", "");
    host.nic_gbps =
        require_positive(h.optional_in<double>("nic_gbps", host.nic_gbps, 0, limit::kMaxGbps),
                         h.path_of("nic_gbps"));
    // One device, or a flash device and a RAM cache (check_caches).
    const nlohmann::json& flash = array_at(h, "flash", false);
    if (flash.size() > 2) {
      throw ScenarioError(h.path_of("flash"),
                          "a host has at most a flash device and a RAM cache (I/O is not "
                          "striped across devices yet)");
    }
    for (std::size_t f = 0; f < flash.size(); ++f) {
      ObjectReader fr(flash[f], at(h.path_of("flash"), f));
      FlashSpec spec;
      spec.device = fr.required<std::string>("device");
      // A size: GiB, or "800GB" (json_size_bytes); bytes / 2^30 is exact below 2^53 bytes.
      spec.capacity_gib =
          static_cast<double>(json_size_bytes(fr.child_required("capacity_gib"),
                                              fr.path_of("capacity_gib"), 1, limit::kMaxBytes)) /
          kGiB;
      fr.finish();
      host.flash.push_back(spec);
    }
    h.finish();
    c.hosts.push_back(std::move(host));
  }
  r.finish();
  return c;
}

// The "cache" section: the engine settings every host shares (capacity comes from its flash).
engine::EngineConfig parse_cache(const nlohmann::json* json, const std::string& path) {
  engine::EngineConfig e;
  e.admission.policies = {"sequential-cutoff"};
  // The engines' replication timeout is off in runs without link cuts (parse_scenario turns it
  // on with them; docs/CLUSTER.md, "Link cuts and partitions"): the acks a crashed peer owes are
  // resolved when it is declared down, and results stay as they were.
  e.replica_timeout_ns = 0;
  if (json == nullptr) return e;
  ObjectReader r(*json, path);
  e.block_bytes = r.optional<std::uint32_t>("block_bytes", e.block_bytes);
  e.eviction = r.optional<std::string>("eviction", e.eviction);
  if (const nlohmann::json* admission = r.child("admission")) {
    e.admission.policies.clear();
    if (!admission->is_array()) {
      throw ScenarioError(r.path_of("admission"), "expected an array of policy names");
    }
    for (std::size_t i = 0; i < admission->size(); ++i) {
      e.admission.policies.push_back(
          json_as<std::string>((*admission)[i], at(r.path_of("admission"), i)));
    }
  }
  e.admission.sequential_cutoff_bytes =
      r.optional<std::uint64_t>("sequential_cutoff_bytes", e.admission.sequential_cutoff_bytes);
  e.admission.promote_after_hits =
      r.optional<std::uint32_t>("promote_after_hits", e.admission.promote_after_hits);
  if (const nlohmann::json* destage = r.child("destage")) {
    ObjectReader d(*destage, r.path_of("destage"));
    e.destage.low_watermark = d.optional<double>("low_watermark", e.destage.low_watermark);
    e.destage.high_watermark = d.optional<double>("high_watermark", e.destage.high_watermark);
    e.destage.dirty_limit = d.optional<double>("dirty_limit", e.destage.dirty_limit);
    e.destage.max_in_flight = d.optional_in<std::uint32_t>("max_in_flight", e.destage.max_in_flight,
                                                           0, limit::kMaxQueueDepth);
    e.destage.max_coalesce_bytes =
        d.optional<std::uint64_t>("max_coalesce_bytes", e.destage.max_coalesce_bytes);
    e.destage.idle_after_ns = static_cast<engine::TimeNs>(std::llround(
        d.optional_in<double>("idle_after_ms", 2.0, 0, limit::kMaxDurationS * 1e3) * 1e6));
    // Destage rate control, per host, in MB/s (10^6 bytes); max_rate_mbps 0 turns pacing off.
    const auto rate_bytes = [&](const char* key, std::uint64_t fallback) {
      const double mbps =
          d.optional_in<double>(key, static_cast<double>(fallback) / 1e6, 0, limit::kMaxMbps);
      return static_cast<std::uint64_t>(std::llround(mbps * 1e6));
    };
    e.destage.min_rate_bytes_per_s = rate_bytes("min_rate_mbps", e.destage.min_rate_bytes_per_s);
    e.destage.max_rate_bytes_per_s = rate_bytes("max_rate_mbps", e.destage.max_rate_bytes_per_s);
    if (e.destage.max_rate_bytes_per_s > 0 &&
        e.destage.min_rate_bytes_per_s > e.destage.max_rate_bytes_per_s) {
      throw ScenarioError(d.path_of("min_rate_mbps"), "must not exceed max_rate_mbps");
    }
    const double retry_ms = d.optional_in<double>(
        "retry_after_ms", static_cast<double>(e.destage.retry_after_ns) / 1e6, 0, 1e6);
    e.destage.retry_after_ns = static_cast<engine::TimeNs>(std::llround(retry_ms * 1e6));
    e.destage.max_tries =
        d.optional_in<std::uint32_t>("max_tries", e.destage.max_tries, 1, 1'000'000);
    d.finish();
  }
  r.finish();
  // The engine validates the rest; give its message the section's path. Capacity is per host.
  engine::EngineConfig probe = e;
  probe.capacity_blocks = 1024;
  checked_at(path, [&] { engine::HostEngine check(probe); });
  return e;
}

}  // namespace

namespace {

std::vector<DatastoreSpec> parse_datastores(ObjectReader& r) {
  std::vector<DatastoreSpec> out;
  const nlohmann::json& list = array_at(r, "datastores", true);
  const std::string path = r.path_of("datastores");
  if (list.empty()) throw ScenarioError(path, "at least one datastore is needed");
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader d(list[i], at(path, i));
    DatastoreSpec ds;
    ds.name = d.required<std::string>("name");
    ds.policy = parse_policy(d.child_required("policy"), d.path_of("policy"));
    d.finish();
    out.push_back(std::move(ds));
  }
  return out;
}

std::vector<VmSpec> parse_vms(ObjectReader& r, double duration_s, std::uint64_t seed,
                              const std::string& base_folder) {
  std::vector<VmSpec> out;
  const nlohmann::json& list = array_at(r, "vms", true);
  const std::string path = r.path_of("vms");
  std::uint64_t disk_number = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader v(list[i], at(path, i));
    VmSpec vm;
    vm.name = v.required<std::string>("name");
    vm.host = v.required<std::string>("host");
    vm.datastore = v.required<std::string>("datastore");
    if (const nlohmann::json* policy = v.child("policy")) {
      vm.policy = parse_policy(*policy, v.path_of("policy"));
    }
    const nlohmann::json& disks = array_at(v, "disks", true);
    if (disks.empty()) throw ScenarioError(v.path_of("disks"), "a VM needs at least one disk");
    for (std::size_t k = 0; k < disks.size(); ++k) {
      ObjectReader d(disks[k], at(v.path_of("disks"), k));
      DiskSpec disk;
      // A size: GiB, or "200GiB" (json_size_bytes); bytes / 2^30 is exact below 2^53 bytes.
      const std::uint64_t bytes =
          json_size_bytes(d.child_required("size_gib"), d.path_of("size_gib"), 1, limit::kMaxBytes);
      if (bytes % (1 << 20) != 0) {
        throw ScenarioError(d.path_of("size_gib"), "must be a whole number of MiB, got " +
                                                       std::to_string(bytes) + " bytes");
      }
      disk.size_gib = static_cast<double>(bytes) / kGiB;
      // Every disk gets its own stream seed, derived from the scenario's.
      disk.workload = parse_workload(d.child_required("workload"), d.path_of("workload"), bytes,
                                     duration_s, seed * 1'000'003 + disk_number++, base_folder);
      d.finish();
      vm.disks.push_back(std::move(disk));
    }
    v.finish();
    out.push_back(std::move(vm));
  }
  if (out.empty()) throw ScenarioError(path, "at least one VM is needed");
  return out;
}

std::vector<EventSpec> parse_events(ObjectReader& r, double duration_s) {
  std::vector<EventSpec> out;
  const nlohmann::json& list = array_at(r, "events", false);
  const std::string path = r.path_of("events");
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader e(list[i], at(path, i));
    EventSpec event;
    event.at_s = e.required_in<double>("at_s", 0, limit::kMaxDurationS);
    if (event.at_s > duration_s) {
      throw ScenarioError(e.path_of("at_s"), "is after the end of the run (duration_s " +
                                                 nlohmann::json(duration_s).dump() + ")");
    }
    if (e.has("restore_host")) {
      throw ScenarioError(e.path_of("restore_host"),
                          "a crashed host comes back after its fail_host's repair_s");
    }
    if (e.has("restore_link")) {
      throw ScenarioError(e.path_of("restore_link"),
                          "a cut link comes back after its cut_link's duration_s");
    }
    int kinds = 0;
    if (const nlohmann::json* change = e.child("vm_policy")) {
      ObjectReader c(*change, e.path_of("vm_policy"));
      VmPolicyChange what;
      what.vm = c.required<std::string>("vm");
      if (const nlohmann::json* policy = c.child("policy")) {
        what.policy = parse_policy(*policy, c.path_of("policy"), false);
      }
      c.finish();
      event.what = what;
      ++kinds;
    }
    if (const nlohmann::json* change = e.child("datastore_policy")) {
      ObjectReader c(*change, e.path_of("datastore_policy"));
      DatastorePolicyChange what;
      what.datastore = c.required<std::string>("datastore");
      what.policy = parse_policy(c.child_required("policy"), c.path_of("policy"), false);
      c.finish();
      event.what = what;
      ++kinds;
    }
    if (const nlohmann::json* move = e.child("migrate")) {
      ObjectReader c(*move, e.path_of("migrate"));
      VmMigration what = parse_migration(c);
      c.finish();
      event.what = what;
      ++kinds;
    }
    if (std::optional<HostFailure> failure = parse_host_failure(e)) {
      event.what = *failure;
      ++kinds;
    }
    if (std::optional<PowerLoss> loss = parse_power_loss(e)) {
      event.what = *loss;
      ++kinds;
    }
    if (std::optional<LinkCut> cut = parse_link_cut(e)) {
      event.what = *cut;
      ++kinds;
    }
    for (auto* parse_array : {parse_array_slowdown, parse_array_outage}) {
      if (std::optional<ArrayDegradation> array = parse_array(e)) {
        event.what = *array;
        ++kinds;
      }
    }
    if (kinds != 1) {
      throw ScenarioError(e.path(),
                          "an event needs exactly one of vm_policy, datastore_policy, "
                          "migrate, fail_host, fail_flash, power_loss, cut_link, "
                          "array_slowdown, array_outage");
    }
    e.finish();
    out.push_back(std::move(event));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const EventSpec& a, const EventSpec& b) { return a.at_s < b.at_s; });
  return out;
}

Expectations parse_expectations(const nlohmann::json* json, const std::string& path) {
  Expectations x;
  if (json == nullptr) return x;
  ObjectReader r(*json, path);
  if (auto v = r.maybe_in<double>("p99_latency_ms_max", 0, limit::kMaxLatencyUs / 1e3)) {
    x.p99_latency_ms_max = require_positive(*v, r.path_of("p99_latency_ms_max"));
  }
  if (auto v = r.maybe<double>("array_read_offload_min")) {
    x.array_read_offload_min = require_fraction(*v, r.path_of("array_read_offload_min"));
  }
  x.acknowledged_writes_lost_max = r.maybe<std::uint64_t>("acknowledged_writes_lost_max");
  r.finish();
  return x;
}

OutputSpec parse_output(const nlohmann::json* json, const std::string& path) {
  OutputSpec o;
  if (json == nullptr) return o;
  ObjectReader r(*json, path);
  o.interval_s = r.optional_in<double>("interval_s", o.interval_s, 1e-6, limit::kMaxDurationS);
  o.baseline = r.optional<bool>("baseline", o.baseline);
  o.rewarm_share = r.optional_in<double>("rewarm_share", o.rewarm_share, 0.01, 1.0);
  r.finish();
  return o;
}

// Names must be unique and references must resolve.
void check_references(const Scenario& s) {
  std::set<std::string> hosts, datastores, vms;
  for (std::size_t i = 0; i < s.cluster.hosts.size(); ++i) {
    const HostSpec& host = s.cluster.hosts[i];
    const std::string path = at("$.cluster.hosts", i);
    if (!hosts.insert(host.name).second)
      throw ScenarioError(path + ".name", "'" + host.name + "' is used twice");
    for (std::size_t f = 0; f < host.flash.size(); ++f) {
      const std::string& device = host.flash[f].device;
      const bool known = std::any_of(s.devices.begin(), s.devices.end(),
                                     [&](const auto& d) { return d.first == device; });
      if (!known) {
        throw ScenarioError(at(path + ".flash", f) + ".device",
                            "'" + device + "' is not defined in $.devices");
      }
      const models::DeviceProfile& profile = s.device(device);
      const double asked = host.flash[f].capacity_gib * kGiB;
      if (asked > static_cast<double>(profile.capacity_bytes)) {
        char message[256];
        std::snprintf(message, sizeof message,
                      "%.6g GiB is more than device '%s' holds (%.6g GiB): give at most its "
                      "capacity, or a device with more",
                      host.flash[f].capacity_gib, device.c_str(),
                      static_cast<double>(profile.capacity_bytes) / kGiB);
        throw ScenarioError(at(path + ".flash", f) + ".capacity_gib", message);
      }
    }
  }
  for (std::size_t i = 0; i < s.datastores.size(); ++i) {
    if (!datastores.insert(s.datastores[i].name).second)
      throw ScenarioError(at("$.datastores", i) + ".name",
                          "'" + s.datastores[i].name + "' is used twice");
  }
  for (std::size_t i = 0; i < s.vms.size(); ++i) {
    const VmSpec& vm = s.vms[i];
    const std::string path = at("$.vms", i);
    if (!vms.insert(vm.name).second)
      throw ScenarioError(path + ".name", "'" + vm.name + "' is used twice");
    if (!hosts.count(vm.host))
      throw ScenarioError(path + ".host", "'" + vm.host + "' is not a host of $.cluster.hosts");
    if (!datastores.count(vm.datastore))
      throw ScenarioError(path + ".datastore", "'" + vm.datastore + "' is not one of $.datastores");
  }
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const std::string path = at("$.events", i);
    if (const auto* change = std::get_if<VmPolicyChange>(&s.events[i].what)) {
      if (!vms.count(change->vm))
        throw ScenarioError(path + ".vm_policy.vm", "'" + change->vm + "' is not one of $.vms");
    } else if (const auto* ds = std::get_if<DatastorePolicyChange>(&s.events[i].what)) {
      if (!datastores.count(ds->datastore))
        throw ScenarioError(path + ".datastore_policy.datastore",
                            "'" + ds->datastore + "' is not one of $.datastores");
    }
  }
  check_migrations(s);
  check_failures(s);
  check_array_events(s);
  check_remote_flash(s);
  check_link_cuts(s);
  check_caches(s);
}

// What the engine and the metrics will refuse, caught here with a path.
void check_runnable(const Scenario& s) {
  for (std::size_t i = 0; i < s.cluster.hosts.size(); ++i) {
    for (std::size_t f = 0; f < s.cluster.hosts[i].flash.size(); ++f) {
      const double blocks = s.cluster.hosts[i].flash[f].capacity_gib * kGiB / s.cache.block_bytes;
      if (blocks < 16 || blocks > 4294967294.0) {
        throw ScenarioError(at(at("$.cluster.hosts", i) + ".flash", f) + ".capacity_gib",
                            "gives " + nlohmann::json(blocks).dump() + " cache blocks of " +
                                std::to_string(s.cache.block_bytes) +
                                " bytes; a host holds 16 to 4294967294");
      }
    }
  }
  // The engine keeps a block number in 36 bits (BlockIndex's 6-byte keys): 256 TiB of 4 KiB
  // blocks a disk. And at most 4096 disks a host (its disk numbers are 12 bits).
  constexpr double kMaxDiskBlocks = 68719476736.0;  // 2^36
  std::map<std::string, std::size_t> disks_on_host;
  for (std::size_t v = 0; v < s.vms.size(); ++v) {
    disks_on_host[s.vms[v].host] += s.vms[v].disks.size();
    for (std::size_t k = 0; k < s.vms[v].disks.size(); ++k) {
      const double blocks = s.vms[v].disks[k].size_gib * kGiB / s.cache.block_bytes;
      if (blocks >= kMaxDiskBlocks) {
        throw ScenarioError(at(at("$.vms", v) + ".disks", k) + ".size_gib",
                            "gives " + std::to_string(static_cast<std::uint64_t>(blocks)) +
                                " cache blocks of " + std::to_string(s.cache.block_bytes) +
                                " bytes; a disk holds fewer than 2^36");
      }
    }
  }
  for (const auto& [host, disks] : disks_on_host) {
    if (disks > 4096) {
      throw ScenarioError("$.vms", "host '" + host + "' starts with " + std::to_string(disks) +
                                       " virtual disks; a host holds at most 4096");
    }
  }
  if (s.duration_s / s.output.interval_s > limit::kMaxIntervals) {
    throw ScenarioError(
        "$.output.interval_s",
        "gives " +
            std::to_string(
                static_cast<std::uint64_t>(std::ceil(s.duration_s / s.output.interval_s))) +
            " time-series rows for duration_s " + nlohmann::json(s.duration_s).dump() +
            "; at most 1000000: give a longer interval_s");
  }
  if (s.expectations.array_read_offload_min && !s.output.baseline) {
    throw ScenarioError("$.expectations.array_read_offload_min",
                        "needs the baseline run: output.baseline must be true");
  }
}

}  // namespace

const models::DeviceProfile& Scenario::device(const std::string& device_name) const {
  for (const auto& [key, profile] : devices) {
    if (key == device_name) return profile;
  }
  throw std::out_of_range("no device '" + device_name + "' in the scenario");
}

Scenario parse_scenario(const nlohmann::json& document, const std::string& base_folder) {
  ObjectReader r(document, "$");
  Scenario s;
  s.name = r.optional<std::string>("name", "unnamed");
  s.seed = r.optional<std::uint64_t>("seed", s.seed);
  s.duration_s =
      require_positive(r.optional_in<double>("duration_s", s.duration_s, 0, limit::kMaxDurationS),
                       r.path_of("duration_s"));
  s.warmup_s = r.optional_in<double>("warmup_s", s.warmup_s, 0, limit::kMaxDurationS);
  if (!(s.warmup_s >= 0 && s.warmup_s < s.duration_s)) {
    throw ScenarioError(r.path_of("warmup_s"), "must be >= 0 and less than duration_s (" +
                                                   nlohmann::json(s.duration_s).dump() + ")");
  }
  s.prewarm = r.optional<bool>("prewarm", s.prewarm);
  s.cluster = parse_cluster(r.child_required("cluster"), r.path_of("cluster"));
  // Devices: the presets are always known by their names; "devices" adds or overrides.
  for (const std::string& name : models::device_preset_names())
    s.devices.emplace_back(name, models::device_preset(name));
  if (const nlohmann::json* devices = r.child("devices")) {
    ObjectReader d(*devices, r.path_of("devices"));
    for (const auto& [name, value] : devices->items()) {
      models::DeviceProfile profile = parse_device(name, *d.child(name), d.path_of(name));
      auto same = std::find_if(s.devices.begin(), s.devices.end(),
                               [&](const auto& e) { return e.first == name; });
      if (same != s.devices.end()) {
        same->second = profile;
      } else {
        s.devices.emplace_back(name, profile);
      }
    }
    d.finish();
  }
  s.array = parse_array(r.has("array") ? r.child_required("array") : nlohmann::json::object(),
                        r.path_of("array"));
  s.cache = parse_cache(r.child("cache"), r.path_of("cache"));
  s.datastores = parse_datastores(r);
  s.vms = parse_vms(r, s.duration_s, s.seed, base_folder);
  s.events = parse_events(r, s.duration_s);
  if (std::any_of(s.events.begin(), s.events.end(),
                  [](const EventSpec& e) { return std::holds_alternative<LinkCut>(e.what); }))
    s.cache.replica_timeout_ns = engine::EngineConfig{}.replica_timeout_ns;
  s.expectations = parse_expectations(r.child("expectations"), r.path_of("expectations"));
  s.output = parse_output(r.child("output"), r.path_of("output"));
  r.finish();
  check_references(s);
  check_runnable(s);
  split_caches(s);
  return s;
}

Scenario load_scenario(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw ScenarioError("$", "cannot read scenario file '" + path + "': not a regular file");
  }
  std::ifstream in(path);
  if (!in) throw ScenarioError("$", "cannot read scenario file '" + path + "'");
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ScenarioError("$", "'" + path + "' is not valid JSON: " + e.what());
  }
  return parse_scenario(document, std::filesystem::path(path).parent_path().string());
}

}  // namespace flashtwin::sim
