// WriteBuffer: a write cache in front of slower media — an array's NVRAM, an SSD's DRAM buffer.
// A write is admitted (and may be acknowledged) when the buffer has room for it; admitted writes
// are drained, oldest first, as background jobs of a ServerPool, and free their room when their
// drain ends. When the buffer is full, writes wait in FIFO order: that is the write cliff.
//
// Drain priority: the buffer's work is *urgent* (goes before waiting foreground jobs) when writes
// are waiting for room or the buffer is at least `urgent_fill` full; otherwise it is drained only
// by idle servers. A write larger than the whole buffer waits for an empty buffer and takes all of
// it. Invariant: used_bytes() <= capacity_bytes().
//
// Not thread-safe. Must outlive the pool it is attached to (the pool calls take()).
#pragma once

#include "flashtwin/models/server_pool.hpp"

#include <cstdint>
#include <deque>
#include <functional>

namespace flashtwin::models {

class WriteBuffer final : public BackgroundWork {
 public:
  // Service seconds on one server to drain a write of `bytes`.
  using DrainCost = std::function<double(std::uint64_t bytes)>;

  // Requires capacity_bytes > 0 and urgent_fill in [0, 1].
  WriteBuffer(std::uint64_t capacity_bytes, double urgent_fill, DrainCost cost);
  // The pool that drains this buffer (set once, before the first admit).
  void drain_through(ServerPool& pool) { pool_ = &pool; }

  // Admits a write of `bytes`: `admitted` runs now if there is room and no earlier write waits,
  // else when drains have made room.
  void admit(std::uint64_t bytes, JobDone admitted);

  std::optional<Job> take(bool urgent_only) override;

  std::uint64_t capacity_bytes() const { return capacity_bytes_; }
  std::uint64_t used_bytes() const { return used_bytes_; }
  std::size_t writes_waiting() const { return waiting_.size(); }
  bool urgent() const;

 private:
  struct Waiting {
    std::uint64_t bytes = 0;
    JobDone admitted;
  };
  std::uint64_t held(std::uint64_t bytes) const {
    return bytes < capacity_bytes_ ? bytes : capacity_bytes_;
  }
  void release(std::uint64_t bytes);

  std::uint64_t capacity_bytes_;
  double urgent_fill_;
  DrainCost cost_;
  ServerPool* pool_ = nullptr;
  std::uint64_t used_bytes_ = 0;
  std::deque<std::uint64_t> to_drain_;  // admitted writes not yet draining, oldest first
  std::deque<Waiting> waiting_;         // writes waiting for room
};

}  // namespace flashtwin::models
