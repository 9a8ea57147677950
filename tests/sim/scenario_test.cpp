// Scenario parsing: the shipped example parses completely; every kind of mistake is an error that
// names the JSON path and what was expected.
#include "flashtwin/sim/scenario.hpp"
#include "scenario_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace flashtwin::sim {
namespace {

using testing::error_of;
using testing::example;
using testing::kExample;

TEST(Scenario, TheShippedExampleParsesCompletely) {
  const Scenario s = load_scenario(kExample);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.cluster.topology, "leaf-spine");
  ASSERT_EQ(s.cluster.hosts.size(), 4u);
  EXPECT_TRUE(s.cluster.hosts[3].flash.empty());
  const models::DeviceProfile& fast = s.device("fast-ssd");
  EXPECT_EQ(fast.read_latency_us, 80);  // overridden
  EXPECT_EQ(fast.queue_depth, 32u);
  EXPECT_EQ(fast.write_iops, models::device_preset("sata-ssd-960g").write_iops);  // inherited
  EXPECT_EQ(s.cache.eviction, "arc");
  EXPECT_EQ(s.cache.destage.idle_after_ns, 2'000'000);
  ASSERT_EQ(s.vms.size(), 3u);
  EXPECT_EQ(s.vms[2].policy->mode, engine::CacheMode::pass_through);
  EXPECT_FALSE(s.vms[0].policy.has_value());  // follows its datastore
  EXPECT_EQ(s.vms[2].disks[0].workload.queue_depth, 4u);
  EXPECT_EQ(s.vms[0].disks[0].workload.synthetic.disk_bytes, 64ull << 30);
  EXPECT_EQ(s.vms[0].disks[0].workload.synthetic.duration_s, 120);
  EXPECT_NE(s.vms[0].disks[0].workload.synthetic.seed, s.vms[1].disks[0].workload.synthetic.seed);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(std::get<VmPolicyChange>(s.events[0].what).policy->mode,
            engine::CacheMode::write_through);
  EXPECT_EQ(*s.expectations.acknowledged_writes_lost_max, 0u);
}

TEST(Scenario, DestageRateAndRetryKeysReachTheEngine) {
  nlohmann::json doc = example();
  doc["cache"]["destage"] = {
      {"min_rate_mbps", 1.5}, {"max_rate_mbps", 40}, {"retry_after_ms", 3}, {"max_tries", 4}};
  const Scenario s = parse_scenario(doc);
  EXPECT_EQ(s.cache.destage.min_rate_bytes_per_s, 1'500'000u);
  EXPECT_EQ(s.cache.destage.max_rate_bytes_per_s, 40'000'000u);
  EXPECT_EQ(s.cache.destage.retry_after_ns, 3'000'000);
  EXPECT_EQ(s.cache.destage.max_tries, 4u);
  doc["cache"]["destage"] = {{"min_rate_mbps", 50}, {"max_rate_mbps", 40}};
  EXPECT_EQ(error_of(doc), "$.cache.destage.min_rate_mbps: must not exceed max_rate_mbps");
  doc["cache"]["destage"] = {{"max_rate_mbps", -1}};
  EXPECT_NE(error_of(doc).find("$.cache.destage.max_rate_mbps"), std::string::npos);
  doc["cache"]["destage"] = {{"max_tries", 0}};
  EXPECT_NE(error_of(doc).find("max_tries"), std::string::npos);
}

TEST(Scenario, UnknownKeysAreErrorsNamingTheirPath) {
  nlohmann::json doc = example();
  doc["vms"][1]["disks"][0]["workload"]["iosp"] = 5;
  EXPECT_EQ(error_of(doc).rfind("$.vms[1].disks[0].workload.iosp: unknown key", 0), 0u)
      << error_of(doc);
  doc = example();
  doc["clutser"] = {};
  EXPECT_NE(error_of(doc).find("$.clutser: unknown key"), std::string::npos);
}

TEST(Scenario, WrongTypesSayWhatWasExpected) {
  nlohmann::json doc = example();
  doc["cluster"]["hosts"][0]["nic_gbps"] = "fast";
  EXPECT_EQ(error_of(doc),
            "$.cluster.hosts[0].nic_gbps: expected a number, got a string (\"fast\")");
  doc = example();
  doc["seed"] = 1.5;
  EXPECT_NE(error_of(doc).find("$.seed: expected a whole number"), std::string::npos);
}

TEST(Scenario, MissingRequiredKeysAreNamed) {
  nlohmann::json doc = example();
  doc["vms"][0].erase("host");
  EXPECT_EQ(error_of(doc), "$.vms[0].host: required key is missing");
}

TEST(Scenario, DanglingReferencesAreErrors) {
  nlohmann::json doc = example();
  doc["vms"][0]["host"] = "esx9";
  EXPECT_EQ(error_of(doc), "$.vms[0].host: 'esx9' is not a host of $.cluster.hosts");
  doc = example();
  doc["cluster"]["hosts"][1]["flash"][0]["device"] = "nvme-9t";
  EXPECT_EQ(error_of(doc),
            "$.cluster.hosts[1].flash[0].device: 'nvme-9t' is not defined in $.devices");
  doc = example();
  doc["vms"][1]["datastore"] = "bronze";
  EXPECT_NE(error_of(doc).find("$.vms[1].datastore"), std::string::npos);
  doc = example();
  doc["events"][0]["vm_policy"]["vm"] = "nobody";
  EXPECT_NE(error_of(doc).find("$.events[0].vm_policy.vm"), std::string::npos);
  doc = example();
  doc["vms"][1]["name"] = "sql01";
  EXPECT_EQ(error_of(doc), "$.vms[1].name: 'sql01' is used twice");
}

TEST(Scenario, ValuesOutOfRangeAreErrors) {
  nlohmann::json doc = example();
  doc["vms"][0]["disks"][0]["workload"]["read_ratio"] = 1.5;
  EXPECT_EQ(error_of(doc), "$.vms[0].disks[0].workload.read_ratio: must be in [0, 1], got 1.5");
  doc = example();
  doc["events"][0]["at_s"] = 500;
  EXPECT_NE(error_of(doc).find("$.events[0].at_s: is after the end of the run"), std::string::npos);
  doc = example();
  doc["datastores"][1]["policy"] = {{"mode", "write-through"}, {"replicas", 1}};
  EXPECT_EQ(error_of(doc), "$.datastores[1].policy.replicas: replicas apply to write-back only");
  doc = example();
  doc["vms"][0]["disks"][0]["size_gib"] = 0.0001;
  EXPECT_NE(error_of(doc).find("must be a whole number of MiB"), std::string::npos);
  doc = example();
  doc["vms"][0]["disks"][0]["workload"]["sizes"][0]["bytes"] = 1000;
  EXPECT_NE(error_of(doc).find("$.vms[0].disks[0].workload: size_mix[0].length_bytes"),
            std::string::npos)
      << error_of(doc);
}

TEST(Scenario, WhatTheRunWouldRefuseIsCaughtWithAPath) {
  nlohmann::json doc = example();
  for (const char* device : {"ram", "fast-ssd"})
    doc["cluster"]["hosts"][0]["flash"].push_back({{"device", device}, {"capacity_gib", 8}});
  EXPECT_NE(error_of(doc).find("$.cluster.hosts[0].flash: a host has at most a flash device and a "
                               "RAM cache (I/O is not striped across devices yet)"),
            std::string::npos);
  doc = example();
  doc["cluster"]["hosts"][0]["flash"][0]["capacity_gib"] = 0.00001;
  EXPECT_NE(error_of(doc).find("$.cluster.hosts[0].flash[0].capacity_gib: gives"),
            std::string::npos);
  doc = example();
  doc["cluster"]["hosts"][0]["flash"][0]["capacity_gib"] = 2000;  // an nvme-1.6t holds 1490 GiB
  EXPECT_EQ(error_of(doc),
            "$.cluster.hosts[0].flash[0].capacity_gib: 2000 GiB is more than device 'nvme-1.6t' "
            "holds (1490.12 GiB): give at most its capacity, or a device with more");
  doc = example();
  doc["output"]["baseline"] = false;
  EXPECT_NE(error_of(doc).find("$.expectations.array_read_offload_min: needs the baseline"),
            std::string::npos);
  doc = example();
  doc["output"]["interval_s"] = 1e-12;
  EXPECT_NE(error_of(doc).find("$.output.interval_s"), std::string::npos);
}

TEST(Scenario, TraceWorkloadsAreCheckedWhenParsed) {
  nlohmann::json doc = example();
  doc["vms"][0]["disks"][0]["workload"] = {{"trace", "no/such/trace.csv"}};
  EXPECT_NE(error_of(doc).find("$.vms[0].disks[0].workload.trace: no trace file"),
            std::string::npos);
  const std::string trace = ::testing::TempDir() + "/scenario_trace.csv";
  std::ofstream(trace) << "0,W,0,4096\n";
  doc["vms"][0]["disks"][0]["workload"] = {{"trace", trace}, {"format", "tape"}};
  EXPECT_NE(error_of(doc).find("$.vms[0].disks[0].workload.format: 'tape' is not one of"),
            std::string::npos);
  doc["vms"][0]["disks"][0]["workload"] = {{"trace", trace}, {"time_scale", 0}};
  EXPECT_NE(error_of(doc).find("workload.time_scale"), std::string::npos);
  doc["vms"][0]["disks"][0]["workload"] = {{"trace", trace}, {"start_s", 1}, {"loop", true}};
  const Scenario s = parse_scenario(doc);
  ASSERT_TRUE(s.vms[0].disks[0].workload.trace.has_value());
  EXPECT_EQ(s.vms[0].disks[0].workload.trace->window.start_s, 1);
  EXPECT_TRUE(s.vms[0].disks[0].workload.trace->window.loop);
}

TEST(Scenario, UnknownNamesListTheKnownOnes) {
  nlohmann::json doc = example();
  doc["vms"][0]["disks"][0]["workload"]["pattern"] = "zipfian";
  EXPECT_EQ(error_of(doc),
            "$.vms[0].disks[0].workload.pattern: 'zipfian' is not one of uniform, "
            "zipf, hot-set, sequential");
  doc = example();
  doc["array"]["preset"] = "tape";
  EXPECT_NE(error_of(doc).find("all-flash"), std::string::npos);
  doc = example();
  doc["cache"]["eviction"] = "mru";
  EXPECT_NE(error_of(doc).find("$.cache: "), std::string::npos);
  EXPECT_NE(error_of(doc).find("lru"), std::string::npos);
  doc = example();
  doc["datastores"][0]["policy"]["mode"] = "write-behind";
  EXPECT_NE(error_of(doc).find("$.datastores[0].policy.mode: 'write-behind' is not one of"),
            std::string::npos);
}

TEST(Scenario, RestoreEventsAreRefusedByName) {
  nlohmann::json doc = example();
  doc["events"].push_back({{"at_s", 10}, {"restore_host", {{"host", "esx2"}}}});
  EXPECT_NE(error_of(doc).find("$.events[1].restore_host: a crashed host comes back after its "
                               "fail_host's repair_s"),
            std::string::npos);
  doc["events"][1] = {{"at_s", 10}, {"restore_link", {{"link", "esx2--switch"}}}};
  EXPECT_NE(error_of(doc).find("$.events[1].restore_link: a cut link comes back after its "
                               "cut_link's duration_s"),
            std::string::npos);
}

TEST(Scenario, LinkCutsAreReadAndCheckedWithTheirPath) {
  nlohmann::json doc = example();
  doc["events"].push_back({{"at_s", 10}, {"cut_link", {{"link", "esx2--tor-r1"}}}});
  doc["events"].push_back(
      {{"at_s", 20}, {"cut_link", {{"link", "tor-r1--esx1"}, {"duration_s", 5}}}});
  const Scenario s = parse_scenario(doc, ".");
  ASSERT_EQ(s.events.size(), 3u);  // sorted by time
  const auto* cut = std::get_if<LinkCut>(&s.events[0].what);
  ASSERT_NE(cut, nullptr);
  EXPECT_EQ(cut->link, "esx2--tor-r1");
  EXPECT_EQ(cut->duration_s, 0);  // for good
  EXPECT_EQ(cut->path, "$.events[1].cut_link");
  const auto* restored = std::get_if<LinkCut>(&s.events[1].what);
  ASSERT_NE(restored, nullptr);
  EXPECT_EQ(restored->duration_s, 5);
  // With cuts the engines time out on replica acks; without, they do not.
  EXPECT_EQ(s.cache.replica_timeout_ns, engine::EngineConfig{}.replica_timeout_ns);
  EXPECT_EQ(parse_scenario(example(), ".").cache.replica_timeout_ns, 0);

  nlohmann::json bad = doc;
  bad["events"][1]["cut_link"]["link"] = "esx2";
  EXPECT_NE(error_of(bad).find("$.events[1].cut_link.link: 'esx2' is not a link of the network"),
            std::string::npos);
  bad = doc;
  bad["events"][1]["cut_link"]["duration_s"] = -1;
  EXPECT_NE(error_of(bad).find("$.events[1].cut_link.duration_s"), std::string::npos);
  bad = doc;
  bad["events"][1]["cut_link"]["speed"] = 1;
  EXPECT_NE(error_of(bad).find("$.events[1].cut_link.speed"), std::string::npos);
}

// A host with flash and RAM is two hosts for the runtime (docs/CLUSTER.md, "Flash and RAM on one
// host"): the VMs and migrations that ask for RAM name the second.
TEST(Scenario, AHostWithFlashAndRamBecomesTwoCachesOfOneMachine) {
  nlohmann::json doc = example();
  doc["cluster"]["hosts"][0]["flash"].push_back({{"device", "ram"}, {"capacity_gib", 64}});
  nlohmann::json& esx3 = doc["cluster"]["hosts"][2]["flash"];
  esx3.insert(esx3.begin(), nlohmann::json{{"device", "ram"}, {"capacity_gib", 32}});
  doc["vms"][0]["policy"] = {{"mode", "write-back"}, {"medium", "ram"}};
  doc["events"].push_back({{"at_s", 10}, {"migrate", {{"vm", "sql01"}, {"to", "esx3"}}}});
  doc["events"].push_back({{"at_s", 20}, {"migrate", {{"vm", "vdi01"}, {"to", "esx3"}}}});
  const Scenario s = parse_scenario(doc, ".");
  const std::vector<HostSpec>& hosts = s.cluster.hosts;
  ASSERT_EQ(hosts.size(), 6u);
  EXPECT_EQ(hosts[0].name, "esx1");
  EXPECT_EQ(hosts[1].name, "esx1/ram");
  EXPECT_EQ(hosts[3].name, "esx3");  // its flash first, whatever the order in the file
  EXPECT_EQ(hosts[4].name, "esx3/ram");
  for (const std::size_t h : {0, 1}) {
    EXPECT_EQ(hosts[h].machine, "esx1");
    EXPECT_EQ(hosts[h].rack, "r1");
    ASSERT_EQ(hosts[h].flash.size(), 1u);
  }
  EXPECT_EQ(hosts[0].flash[0].device, "nvme-1.6t");
  EXPECT_EQ(hosts[1].flash[0].device, "ram");
  EXPECT_EQ(hosts[4].flash[0].device, "ram");
  EXPECT_EQ(hosts[5].machine, "esx4");
  EXPECT_EQ(s.vms[0].host, "esx1/ram");  // sql01 asks for RAM
  EXPECT_EQ(s.vms[1].host, "esx2");      // vdi01 names no medium
  EXPECT_EQ(std::get<VmMigration>(s.events[0].what).to, "esx3/ram");
  EXPECT_EQ(std::get<VmMigration>(s.events[1].what).to, "esx3");
}

TEST(Scenario, FlashAndRamMistakesNameTheirPath) {
  nlohmann::json doc = example();
  doc["cluster"]["hosts"][0]["flash"].push_back({{"device", "fast-ssd"}, {"capacity_gib", 64}});
  EXPECT_NE(error_of(doc).find("$.cluster.hosts[0].flash[1].device: a host has at most one flash "
                               "device and one RAM cache"),
            std::string::npos)
      << error_of(doc);
  doc = example();
  doc["cluster"]["hosts"][0]["name"] = "esx1/ram";
  EXPECT_NE(error_of(doc).find("$.cluster.hosts[0].name: '/' is kept for the RAM cache"),
            std::string::npos);
  doc = example();
  doc["vms"][0]["policy"] = {{"mode", "write-back"}, {"medium", "ram"}};
  EXPECT_NE(error_of(doc).find("$.vms[0].host: 'esx1' has no RAM cache, which the VM's medium "
                               "asks for ($.vms[0].policy.medium)"),
            std::string::npos)
      << error_of(doc);
  doc = example();
  doc["datastores"][1]["policy"]["medium"] = "ram";  // silver: vdi01 on esx2
  EXPECT_NE(error_of(doc).find("$.vms[1].host: 'esx2' has no RAM cache, which the VM's medium "
                               "asks for (the policy of datastore 'silver')"),
            std::string::npos)
      << error_of(doc);
  doc = example();
  doc["cluster"]["hosts"][0]["flash"].push_back({{"device", "ram"}, {"capacity_gib", 64}});
  doc["vms"][0]["policy"] = {{"mode", "write-back"}, {"medium", "ram"}};
  doc["events"].push_back({{"at_s", 10}, {"migrate", {{"vm", "sql01"}, {"to", "esx2"}}}});
  EXPECT_NE(error_of(doc).find("$.events[1].migrate.to: 'esx2' has no RAM cache, which sql01's "
                               "medium asks for ($.vms[0].policy.medium)"),
            std::string::npos)
      << error_of(doc);
  doc = example();
  doc["vms"][0]["policy"] = {{"mode", "write-back"}, {"medium", "disk"}};
  EXPECT_NE(error_of(doc).find("$.vms[0].policy.medium: 'disk' is not one of flash, ram"),
            std::string::npos);
  doc = example();
  doc["events"][0]["vm_policy"]["policy"]["medium"] = "flash";
  EXPECT_NE(error_of(doc).find("$.events[0].vm_policy.policy.medium: a policy event does not "
                               "move a VM to its host's other cache"),
            std::string::npos);
  // A host without any cache takes a VM of any medium (it runs pass-through)...
  doc = example();
  doc["vms"][2]["policy"] = {{"mode", "pass-through"}, {"medium", "ram"}};
  EXPECT_EQ(parse_scenario(doc, ".").vms[2].host, "esx4");
  // ...unless it caches on a remote host's first cache of another medium.
  doc["cluster"]["hosts"][3]["remote_flash"] = "esx3";
  EXPECT_NE(error_of(doc).find("$.vms[2].host: 'esx4' has no RAM cache"), std::string::npos)
      << error_of(doc);
}

// A VM's own policy that names no medium keeps its datastore's.
TEST(Scenario, AVmPolicyWithoutMediumKeepsItsDatastores) {
  nlohmann::json doc = example();
  doc["cluster"]["hosts"][0]["flash"].push_back({{"device", "ram"}, {"capacity_gib", 64}});
  doc["datastores"][0]["policy"]["medium"] = "ram";    // gold: sql01 on esx1
  doc["vms"][0]["policy"] = {{"mode", "write-back"}};  // no medium
  EXPECT_EQ(parse_scenario(doc, ".").vms[0].host, "esx1/ram");
  doc["vms"][0]["policy"]["medium"] = "flash";
  EXPECT_EQ(parse_scenario(doc, ".").vms[0].host, "esx1");
}

// Events are sorted by time: a refusal names the event's place in the file, not its rank in time.
TEST(Scenario, RefusedEventCombinationsNameTheEventInTheFile) {
  nlohmann::json doc = example();  // events[0]: a policy change at 60 s
  doc["events"].push_back({{"at_s", 5}, {"power_loss", {{"duration_s", 2}}}});
  doc["events"].push_back({{"at_s", 10}, {"cut_link", {{"link", "esx2--tor-r1"}}}});
  EXPECT_NE(error_of(doc).find("$.events[1]: power losses and migrations in a scenario with link "
                               "cuts are not supported yet"),
            std::string::npos)
      << error_of(doc);
  doc = example();
  doc["cluster"]["hosts"][3]["remote_flash"] = "esx3";
  doc["events"].push_back({{"at_s", 30}, {"fail_host", {{"host", "esx2"}}}});
  EXPECT_NE(error_of(doc).find("$.events[1]: failures, power losses and migrations in a scenario "
                               "with a remote_flash host"),
            std::string::npos)
      << error_of(doc);
}

TEST(Scenario, HostFailuresAreReadAndCheckedWithTheirPath) {
  nlohmann::json doc = example();
  doc["cluster"]["ha"] = {{"detect_s", 3}, {"boot_s", 20}};
  doc["events"].push_back({{"at_s", 10}, {"fail_host", {{"host", "esx2"}}}});
  const Scenario s = parse_scenario(doc, ".");
  EXPECT_EQ(s.cluster.ha.detect_s, 3);
  EXPECT_EQ(s.cluster.ha.boot_s, 20);
  ASSERT_EQ(s.events.size(), 2u);  // sorted by time: the failure first
  const auto* failure = std::get_if<HostFailure>(&s.events[0].what);
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->host, "esx2");
  EXPECT_EQ(s.events[0].at_s, 10);

  nlohmann::json unknown = doc;
  unknown["events"][1]["fail_host"]["host"] = "esx9";
  EXPECT_NE(error_of(unknown).find("$.events[1].fail_host.host: 'esx9' is not a host"),
            std::string::npos);
  nlohmann::json twice = doc;
  twice["events"].push_back({{"at_s", 20}, {"fail_host", {{"host", "esx2"}}}});
  EXPECT_NE(error_of(twice).find("$.events[2].fail_host.host: host 'esx2' fails a second time"),
            std::string::npos);
  nlohmann::json repaired = doc;
  repaired["events"][1]["fail_host"]["repair_s"] = 30;
  EXPECT_EQ(std::get<HostFailure>(parse_scenario(repaired, ".").events[0].what).repair_s, 30);
  repaired["events"][1]["fail_host"]["repair_s"] = 200;  // after the end of the run
  EXPECT_NE(error_of(repaired).find("$.events[1].fail_host.repair_s: the host must be repaired "
                                    "inside the run"),
            std::string::npos);
  repaired["events"][1]["fail_host"]["repair_s"] = -1;
  EXPECT_NE(error_of(repaired).find("$.events[1].fail_host.repair_s"), std::string::npos);
  nlohmann::json late = doc;
  late["events"][1]["at_s"] = 120;
  EXPECT_NE(error_of(late).find("$.events[1].at_s: a failure needs a time inside the run"),
            std::string::npos);
  nlohmann::json migrating = doc;
  migrating["events"].push_back({{"at_s", 30}, {"migrate", {{"vm", "sql01"}, {"to", "esx2"}}}});
  EXPECT_NE(error_of(migrating).find("host 'esx2' takes part in a migration"), std::string::npos);
  nlohmann::json flash = doc;
  flash["events"][1] = {{"at_s", 10}, {"fail_flash", {{"host", "esx1"}}}};
  const Scenario with_flash_failure = parse_scenario(flash, ".");
  const auto* device = std::get_if<HostFailure>(&with_flash_failure.events[0].what);
  ASSERT_NE(device, nullptr);
  EXPECT_TRUE(device->flash_only);
  EXPECT_EQ(device->path, "$.events[1].fail_flash");
  flash["events"][1]["fail_flash"]["host"] = "esx4";  // the host without flash
  EXPECT_NE(error_of(flash).find("$.events[1].fail_flash.host: host 'esx4' has no flash to fail"),
            std::string::npos);
  nlohmann::json bad_ha = doc;
  bad_ha["cluster"]["ha"] = {{"detect_s", -1}};
  EXPECT_NE(error_of(bad_ha).find("$.cluster.ha.detect_s"), std::string::npos);
}

// A migrate event names its own JSON path, even though events are sorted by time when read.
TEST(Scenario, MalformedMigrationsNameTheirPath) {
  nlohmann::json doc = example();
  const std::string host = doc["vms"][0]["host"];
  const std::string other = host == "esx1" ? "esx2" : "esx1";
  const nlohmann::json move = {{"at_s", 90}, {"migrate", {{"vm", "sql01"}, {"to", other}}}};
  doc["events"].insert(doc["events"].begin(), move);
  const Scenario s = parse_scenario(doc, ".");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(std::get<VmMigration>(s.events[1].what).to, other);
  doc["events"][0]["migrate"]["to"] = "esx9";
  EXPECT_EQ(error_of(doc), "$.events[0].migrate.to: 'esx9' is not a host of $.cluster.hosts");
  doc["events"][0]["migrate"]["to"] = host;
  EXPECT_NE(error_of(doc).find("$.events[0].migrate.to: VM 'sql01' already runs on host"),
            std::string::npos);
  doc["events"][0]["migrate"] = {{"vm", "nobody"}, {"to", other}};
  EXPECT_EQ(error_of(doc), "$.events[0].migrate.vm: 'nobody' is not one of $.vms");
  doc["events"][0]["migrate"] = {{"vm", "sql01"}, {"to", other}, {"memory_size", 4}};
  EXPECT_NE(error_of(doc).find("$.events[0].migrate.memory_size: unknown key"), std::string::npos);
}

// The memory copy's fields: absent, no copy; a size in GiB or with a unit; a positive rate cap
// that needs a memory size. Bad values name their JSON path.
TEST(Scenario, MigrationMemoryCopyFields) {
  nlohmann::json doc = example();
  const std::string other = doc["vms"][0]["host"] == "esx1" ? "esx2" : "esx1";
  doc["events"] = {{{"at_s", 90}, {"migrate", {{"vm", "sql01"}, {"to", other}}}}};
  const VmMigration plain = std::get<VmMigration>(parse_scenario(doc, ".").events[0].what);
  EXPECT_EQ(plain.memory_bytes, 0u);
  EXPECT_FALSE(plain.copy_rate_mbps.has_value());
  nlohmann::json& move = doc["events"][0]["migrate"];
  move["memory_gib"] = 8;
  move["copy_rate_mbps"] = 250;
  const VmMigration copied = std::get<VmMigration>(parse_scenario(doc, ".").events[0].what);
  EXPECT_EQ(copied.memory_bytes, 8ull << 30);
  ASSERT_TRUE(copied.copy_rate_mbps.has_value());
  EXPECT_EQ(*copied.copy_rate_mbps, 250.0);
  move["memory_gib"] = "512MiB";
  EXPECT_EQ(std::get<VmMigration>(parse_scenario(doc, ".").events[0].what).memory_bytes,
            512ull << 20);

  const std::string memory = "$.events[0].migrate.memory_gib: ";
  move["memory_gib"] = -1;
  EXPECT_EQ(error_of(doc).rfind(memory + "must be from", 0), 0u) << error_of(doc);
  move["memory_gib"] = true;
  EXPECT_EQ(error_of(doc).rfind(memory + "expected a size", 0), 0u) << error_of(doc);
  move["memory_gib"] = "lots";
  EXPECT_EQ(error_of(doc).rfind(memory, 0), 0u) << error_of(doc);
  move["memory_gib"] = 8;
  const std::string rate = "$.events[0].migrate.copy_rate_mbps: ";
  move["copy_rate_mbps"] = -5;
  EXPECT_EQ(error_of(doc).rfind(rate + "must be from", 0), 0u) << error_of(doc);
  move["copy_rate_mbps"] = 0;
  EXPECT_EQ(error_of(doc).rfind(rate, 0), 0u) << error_of(doc);
  move["copy_rate_mbps"] = "fast";
  EXPECT_EQ(error_of(doc).rfind(rate + "expected a number", 0), 0u) << error_of(doc);
  move["copy_rate_mbps"] = 250;
  move["memory_gib"] = 0;
  EXPECT_EQ(error_of(doc), rate + "limits the memory copy's rate: give memory_gib > 0 with it");
}

TEST(Scenario, UnreadableFilesAndBadJsonAreScenarioErrors) {
  EXPECT_THROW(load_scenario("/nonexistent/scenario.json"), ScenarioError);
  const std::string path = ::testing::TempDir() + "/broken.json";
  std::ofstream(path) << "{ \"name\": \"x\",\n  \"seed\": }";
  try {
    load_scenario(path);
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace flashtwin::sim

namespace flashtwin::sim {
namespace {

// warmup_s and prewarm: defaults, values, and a warm-up that leaves nothing to measure.
TEST(Scenario, WarmupAndPrewarm) {
  nlohmann::json doc = example();
  const Scenario plain = parse_scenario(doc);
  EXPECT_EQ(plain.warmup_s, 0);
  EXPECT_FALSE(plain.prewarm);
  doc["warmup_s"] = 2.5;
  doc["prewarm"] = true;
  const Scenario warm = parse_scenario(doc);
  EXPECT_EQ(warm.warmup_s, 2.5);
  EXPECT_TRUE(warm.prewarm);
  doc["warmup_s"] = doc["duration_s"];
  EXPECT_NE(error_of(doc).find("$.warmup_s: must be >= 0 and less than duration_s"),
            std::string::npos)
      << error_of(doc);
  doc["warmup_s"] = -1;
  EXPECT_NE(error_of(doc).find("$.warmup_s"), std::string::npos);
  doc["warmup_s"] = 0;
  doc["prewarm"] = "yes";
  EXPECT_NE(error_of(doc).find("$.prewarm"), std::string::npos);
}

}  // namespace
}  // namespace flashtwin::sim
