// The SimGrid platform of a cluster: hosts, network and the array's front end, built into the
// current simgrid::s4u::Engine from a Topology and an array profile; and CommStarter, which times
// transfers without an actor per request.
//
// These two files (simgrid_platform.hpp/.cpp) are the only ones in models/ that include SimGrid.
// Facts about SimGrid 3.32 relied on here: /work/shared/SIMGRID_3.32_NOTES.md.
//
// Use:
//   simgrid::s4u::Engine engine(&argc, argv);
//   configure_exact_timing(engine);            // first, before anything is built
//   SimPlatform platform = build_platform(spec);
//   CommStarter comms;                         // declared after the Engine: destroyed before it
//   comms.start(platform.host("esx1"), platform.array(), 4096, on_done);
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
//     NVRAM and backend behind it are StorageArray's queues (array_model.hpp), run by the runtime.
// Cache devices are not SimGrid resources: no other host touches them, so the runtime runs each as
// an exact queue outside SimGrid (FlashDevice, device_model.hpp), as ARCHITECTURE.md allows.
// (SimGrid 3.32's Link::set_concurrency_limit bounds only the bandwidth phase of a comm, so a link
// could not have modelled a device's queue depth anyway.)
//
// Units: SimGrid works in bytes, bytes/s and seconds; MB/s are converted as 1 MB/s = 10^6 B/s.
// Thread rules: SimGrid's maestro thread only.
#pragma once

#include "flashtwin/models/array_model.hpp"
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

struct PlatformSpec {
  Topology topology;
  std::optional<ArrayProfile> array;  // required if and only if the topology has an array
};

// Handles to what build_platform made. The SimGrid objects belong to the Engine.
class SimPlatform {
 public:
  // Throws std::invalid_argument for an unknown name.
  simgrid::s4u::Host* host(std::string_view name) const;
  simgrid::s4u::Host* array() const { return array_; }                    // null without an array
  simgrid::s4u::Link* array_frontend() const { return array_frontend_; }  // null without an array
  // The SimGrid link of Topology link `index`.
  simgrid::s4u::Link* link(std::size_t index) const { return links_.at(index); }

 private:
  friend SimPlatform build_platform(const PlatformSpec& spec);
  std::vector<std::pair<std::string, simgrid::s4u::Host*>> hosts_;
  std::vector<simgrid::s4u::Link*> links_;
  simgrid::s4u::Host* array_ = nullptr;
  simgrid::s4u::Link* array_frontend_ = nullptr;
};

// Builds the platform described above into the current Engine (which must exist, be configured
// and hold no platform yet) and seals it. Validates everything first and throws
// std::invalid_argument naming the culprit before any SimGrid call, so bad input never reaches an
// xbt_assert.
SimPlatform build_platform(const PlatformSpec& spec);

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

  std::size_t in_flight() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace flashtwin::models
