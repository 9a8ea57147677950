// The SimGrid platform of a cluster: hosts, network, array front end and cache devices, built into
// the current simgrid::s4u::Engine from a Topology, device profiles and an array profile; and
// CommStarter, which times transfers and device I/Os without an actor per request.
//
// These two files (simgrid_platform.hpp/.cpp) are the only ones in models/ that include SimGrid.
// Facts about SimGrid 3.32 relied on here: /work/shared/SIMGRID_3.32_NOTES.md.
//
// Use:
//   simgrid::s4u::Engine engine(&argc, argv);
//   configure_exact_timing(engine);            // first, before anything is built
//   SimPlatform platform = build_platform(spec);
//   CommStarter comms;                         // declared after the Engine: destroyed before it
//   comms.start_device_io(platform.device("esx1", "nvme0"), DeviceOp::read, 4096, on_done);
//   engine.run();
//
// What is built (one full zone "cluster"):
//   - one SimGrid host per Topology host and one "array" host;
//   - one split-duplex SimGrid link per Topology link (full duplex, as Ethernet and FC are), named
//     like the Topology link, crossed UP from link.a to link.b and DOWN the other way. Switches are
//     not SimGrid resources (neither routers nor links): their fabric is taken as non-blocking and
//     their forwarding delay belongs in the links' latency. Routes are installed for every pair of
//     hosts and every host <-> array, each as Topology::route gives it;
//   - the array front end: one shared link "array-frontend" (frontend_mbps, controller_latency_us),
//     the last link of every route to the array and the first of every route from it. The
//     backend (array_model.hpp) is not a SimGrid resource: the runtime adds backend_latency_us;
//   - per cache device, a "device node" host "<host>/<device>" joined to its host by three links:
//       "<host>/<device>/shared"  bandwidth max(read_mbps, write_mbps), latency 0,
//                                 concurrency limit queue_depth (shared by reads and writes);
//       "<host>/<device>/read"    read_mbps,  read_latency_us;
//       "<host>/<device>/write"   write_mbps, write_latency_us.
//     A read is a comm node -> host over {shared, read}; a write host -> node over {shared, write}.
//     Alone on the device, an I/O of S bytes takes exactly io_time_s() (device_model.hpp). GC
//     slowdown: the runtime sets the write link's bandwidth (Link::set_bandwidth, bytes/s).
//
// Queue depth in SimGrid 3.32 (measured): Link::set_concurrency_limit(n) limits how many comms are
// in their *bandwidth* phase on the link at once; the others wait (in arrival order) for a slot.
// The latency phases of all comms overlap without limit. So with queue_depth 1 the transfer
// phases are served one at a time (an M/D/1 queue for same-size I/Os) behind a constant latency.
// To bound the commands outstanding on a device, latency included, the runtime must hold extra
// I/Os back itself.
//
// Units: SimGrid works in bytes, bytes/s and seconds; MB/s are converted as 1 MB/s = 10^6 B/s.
// Thread rules: SimGrid's maestro thread only.
#pragma once

#include "flashtwin/models/array_model.hpp"
#include "flashtwin/models/device_model.hpp"
#include "flashtwin/models/topology.hpp"

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::models {

// Sets network/model:CM02, network/crosstraffic:0 and network/TCP-gamma:0, so that a transfer of
// S bytes alone on a route takes exactly sum(latencies) + S / min(bandwidths) (measured to 1e-9
// relative; when many events are close together SimGrid settles dates to its surf/precision,
// 1e-9 s, which this leaves at its default). Call right after
// constructing `engine`, before building anything (changing the model later aborts SimGrid).
void configure_exact_timing(simgrid::s4u::Engine& engine);

struct DeviceAttachment {
  std::string host;  // a Topology host
  std::string name;  // unique per host, e.g. "nvme0"
  DeviceProfile profile;
};

struct PlatformSpec {
  Topology topology;
  std::vector<DeviceAttachment> devices;
  std::optional<ArrayProfile> array;  // required if and only if the topology has an array
};

struct SimDevice {
  std::string host_name;
  std::string name;
  DeviceProfile profile;
  simgrid::s4u::Host* host = nullptr;  // the host the device sits in
  simgrid::s4u::Host* node = nullptr;  // the device node
  simgrid::s4u::Link* shared = nullptr;
  simgrid::s4u::Link* read = nullptr;
  simgrid::s4u::Link* write = nullptr;
};

// Handles to what build_platform made. The SimGrid objects belong to the Engine.
class SimPlatform {
 public:
  // Throws std::invalid_argument for an unknown name.
  simgrid::s4u::Host* host(std::string_view name) const;
  const SimDevice& device(std::string_view host, std::string_view name) const;
  const std::vector<SimDevice>& devices() const { return devices_; }
  simgrid::s4u::Host* array() const { return array_; }                    // null without an array
  simgrid::s4u::Link* array_frontend() const { return array_frontend_; }  // null without an array
  // The SimGrid link of Topology link `index`.
  simgrid::s4u::Link* link(std::size_t index) const { return links_.at(index); }

 private:
  friend SimPlatform build_platform(const PlatformSpec& spec);
  std::vector<std::pair<std::string, simgrid::s4u::Host*>> hosts_;
  std::vector<SimDevice> devices_;
  std::vector<simgrid::s4u::Link*> links_;
  simgrid::s4u::Host* array_ = nullptr;
  simgrid::s4u::Link* array_frontend_ = nullptr;
};

// Builds the platform described above into the current Engine (which must exist, be configured
// and hold no platform yet) and seals it. Validates everything first and throws
// std::invalid_argument naming the culprit before any SimGrid call, so bad input never reaches an
// xbt_assert.
SimPlatform build_platform(const PlatformSpec& spec);

// The two ends of an I/O on `device`: {device node, host} for a read, {host, device node} for a
// write.
std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*> io_endpoints(const SimDevice& device,
                                                                 DeviceOp op);

struct CommResult {
  double start_s = 0;   // simulated date the comm was started
  double finish_s = 0;  // simulated date it completed (or failed)
  bool ok = false;      // false if it failed (host or link turned off) or was cancelled
};

// Starts comms outside any actor — before Engine::run(), from a kernel timer or from another
// comm's completion callback — and calls back at their completion date. Keeps every comm alive
// until it completes and releases it one completion later (never inside its own callback), as
// SimGrid 3.32 requires.
//
// Listens on the process-wide Activity completion signal and ignores activities it did not
// start. Must not be destroyed while comms it started are in flight; declare it after the Engine
// so it goes first. Not thread-safe.
class CommStarter {
 public:
  using Done = std::function<void(const CommResult&)>;

  CommStarter();
  ~CommStarter();
  CommStarter(const CommStarter&) = delete;
  CommStarter& operator=(const CommStarter&) = delete;

  // Starts moving `bytes` from `from` to `to` now; `done` runs at completion and may start more.
  void start(simgrid::s4u::Host* from, simgrid::s4u::Host* to, std::uint64_t bytes, Done done);
  // An I/O of `bytes` on `device` (see io_endpoints).
  void start_device_io(const SimDevice& device, DeviceOp op, std::uint64_t bytes, Done done);

  std::size_t in_flight() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace flashtwin::models
