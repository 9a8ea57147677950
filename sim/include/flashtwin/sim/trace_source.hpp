// Opening a trace for the command line: a file or a blktrace per-CPU prefix, by format name or
// "auto": blktrace by its magic, a ".blktrace" name, a prefix or a tar bundle of per-CPU files
// (.tar, .tar.gz, .tar.zst, read in place: BlktraceReader); vscsi, blkparse text (".blkparse",
// ".txt"), the plain CSV (".csv") and fio iologs (a name ending ".iolog" or ".fio") by name; MSR
// Cambridge CSV only when named (--format msr).
// Throws models::TraceError naming the file when it cannot be read or recognised, and
// std::invalid_argument for an unknown format or a malformed device ("8,16").
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flashtwin::sim {

struct TraceSpec {
  std::string path;  // a file, a blktrace prefix with PREFIX.blktrace.N files, or a tar bundle
  std::string format = "auto";  // one of trace_format_names()
  std::string device;           // "major,minor" to keep one device (blktrace, blkparse); "": all
  // blktrace: pair requests with their C events (BlktraceOptions::pair_completions), so that
  // BlktraceReader::last_latency_ns() gives each request's observed latency; ignored otherwise.
  bool pair_completions = false;
  // Skip and count malformed records instead of stopping at the first with a TraceError.
  bool lenient = false;
  // blktrace, blkparse: replay issue (D) events, the requests as the device saw them after
  // merging, instead of queue (Q) events, the requests as the VM issued them.
  bool issue_events = false;
};

std::unique_ptr<models::RequestStream> open_trace(const TraceSpec& spec);
std::vector<std::string> trace_format_names();

}  // namespace flashtwin::sim
