// build_platform, configure_exact_timing and CommStarter (see simgrid_platform.hpp).
#include "flashtwin/models/simgrid_platform.hpp"

#include <algorithm>
#include <set>
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
  std::set<std::string> device_nodes;
  for (const DeviceAttachment& d : spec.devices) {
    const auto host = topology.find_node(d.host);
    if (!host || topology.nodes()[*host].kind != NodeKind::host) {
      throw std::invalid_argument("platform: device '" + d.name + "' is on '" + d.host +
                                  "', which is not a host");
    }
    if (d.name.empty()) {
      throw std::invalid_argument("platform: a device on '" + d.host + "' has no name");
    }
    validate(d.profile);
    const std::string node = d.host + "/" + d.name;
    if (!device_nodes.insert(node).second || topology.find_node(node)) {
      throw std::invalid_argument("platform: duplicate device '" + node + "'");
    }
  }
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

SimDevice add_device(sg4::NetZone& zone, const DeviceAttachment& d, sg4::Host* host) {
  const DeviceProfile& p = d.profile;
  SimDevice device{.host_name = d.host, .name = d.name, .profile = p, .host = host};
  const std::string prefix = d.host + "/" + d.name;
  device.node = zone.create_host(prefix, kHostSpeedFlops)->seal();
  device.shared =
      zone.create_link(prefix + "/shared", bytes_per_s(std::max(p.read_mbps, p.write_mbps)))
          ->set_latency(0)
          ->set_concurrency_limit(static_cast<int>(p.queue_depth))
          ->seal();
  device.read = zone.create_link(prefix + "/read", bytes_per_s(p.read_mbps))
                    ->set_latency(seconds(p.read_latency_us))
                    ->seal();
  device.write = zone.create_link(prefix + "/write", bytes_per_s(p.write_mbps))
                     ->set_latency(seconds(p.write_latency_us))
                     ->seal();
  zone.add_route(device.node->get_netpoint(), host->get_netpoint(), nullptr, nullptr,
                 {sg4::LinkInRoute(device.shared), sg4::LinkInRoute(device.read)}, false);
  zone.add_route(host->get_netpoint(), device.node->get_netpoint(), nullptr, nullptr,
                 {sg4::LinkInRoute(device.shared), sg4::LinkInRoute(device.write)}, false);
  return device;
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

  for (const DeviceAttachment& d : spec.devices) {
    platform.devices_.push_back(add_device(*zone, d, sim_node[topology.node(d.host)]));
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

const SimDevice& SimPlatform::device(std::string_view host, std::string_view name) const {
  for (const SimDevice& d : devices_) {
    if (d.host_name == host && d.name == name) return d;
  }
  throw std::invalid_argument("platform: no device '" + std::string(name) + "' on '" +
                              std::string(host) + "'");
}

std::pair<sg4::Host*, sg4::Host*> io_endpoints(const SimDevice& device, DeviceOp op) {
  if (op == DeviceOp::read) return {device.node, device.host};
  return {device.host, device.node};
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

void CommStarter::start_device_io(const SimDevice& device, DeviceOp op, std::uint64_t bytes,
                                  Done done) {
  const auto [from, to] = io_endpoints(device, op);
  start(from, to, bytes, std::move(done));
}

std::size_t CommStarter::in_flight() const {
  return state_->pending.size();
}

}  // namespace flashtwin::models
