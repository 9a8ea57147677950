#include "memory_copy.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>

namespace flashtwin::sim {

namespace {

// The copy in progress, shared by its pending callbacks.
struct CopyState {
  MemoryCopyWorld world;
  MemoryCopyRequest request;
  std::function<void(double)> done;
  double start_s = 0;
  std::uint64_t sent_bytes = 0;  // chunks arrived
};

void send_next_chunk(const std::shared_ptr<CopyState>& copy);

// The date the copy may send its next chunk: now without a cap, else when the pace allows.
double next_chunk_date(const CopyState& copy) {
  const double now = copy.world.scheduler.now_s();
  if (!copy.request.rate_cap_bytes_per_s) return now;
  const double paced =
      copy.start_s + static_cast<double>(copy.sent_bytes) / *copy.request.rate_cap_bytes_per_s;
  return std::max(now, paced);
}

std::uint64_t next_chunk_bytes(const CopyState& copy) {
  const std::uint64_t left = copy.request.bytes - copy.sent_bytes;
  return copy.request.rate_cap_bytes_per_s ? std::min(left, kPacedChunkBytes) : left;
}

// The last chunk arrived: the copy ends now, or when a capped stream would have delivered it all.
void finish(const std::shared_ptr<CopyState>& copy) {
  double end = copy->world.scheduler.now_s();
  if (copy->request.rate_cap_bytes_per_s) {
    end = std::max(end, copy->start_s + static_cast<double>(copy->request.bytes) /
                                            *copy->request.rate_cap_bytes_per_s);
  }
  if (end > copy->world.scheduler.now_s()) {
    copy->world.scheduler.at(end, [copy, end] { copy->done(end); });
    return;
  }
  copy->done(end);
}

void chunk_arrived(const std::shared_ptr<CopyState>& copy, std::uint64_t bytes) {
  const auto now_ns = std::llround(copy->world.scheduler.now_s() * 1e9);
  copy->world.sink.record(NetworkTransfer{NetworkPurpose::vmotion, bytes, now_ns});
  copy->sent_bytes += bytes;
  if (copy->sent_bytes == copy->request.bytes) {
    finish(copy);
    return;
  }
  send_next_chunk(copy);
}

void start_chunk(const std::shared_ptr<CopyState>& copy) {
  const std::uint64_t bytes = next_chunk_bytes(*copy);
  copy->world.comms.start(copy->request.from, copy->request.to, bytes,
                          [copy, bytes](const models::CommResult&) { chunk_arrived(copy, bytes); });
}

void send_next_chunk(const std::shared_ptr<CopyState>& copy) {
  const double date = next_chunk_date(*copy);
  if (date > copy->world.scheduler.now_s()) {
    copy->world.scheduler.at(date, [copy] { start_chunk(copy); });
    return;
  }
  start_chunk(copy);
}

}  // namespace

void start_memory_copy(const MemoryCopyWorld& world, const MemoryCopyRequest& request,
                       std::function<void(double end_s)> done) {
  if (request.bytes == 0 || request.from == nullptr || request.to == nullptr)
    throw std::invalid_argument("start_memory_copy: no bytes or no host");
  if (request.rate_cap_bytes_per_s && !(*request.rate_cap_bytes_per_s > 0))
    throw std::invalid_argument("start_memory_copy: the rate cap must be > 0");
  auto copy = std::make_shared<CopyState>(
      CopyState{world, request, std::move(done), world.scheduler.now_s(), 0});
  send_next_chunk(copy);
}

}  // namespace flashtwin::sim
