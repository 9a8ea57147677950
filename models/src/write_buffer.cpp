// A write cache drained through a ServerPool (see write_buffer.hpp).
#include "write_buffer.hpp"

#include <stdexcept>
#include <utility>

namespace flashtwin::models {

WriteBuffer::WriteBuffer(std::uint64_t capacity_bytes, double urgent_fill, DrainCost cost)
    : capacity_bytes_(capacity_bytes), urgent_fill_(urgent_fill), cost_(std::move(cost)) {
  if (capacity_bytes == 0) throw std::invalid_argument("WriteBuffer: capacity must be > 0");
  if (!(urgent_fill >= 0.0 && urgent_fill <= 1.0)) {
    throw std::invalid_argument("WriteBuffer: urgent_fill must be in [0, 1]");
  }
}

bool WriteBuffer::urgent() const {
  return !waiting_.empty() ||
         static_cast<double>(used_bytes_) >= urgent_fill_ * static_cast<double>(capacity_bytes_);
}

void WriteBuffer::admit(std::uint64_t bytes, JobDone admitted) {
  if (waiting_.empty() && used_bytes_ + held(bytes) <= capacity_bytes_) {
    used_bytes_ += held(bytes);
    to_drain_.push_back(bytes);
    if (pool_ != nullptr) pool_->poke();
    if (admitted) admitted();
    return;
  }
  waiting_.push_back(Waiting{bytes, std::move(admitted)});
  if (pool_ != nullptr) pool_->poke();  // waiting writes make the drain urgent
}

std::optional<Job> WriteBuffer::take(bool urgent_only) {
  if (to_drain_.empty() || (urgent_only && !urgent())) return std::nullopt;
  const std::uint64_t bytes = to_drain_.front();
  to_drain_.pop_front();
  return Job{cost_(bytes), [this, bytes] { release(bytes); }};
}

void WriteBuffer::release(std::uint64_t bytes) {
  used_bytes_ -= held(bytes);
  while (!waiting_.empty() && used_bytes_ + held(waiting_.front().bytes) <= capacity_bytes_) {
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    used_bytes_ += held(next.bytes);
    to_drain_.push_back(next.bytes);
    if (next.admitted) next.admitted();
  }
  // New drain work is started by the pool right after this job's completion (ServerPool::finish
  // fills idle servers before running `done`), and by the next poke.
  if (pool_ != nullptr) pool_->poke();
}

}  // namespace flashtwin::models
