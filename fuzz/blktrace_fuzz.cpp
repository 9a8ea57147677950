// libFuzzer target: the blktrace reader, strict and lenient, must either read an input or reject
// it with TraceError — never crash, hang or read out of bounds.
#include "flashtwin/models/blktrace_reader.hpp"
#include "fuzz_trace_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = flashtwin::fuzz::write_input(data, size);
  for (bool lenient : {false, true}) {
    try {
      flashtwin::models::BlktraceOptions options;
      options.lenient = lenient;
      flashtwin::models::BlktraceReader reader({file}, options);
      flashtwin::models::StreamRequest request;
      while (reader.next(request)) {
      }
    } catch (const flashtwin::models::TraceError&) {
    }
  }
  return 0;
}
