// TraceWindow: how a scenario replays a trace — a window of its time, faster or slower, once or
// looped — as a RequestStream over a reader that can be reopened.
//
//   issue time = (trace time - start_s) / time_scale + the length of the passes before this one
//
// Requests before start_s are skipped; a pass ends at start_s + duration_s (0: at the end of the
// trace). With `loop`, the trace is reopened and replayed again after each pass (the next pass
// starts one millisecond after the last request of the previous one); without it the stream ends
// after one pass. A stream that yields nothing in a pass ends (no endless empty loop).
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <functional>
#include <memory>
#include <string>

namespace flashtwin::models {

struct TraceWindow {
  double start_s = 0;     // >= 0
  double duration_s = 0;  // >= 0; 0 = to the end of the trace
  double time_scale = 1;  // > 0; 2 = twice as fast
  bool loop = false;
};

class WindowedTrace final : public RequestStream {
 public:
  using Open = std::function<std::unique_ptr<RequestStream>()>;
  // Throws std::invalid_argument for a bad window. `open` is called now and at every loop.
  WindowedTrace(Open open, TraceWindow window);

  bool next(StreamRequest& out) override;
  std::string describe() const override;

 private:
  Open open_;
  TraceWindow window_;
  std::unique_ptr<RequestStream> trace_;
  std::int64_t pass_offset_ns_ = 0;  // issue time at which the current pass starts
  std::int64_t last_issue_ns_ = -1;  // issue time of the last request yielded
  bool yielded_in_pass_ = false;
  bool done_ = false;
};

}  // namespace flashtwin::models
