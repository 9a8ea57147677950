#include "link_state.hpp"

#include <algorithm>

namespace flashtwin::sim {

std::optional<std::size_t> find_link(const models::Topology& topology, const std::string& name) {
  const std::size_t dash = name.find("--");
  if (dash == std::string::npos) return std::nullopt;
  const std::string reversed = name.substr(dash + 2) + "--" + name.substr(0, dash);
  const std::vector<models::TopologyLink>& links = topology.links();
  for (std::size_t l = 0; l < links.size(); ++l)
    if (links[l].name == name || links[l].name == reversed) return l;
  return std::nullopt;
}

namespace {
std::vector<std::uint32_t> route_links(const models::Route& route) {
  std::vector<std::uint32_t> links;
  for (const models::RouteHop& hop : route.hops)
    links.push_back(static_cast<std::uint32_t>(hop.link));
  return links;
}
}  // namespace

LinkState::LinkState(const models::Topology& topology, const std::vector<std::size_t>& hosts)
    : hosts_(hosts.size()),
      pair_links_(hosts.size() * hosts.size()),
      array_links_(hosts.size()),
      cut_(topology.links().size(), false),
      last_cut_ns_(topology.links().size(), -1) {
  const std::optional<std::size_t> array = topology.array();
  for (std::size_t h = 0; h < hosts_; ++h) {
    for (std::size_t g = h + 1; g < hosts_; ++g)  // one host's flash and RAM: no links between
      if (hosts[h] != hosts[g])
        pair_links_[h * hosts_ + g] = route_links(topology.route(hosts[h], hosts[g]));
    if (array) array_links_[h] = route_links(topology.route(hosts[h], *array));
  }
}

void LinkState::set_cut(std::size_t link, bool cut, std::int64_t now_ns) {
  cut_.at(link) = cut;
  if (cut) last_cut_ns_[link] = now_ns;
}

bool LinkState::crosses_cut(const std::vector<std::uint32_t>& links, std::int64_t since_ns) const {
  return std::any_of(links.begin(), links.end(),
                     [&](std::uint32_t l) { return cut_[l] || last_cut_ns_[l] >= since_ns; });
}

bool LinkState::connected(std::size_t h, std::size_t g, std::int64_t since_ns) const {
  if (h == g) return true;
  return !crosses_cut(pair_links_[std::min(h, g) * hosts_ + std::max(h, g)], since_ns);
}

bool LinkState::reaches_array(std::size_t h, std::int64_t since_ns) const {
  return !crosses_cut(array_links_[h], since_ns);
}

}  // namespace flashtwin::sim
