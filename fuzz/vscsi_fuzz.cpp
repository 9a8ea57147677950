// libFuzzer target: the vscsi reader, strict and lenient, must either read an input or reject it
// with TraceError — never crash, hang or read out of bounds.
#include "flashtwin/models/vscsi_reader.hpp"
#include "fuzz_trace_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& file = flashtwin::fuzz::write_input(data, size);
  for (bool lenient : {false, true}) {
    try {
      flashtwin::models::VscsiOptions options;
      options.lenient = lenient;
      flashtwin::models::VscsiReader reader(file, options);
      flashtwin::models::StreamRequest request;
      while (reader.next(request)) {
      }
    } catch (const flashtwin::models::TraceError&) {
    }
  }
  return 0;
}
