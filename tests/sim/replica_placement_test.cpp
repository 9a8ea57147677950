// Replica placement (sim/src/replica_placement.hpp): fault domains, network distance, room,
// determinism, and the write-through fallback when too few peers are eligible.
#include "replica_placement.hpp"
#include "scenario_platform.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace flashtwin::sim {
namespace {

nlohmann::json host(const std::string& name, const std::string& rack, double flash_gib = 8) {
  nlohmann::json h = {{"name", name}, {"rack", rack}};
  if (flash_gib > 0) h["flash"] = {{{"device", "nvme-1.6t"}, {"capacity_gib", flash_gib}}};
  return h;
}

nlohmann::json vm(const std::string& name, const std::string& on) {
  return {{"name", name},
          {"host", on},
          {"datastore", "wb"},
          {"disks", {{{"size_gib", 1}, {"workload", {{"iops", 10}}}}}}};
}

// Leaf-spine, racks r1 (a1, a2) and r2 (b1, b2, b3 without flash).
nlohmann::json cluster(std::uint32_t replicas) {
  return {{"duration_s", 1},
          {"cluster",
           {{"topology", "leaf-spine"},
            {"hosts",
             {host("a1", "r1"), host("a2", "r1"), host("b1", "r2"), host("b2", "r2"),
              host("b3", "r2", 0)}}}},
          {"datastores",
           {{{"name", "wb"}, {"policy", {{"mode", "write-back"}, {"replicas", replicas}}}}}},
          {"vms", {vm("v1", "a1"), vm("v2", "a1"), vm("v3", "b1")}}};
}

std::vector<std::size_t> sorted(std::vector<std::size_t> hosts) {
  std::sort(hosts.begin(), hosts.end());
  return hosts;
}

std::vector<VmPlacement> place(const nlohmann::json& doc) {
  const Scenario s = parse_scenario(doc);
  const ScenarioIndex index(s);
  return place_replicas(s, index, platform_spec(s).topology);
}

TEST(ReplicaPlacement, PeersAreOutsideTheOwnersRackAndHaveFlash) {
  const std::vector<VmPlacement> p = place(cluster(2));
  EXPECT_EQ(sorted(p[0].peers), (std::vector<std::size_t>{2, 3}));  // b1, b2
  EXPECT_EQ(sorted(p[2].peers), (std::vector<std::size_t>{0, 1}));  // a1, a2; never b3 (no flash)
  for (const VmPlacement& v : p)
    EXPECT_FALSE(v.write_through());
}

TEST(ReplicaPlacement, RoomSpreadsVmsOverEqualPeers) {
  const std::vector<VmPlacement> p = place(cluster(1));
  ASSERT_EQ(p[0].peers.size(), 1u);
  ASSERT_EQ(p[1].peers.size(), 1u);
  EXPECT_NE(p[0].peers[0], p[1].peers[0]);  // v2 goes to the b host v1 did not load
}

TEST(ReplicaPlacement, NetworkClosePeersComeFirst) {
  // With fault domains of their own, the hosts of the owner's rack are eligible and closer (one
  // ToR) than the other rack's (ToR, spine, ToR).
  nlohmann::json doc = cluster(1);
  for (auto& h : doc["cluster"]["hosts"])
    h["fault_domain"] = std::string(h["name"]);
  const std::vector<VmPlacement> p = place(doc);
  EXPECT_EQ(p[0].peers, (std::vector<std::size_t>{1}));  // a2, next to a1
  EXPECT_EQ(p[2].peers, (std::vector<std::size_t>{3}));  // b2, next to b1
}

TEST(ReplicaPlacement, TooFewEligiblePeersMeansWriteThrough) {
  nlohmann::json doc = cluster(2);
  doc["cluster"]["hosts"][3]["rack"] = "r1";  // r2 keeps only b1 with flash
  const std::vector<VmPlacement> p = place(doc);
  EXPECT_TRUE(p[0].write_through());
  EXPECT_EQ(p[0].peers, (std::vector<std::size_t>{2}));  // the one found, reported
  EXPECT_FALSE(p[2].write_through());                    // b1 (r2) has a1, a2 and b2, all in r1 now
}

TEST(ReplicaPlacement, SameScenarioAndSeedSamePeers) {
  nlohmann::json doc = cluster(1);
  doc["vms"] = {vm("v1", "a1"), vm("v2", "a2"), vm("v3", "a1"), vm("v4", "a2")};
  const auto first = place(doc);
  const auto again = place(doc);
  for (std::size_t v = 0; v < first.size(); ++v)
    EXPECT_EQ(first[v].peers, again[v].peers);
}

TEST(ReplicaPlacement, OnlyWriteBackAsksForReplicas) {
  nlohmann::json doc = cluster(1);
  doc["vms"][1]["policy"] = {{"mode", "write-through"}};
  const std::vector<VmPlacement> p = place(doc);
  EXPECT_EQ(p[1].asked, 0u);
  EXPECT_TRUE(p[1].peers.empty());
  EXPECT_EQ(p[0].asked, 1u);
}

// Hosts with flash and RAM (docs/CLUSTER.md, "Flash and RAM on one host"): racks r1 (a1) and
// r2 (b1 with flash and RAM, b2 with flash only). A RAM VM on a1's RAM asks for two copies.
TEST(ReplicaPlacement, AHostWithFlashAndRamOffersTheOwnersMediumOnce) {
  nlohmann::json doc = cluster(2);
  doc["cluster"]["hosts"] = {host("a1", "r1"), host("b1", "r2"), host("b2", "r2")};
  for (const std::size_t h : {0, 1})
    doc["cluster"]["hosts"][h]["flash"].push_back({{"device", "ram"}, {"capacity_gib", 4}});
  doc["vms"] = {vm("flash-vm", "a1"), vm("ram-vm", "a1")};
  doc["vms"][1]["policy"] = {{"mode", "write-back"}, {"replicas", 2}, {"medium", "ram"}};
  const Scenario s = parse_scenario(doc);
  ASSERT_EQ(s.cluster.hosts.size(), 5u);  // a1, a1/ram, b1, b1/ram, b2
  const ScenarioIndex index(s);
  const models::Topology topology = platform_spec(s).topology;
  const std::vector<VmPlacement> p = place_replicas(s, index, topology);
  // One copy per physical host: b1's flash (not its RAM too) and b2's.
  EXPECT_EQ(sorted(p[0].peers), (std::vector<std::size_t>{2, 4}));
  // The RAM VM's copy on b1 goes to b1's RAM; b2 has only flash.
  EXPECT_EQ(sorted(p[1].peers), (std::vector<std::size_t>{3, 4}));
  EXPECT_EQ(index.machine_hosts[1], (std::vector<std::size_t>{1, 0}));
  // b1's RAM failed: b1 offers its flash instead, still once.
  std::vector<bool> failed(5, false);
  failed[3] = true;
  EXPECT_EQ(sorted(choose_peers(s, topology, 1, 1, 2, {}, failed)),
            (std::vector<std::size_t>{2, 4}));
  // A kept copy on b1's flash: b1's RAM is not taken as the second.
  EXPECT_EQ(choose_peers(s, topology, 1, 1, 2, {2}, std::vector<bool>(5, false)),
            (std::vector<std::size_t>{2, 4}));
}

}  // namespace
}  // namespace flashtwin::sim
