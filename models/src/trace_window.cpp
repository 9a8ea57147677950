#include "flashtwin/models/trace_window.hpp"

#include <cmath>
#include <stdexcept>

namespace flashtwin::models {

namespace {
constexpr std::int64_t kLoopGapNs = 1'000'000;
}

WindowedTrace::WindowedTrace(Open open, TraceWindow window)
    : open_(std::move(open)), window_(window) {
  if (!(window_.start_s >= 0) || !std::isfinite(window_.start_s))
    throw std::invalid_argument("start_s: must be a number >= 0");
  if (!(window_.duration_s >= 0) || !std::isfinite(window_.duration_s))
    throw std::invalid_argument("duration_s: must be a number >= 0");
  if (!(window_.time_scale > 0) || !std::isfinite(window_.time_scale))
    throw std::invalid_argument("time_scale: must be a positive number");
  trace_ = open_();
}

namespace {
constexpr double kNeverNs = 1e18;
}

bool WindowedTrace::next(StreamRequest& out) {
  const auto start_ns = static_cast<std::int64_t>(std::llround(window_.start_s * 1e9));
  const auto end_ns =
      static_cast<std::int64_t>(std::llround((window_.start_s + window_.duration_s) * 1e9));
  while (!done_) {
    StreamRequest r;
    const bool more = trace_->next(r);
    const bool past_window = more && window_.duration_s > 0 && r.time_ns >= end_ns;
    if (!more || past_window) {
      if (!window_.loop || !yielded_in_pass_) {
        done_ = true;
        return false;
      }
      pass_offset_ns_ = last_issue_ns_ + kLoopGapNs;
      yielded_in_pass_ = false;
      trace_ = open_();
      continue;
    }
    if (r.time_ns < start_ns) continue;
    const double scaled = static_cast<double>(r.time_ns - start_ns) / window_.time_scale;
    if (!(scaled < kNeverNs) || static_cast<double>(pass_offset_ns_) > kNeverNs) {
      // 31 years on: no run gets there, and int64 nanoseconds would overflow soon after.
      done_ = true;
      return false;
    }
    out = r;
    out.time_ns = pass_offset_ns_ + static_cast<std::int64_t>(std::llround(scaled));
    last_issue_ns_ = out.time_ns;
    yielded_in_pass_ = true;
    return true;
  }
  return false;
}

std::string WindowedTrace::describe() const {
  std::string text = trace_->describe();
  if (window_.start_s > 0 || window_.duration_s > 0) {
    text += ", window from " + std::to_string(window_.start_s) + " s" +
            (window_.duration_s > 0 ? " for " + std::to_string(window_.duration_s) + " s" : "");
  }
  if (window_.time_scale != 1) text += ", x" + std::to_string(window_.time_scale) + " speed";
  if (window_.loop) text += ", looped";
  return text;
}

}  // namespace flashtwin::models
