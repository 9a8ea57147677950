// The engine's vocabulary: identifiers, request kinds, cache modes and outcomes.
//
// Everything here is a plain value type. Time is simulated time in nanoseconds, handed to the
// engine with every event; the engine never reads a clock. Versions are opaque to the engine: it
// moves them like data (a write carries one, a flash or array read returns the ones the device
// holds) so that the runtime can check every read against the last acknowledged write.
#pragma once

#include <cstdint>
#include <string_view>

namespace flashtwin::engine {

using TimeNs = std::int64_t;        // simulated time, nanoseconds
using HostId = std::uint32_t;       // a hypervisor host of the cluster
using VmId = std::uint32_t;         // cluster-wide VM id
using DiskId = std::uint32_t;       // cluster-wide virtual disk id
using DatastoreId = std::uint32_t;  // cluster-wide datastore id
using RequestId = std::uint64_t;    // chosen by the runtime, echoed in the completion
using CommandId = std::uint64_t;    // chosen by the engine, echoed by the runtime's completion
using SlotId = std::uint32_t;       // a cache block's place on this host's flash: [0, capacity)
using BlockNo = std::uint64_t;      // block number within a virtual disk (offset / block size)
using Version = std::uint64_t;      // data version; 0 means "never written"
using Epoch = std::uint64_t;        // per-VM ownership epoch (cluster protocol)
using TimerId = std::uint32_t;

enum class IoKind : std::uint8_t { read, write, flush, discard };

// How a VM's I/O uses the flash tier.
//   pass_through  - flash not used: reads and writes go to the array.
//   write_through - reads cached; writes go to the array and to flash, acknowledged by the array.
//   write_around  - reads cached; writes go to the array only and drop any cached copy.
//   write_back    - reads cached; writes acknowledged once on local flash, destaged to the array
//   later.
enum class CacheMode : std::uint8_t { pass_through, write_through, write_around, write_back };

// Outcome of a device, array or network command, and of a VM request.
enum class Status : std::uint8_t { ok, io_error };

std::string_view to_string(IoKind kind);
std::string_view to_string(CacheMode mode);
std::string_view to_string(Status status);

// Parses "pass-through", "write-through", "write-around", "write-back". Returns false if unknown.
bool parse_cache_mode(std::string_view text, CacheMode& mode);

}  // namespace flashtwin::engine
