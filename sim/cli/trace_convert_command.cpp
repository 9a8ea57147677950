#include "trace_convert_command.hpp"

#include "flashtwin/models/trace_writers.hpp"
#include "flashtwin/sim/trace_source.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace flashtwin::cli {

namespace {

struct ConvertArguments {
  std::string in;
  std::string out;
  std::string to;
  std::string format = "auto";
  std::string device;
};

void convert(const ConvertArguments& a) {
  auto stream = sim::open_trace({a.in, a.format, a.device});
  auto writer = models::make_trace_writer(a.to, a.out);
  std::uint64_t flushes = 0, discards = 0;
  models::StreamRequest request;
  while (stream->next(request)) {
    if (!writer->write(request)) {
      ++(request.kind == engine::IoKind::flush ? flushes : discards);
    }
  }
  writer->finish();
  const models::TraceWriterCounters& counters = writer->counters();
  std::printf("%s -> %s (%s): %llu requests written\n  from %s\n", a.in.c_str(), a.out.c_str(),
              a.to.c_str(), static_cast<unsigned long long>(counters.written),
              stream->describe().c_str());
  if (counters.skipped > 0) {
    std::fprintf(stderr,
                 "flashtwin: %llu requests skipped (%llu flushes, %llu discards): the %s format "
                 "cannot represent them\n",
                 static_cast<unsigned long long>(counters.skipped),
                 static_cast<unsigned long long>(flushes),
                 static_cast<unsigned long long>(discards), a.to.c_str());
  }
  if (counters.widened > 0) {
    std::fprintf(stderr,
                 "flashtwin: %llu requests not aligned to 512-byte sectors were widened to the "
                 "whole sectors covering them\n",
                 static_cast<unsigned long long>(counters.widened));
  }
}

}  // namespace

void add_trace_convert_command(CLI::App& trace, int& exit_code) {
  auto args = std::make_shared<ConvertArguments>();
  CLI::App* command = trace.add_subcommand("convert", "Rewrite a trace in another format");
  command->add_option("in", args->in, "Input trace (or blktrace prefix NAME for NAME.blktrace.N)")
      ->required();
  command->add_option("out", args->out, "Output file (written as OUT.tmp, then renamed)")
      ->required();
  command->add_option("--to", args->to, "Output format")
      ->required()
      ->check(CLI::IsMember(models::trace_writer_formats()));
  command->add_option("--format", args->format, "Input trace format")
      ->check(CLI::IsMember(sim::trace_format_names()))
      ->capture_default_str();
  command->add_option("--device", args->device, "Only this device, MAJOR,MINOR (blktrace)");
  command->callback([args, &exit_code] {
    convert(*args);
    exit_code = 0;
  });
}

}  // namespace flashtwin::cli
