// build_platform, configure_exact_timing and CommStarter (see simgrid_platform.hpp).
#include "flashtwin/models/simgrid_platform.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace flashtwin::models {
namespace sg4 = simgrid::s4u;

namespace {

constexpr double kHostSpeedFlops = 1e9;  // hosts compute nothing; any speed will do
constexpr char kArrayName[] = "array";

double bytes_per_s(double mbps) {
  return mbps * 1e6;
}
double seconds(double us) {
  return us * 1e-6;
}

sg4::LinkInRoute::Direction direction(bool forward) {
  return forward ? sg4::LinkInRoute::Direction::UP : sg4::LinkInRoute::Direction::DOWN;
}

void validate(const PlatformSpec& spec) {
  const Topology& topology = spec.topology;
  if (topology.hosts().empty()) throw std::invalid_argument("platform: no hosts");
  const auto array = topology.array();
  if (array && !spec.array) {
    throw std::invalid_argument("platform: the topology has an array but no ArrayProfile");
  }
  if (!array && spec.array) {
    throw std::invalid_argument("platform: an ArrayProfile but no array in the topology");
  }
  if (array && topology.nodes()[*array].name != kArrayName) {
    throw std::invalid_argument("platform: the array node must be called 'array'");
  }
  if (spec.array) validate(*spec.array);
}

// Adds src -> dst and dst -> src over `route` (given from src to dst), with the array front end
// at the array's end when `frontend` is set.
void add_routes(sg4::NetZone& zone, const Route& route, const std::vector<sg4::Link*>& links,
                sg4::Host* src, sg4::Host* dst, sg4::Link* frontend_at_dst) {
  std::vector<sg4::LinkInRoute> forward;
  std::vector<sg4::LinkInRoute> backward;
  for (const RouteHop& hop : route.hops) {
    forward.emplace_back(links[hop.link], direction(hop.forward));
  }
  for (auto hop = route.hops.rbegin(); hop != route.hops.rend(); ++hop) {
    backward.emplace_back(links[hop->link], direction(!hop->forward));
  }
  if (frontend_at_dst != nullptr) {
    forward.emplace_back(frontend_at_dst);
    backward.insert(backward.begin(), sg4::LinkInRoute(frontend_at_dst));
  }
  zone.add_route(src->get_netpoint(), dst->get_netpoint(), nullptr, nullptr, forward, false);
  zone.add_route(dst->get_netpoint(), src->get_netpoint(), nullptr, nullptr, backward, false);
}

}  // namespace

void configure_exact_timing(sg4::Engine& engine) {
  engine.set_config("network/model:CM02");
  engine.set_config("network/crosstraffic:0");
  engine.set_config("network/TCP-gamma:0");
}

SimPlatform build_platform(const PlatformSpec& spec) {
  validate(spec);
  const Topology& topology = spec.topology;
  SimPlatform platform;
  sg4::NetZone* zone = sg4::create_full_zone("cluster");

  // Endpoints: every host, then the array. sim_node[i] is the SimGrid host of Topology node i.
  std::vector<sg4::Host*> sim_node(topology.nodes().size(), nullptr);
  for (std::size_t i : topology.hosts()) {
    const std::string& name = topology.nodes()[i].name;
    sim_node[i] = zone->create_host(name, kHostSpeedFlops)->seal();
    platform.hosts_.emplace_back(name, sim_node[i]);
  }
  const auto array = topology.array();
  if (array) {
    sim_node[*array] = platform.array_ = zone->create_host(kArrayName, kHostSpeedFlops)->seal();
    platform.array_frontend_ =
        zone->create_link("array-frontend", bytes_per_s(spec.array->frontend_mbps))
            ->set_latency(seconds(spec.array->controller_latency_us))
            ->seal();
  }

  for (const TopologyLink& link : topology.links()) {
    sg4::Link* sim_link =
        zone->create_split_duplex_link(link.name, bytes_per_s(link.spec.bandwidth_mbps))
            ->set_latency(seconds(link.spec.latency_us))
            ->seal();
    platform.links_.push_back(sim_link);
  }

  const std::vector<std::size_t> hosts = topology.hosts();
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    for (std::size_t j = i + 1; j < hosts.size(); ++j) {
      add_routes(*zone, topology.route(hosts[i], hosts[j]), platform.links_, sim_node[hosts[i]],
                 sim_node[hosts[j]], nullptr);
    }
    if (array) {
      add_routes(*zone, topology.route(hosts[i], *array), platform.links_, sim_node[hosts[i]],
                 platform.array_, platform.array_frontend_);
    }
  }

  zone->seal();
  return platform;
}

sg4::Host* SimPlatform::host(std::string_view name) const {
  for (const auto& [host_name, host] : hosts_) {
    if (host_name == name) return host;
  }
  throw std::invalid_argument("platform: no host '" + std::string(name) + "'");
}

// ---- CommStarter ----------------------------------------------------------------------------

struct CommStarter::State {
  struct Pending {
    sg4::CommPtr comm;
    Done done;
    double start_s = 0;
  };
  std::unordered_map<const sg4::Activity*, Pending> pending;
  // Completed comms, released at the next completion (not inside their own callback).
  std::vector<sg4::ActivityPtr> parked;

  void complete(const sg4::Activity& activity) {
    const auto it = pending.find(&activity);
    if (it == pending.end()) return;  // not ours
    parked.clear();
    Pending finished = std::move(it->second);
    pending.erase(it);
    parked.push_back(std::move(finished.comm));
    const CommResult result{.start_s = finished.start_s,
                            .finish_s = sg4::Engine::get_clock(),
                            .ok = activity.get_state() == sg4::Activity::State::FINISHED};
    finished.done(result);
  }
};

CommStarter::CommStarter() : state_(std::make_shared<State>()) {
  // The signal cannot be disconnected in 3.32: the slot holds a weak pointer and goes quiet once
  // this CommStarter is gone.
  sg4::Activity::on_completion_cb([weak = std::weak_ptr<State>(state_)](const sg4::Activity& a) {
    if (auto state = weak.lock()) state->complete(a);
  });
}

CommStarter::~CommStarter() = default;

void CommStarter::start(sg4::Host* from, sg4::Host* to, std::uint64_t bytes, Done done) {
  sg4::CommPtr comm = sg4::Comm::sendto_init(from, to);
  comm->set_payload_size(bytes);
  const sg4::Activity* key = comm.get();
  state_->pending.emplace(key, State::Pending{comm, std::move(done), sg4::Engine::get_clock()});
  comm->start();
}

std::size_t CommStarter::in_flight() const {
  return state_->pending.size();
}

}  // namespace flashtwin::models
