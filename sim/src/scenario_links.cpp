// The link cuts of a scenario: `cut_link` events (docs/SCENARIOS.md, "events"; what a cut does:
// docs/CLUSTER.md, "Link cuts and partitions").
#include "link_state.hpp"
#include "scenario_platform.hpp"
#include "scenario_sections.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace flashtwin::sim {

std::optional<LinkCut> parse_link_cut(ObjectReader& event) {
  const nlohmann::json* json = event.child("cut_link");
  if (json == nullptr) return std::nullopt;
  ObjectReader r(*json, event.path_of("cut_link"));
  LinkCut cut;
  cut.link = r.required<std::string>("link");
  cut.duration_s = r.optional_in<double>("duration_s", 0, 0, limit::kMaxDurationS);
  cut.path = r.path();
  r.finish();
  return cut;
}

namespace {

std::string event_path(const std::string& path) {
  return path.substr(0, path.rfind('.'));
}

// "h1--switch, h2--switch, ..." (at most 8 names), for an error message.
std::string some_links(const models::Topology& topology) {
  std::string list;
  std::size_t shown = 0;
  for (const models::TopologyLink& link : topology.links()) {
    if (topology.nodes()[link.a].kind == models::NodeKind::array ||
        topology.nodes()[link.b].kind == models::NodeKind::array)
      continue;
    if (shown++ == 8) return list + ", ...";
    list += (list.empty() ? "" : ", ") + link.name;
  }
  return list;
}

}  // namespace

// A cut names a link of the topology that does not touch the array (its failures are
// array_outage), once per run, inside the run; a ToR's uplinks are cut together (same time and
// duration: routes do not fail over to the other spine, so one uplink alone would cut routes a
// real network would move); no power loss, migration or remote flash in the same scenario (a
// later part).
void check_link_cuts(const Scenario& s) {
  std::vector<std::pair<const LinkCut*, double>> cuts;
  for (const EventSpec& event : s.events)
    if (const auto* cut = std::get_if<LinkCut>(&event.what)) cuts.emplace_back(cut, event.at_s);
  if (cuts.empty()) return;
  const models::Topology topology = platform_spec(s).topology;
  std::set<std::string> seen;
  struct UplinkCuts {
    double at_s = 0, duration_s = 0;
    std::size_t count = 0;
    std::string path;  // of the first
  };
  std::map<std::string, UplinkCuts> uplinks_of;  // by ToR
  for (const auto& [cut, at_s] : cuts) {
    const std::optional<std::size_t> index = find_link(topology, cut->link);
    if (!index) {
      throw ScenarioError(cut->path + ".link", "'" + cut->link +
                                                   "' is not a link of the network (its links: " +
                                                   some_links(topology) + ")");
    }
    const models::TopologyLink& link = topology.links()[*index];
    const models::TopologyNode& a = topology.nodes()[link.a];
    const models::TopologyNode& b = topology.nodes()[link.b];
    if (a.kind == models::NodeKind::array || b.kind == models::NodeKind::array) {
      throw ScenarioError(cut->path + ".link",
                          "'" + cut->link + "' joins the array; use array_outage for the array");
    }
    if (!seen.insert(link.name).second) {
      throw ScenarioError(cut->path + ".link",
                          "'" + cut->link + "' is cut a second time; once per run");
    }
    if (at_s <= 0 || at_s >= s.duration_s ||
        (cut->duration_s > 0 && at_s + cut->duration_s >= s.duration_s)) {
      throw ScenarioError(event_path(cut->path) + ".at_s",
                          "a cut needs a time inside the run (0 < at_s < duration_s), and a "
                          "restore too when duration_s is given");
    }
    if (a.kind == models::NodeKind::tor_switch && b.kind == models::NodeKind::spine_switch) {
      const auto [it, first] =
          uplinks_of.try_emplace(a.name, UplinkCuts{at_s, cut->duration_s, 0, cut->path});
      if (!first && (it->second.at_s != at_s || it->second.duration_s != cut->duration_s)) {
        throw ScenarioError(event_path(cut->path),
                            "the uplinks of " + a.name + " are cut at one time for one duration");
      }
      ++it->second.count;
    }
  }
  for (const auto& [tor, cut] : uplinks_of) {
    std::size_t uplinks = 0;
    for (const models::TopologyLink& link : topology.links())
      uplinks += topology.nodes()[link.a].name == tor &&
                         topology.nodes()[link.b].kind == models::NodeKind::spine_switch
                     ? 1
                     : 0;
    if (cut.count != uplinks) {
      throw ScenarioError(event_path(cut.path),
                          "cutting " + std::to_string(cut.count) + " of the " +
                              std::to_string(uplinks) + " uplinks of " + tor +
                              " is not modelled (routes do not fail over to another spine); "
                              "cut all of them to partition its rack");
    }
  }
  for (const EventSpec& event : s.events) {
    const auto* loss = std::get_if<PowerLoss>(&event.what);
    const auto* move = std::get_if<VmMigration>(&event.what);
    if (loss == nullptr && move == nullptr) continue;
    throw ScenarioError(event_path(loss != nullptr ? loss->path : move->path),
                        "power losses and migrations in a scenario with link cuts are not "
                        "supported yet");
  }
  for (const HostSpec& host : s.cluster.hosts) {
    if (!host.remote_flash.empty()) {
      throw ScenarioError(event_path(cuts.front().first->path),
                          "link cuts in a scenario with a remote_flash host are not supported yet");
    }
  }
}

}  // namespace flashtwin::sim
