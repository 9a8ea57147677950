// LinkState: which links of the network are cut now or were since a given time, and so which hosts
// can still talk to each other and to the array (docs/CLUSTER.md, "Link cuts and partitions").
// Routes are the topology's and do not change (as the SimGrid platform's: no failover), so two
// endpoints are connected when no link of the route between them is cut; a transfer that started
// at `since_ns` got through if no link of its route was cut from then until it ended. Internal to
// sim/.
#pragma once

#include "flashtwin/models/topology.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

// The index of the topology link `name` names ("<a>--<b>", either order), or nullopt.
std::optional<std::size_t> find_link(const models::Topology& topology, const std::string& name);

class LinkState {
 public:
  // `hosts`: each scenario host's topology node, in scenario order (a host's flash and RAM share
  // one). Computes every route once
  // (hosts^2 / 2 of them): build it only for a run that cuts links.
  LinkState(const models::Topology& topology, const std::vector<std::size_t>& hosts);

  // Link `link` is cut (or restored) at `now_ns`.
  void set_cut(std::size_t link, bool cut, std::int64_t now_ns);
  // Now, or without a cut from `since_ns` to now. Scenario host indices; a host is connected to
  // itself.
  bool connected(std::size_t h, std::size_t g, std::int64_t since_ns = kNow) const;
  bool reaches_array(std::size_t h, std::int64_t since_ns = kNow) const;

 private:
  static constexpr std::int64_t kNow = INT64_MAX;
  bool crosses_cut(const std::vector<std::uint32_t>& links, std::int64_t since_ns) const;

  std::size_t hosts_ = 0;
  std::vector<std::vector<std::uint32_t>> pair_links_;   // [h * hosts + g], h < g: route links
  std::vector<std::vector<std::uint32_t>> array_links_;  // by host (empty: no array)
  std::vector<bool> cut_;                                // by topology link
  std::vector<std::int64_t> last_cut_ns_;                // by topology link (-1: never cut)
};

}  // namespace flashtwin::sim
