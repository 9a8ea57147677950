#include "workload_stream.hpp"

#include "flashtwin/models/synthetic_workload.hpp"
#include "flashtwin/models/trace_window.hpp"
#include "flashtwin/sim/trace_source.hpp"

#include <optional>

namespace flashtwin::sim {

std::unique_ptr<models::RequestStream> open_workload(const WorkloadSpec& workload) {
  if (const std::optional<TraceWorkload>& trace = workload.trace) {
    return std::make_unique<models::WindowedTrace>(
        [trace] {
          TraceSpec source{trace->path, trace->format, trace->device};
          source.lenient = trace->lenient;
          source.issue_events = trace->issue_events;
          return open_trace(source);
        },
        trace->window);
  }
  return models::make_synthetic_stream(workload.synthetic);
}

}  // namespace flashtwin::sim
