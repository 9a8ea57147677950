#include "flashtwin/sim/trace_source.hpp"

#include "flashtwin/models/blkparse_text_reader.hpp"
#include "flashtwin/models/blktrace_reader.hpp"
#include "flashtwin/models/csv_trace_reader.hpp"
#include "flashtwin/models/fio_iolog_reader.hpp"
#include "flashtwin/models/msr_trace_reader.hpp"
#include "flashtwin/models/vscsi_reader.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace flashtwin::sim {

namespace {

std::uint32_t parse_device(const std::string& text) {
  unsigned major = 0, minor = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%u,%u%c", &major, &minor, &extra) != 2 || major > 0xFFF ||
      minor > 0xFFFFF) {
    throw std::invalid_argument("device '" + text + "' is not MAJOR,MINOR (e.g. 8,16)");
  }
  return models::blktrace_device(major, minor);
}

bool looks_like_blktrace(const std::filesystem::path& path) {
  if (path.filename().string().find(".blktrace") != std::string::npos) return true;
  if (models::BlktraceReader::is_bundle(path)) return true;  // a tar of per-CPU files
  std::ifstream in(path, std::ios::binary);
  unsigned char b[4] = {};
  if (!in.read(reinterpret_cast<char*>(b), 4)) return false;
  const bool little = b[1] == 0x74 && b[2] == 0x61 && b[3] == 0x65;
  const bool big = b[0] == 0x65 && b[1] == 0x61 && b[2] == 0x74;
  return little || big;
}

std::unique_ptr<models::RequestStream> open_blktrace(const TraceSpec& spec) {
  models::BlktraceOptions options;
  if (!spec.device.empty()) options.device = parse_device(spec.device);
  options.pair_completions = spec.pair_completions;
  options.lenient = spec.lenient;
  if (spec.issue_events) options.event = models::BlktraceOptions::Event::issue;
  std::error_code error;
  if (std::filesystem::is_regular_file(spec.path, error)) {
    return std::make_unique<models::BlktraceReader>(std::vector<std::filesystem::path>{spec.path},
                                                    options);
  }
  return std::make_unique<models::BlktraceReader>(models::BlktraceReader::cpu_files(spec.path),
                                                  options);
}

}  // namespace

std::vector<std::string> trace_format_names() {
  return {"auto", "blktrace", "blkparse", "vscsi", "csv", "msr", "fio"};
}

std::unique_ptr<models::RequestStream> open_trace(const TraceSpec& spec) {
  std::error_code error;
  const bool file = std::filesystem::is_regular_file(spec.path, error);
  // A blktrace prefix: NAME.blktrace.0, or other CPUs' files when that one is missing.
  bool prefix = !file && std::filesystem::exists(spec.path + ".blktrace.0", error);
  if (!file && !prefix) {
    try {
      prefix = !models::BlktraceReader::cpu_files(spec.path).empty();
    } catch (const models::TraceError&) {
      prefix = false;
    }
  }
  std::string format = spec.format;
  if (format == "auto") {
    const std::string name = std::filesystem::path(spec.path).filename().string();
    auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
    if (prefix || (file && looks_like_blktrace(spec.path))) {
      format = "blktrace";
    } else if (!file) {
      throw models::TraceError(spec.path + ": no such trace file or blktrace prefix");
    } else if (has(".vscsi")) {
      format = "vscsi";
    } else if (has(".blkparse") || has(".txt")) {
      format = "blkparse";
    } else if (has(".csv")) {
      format = "csv";
    } else if (name.ends_with(".iolog") || name.ends_with(".fio")) {
      format = "fio";
    } else {
      throw models::TraceError(spec.path +
                               ": format not recognised by its content or name; give "
                               "--format (blktrace, blkparse, vscsi, csv, msr, fio)");
    }
  }
  if (format == "blktrace") return open_blktrace(spec);
  if (!spec.device.empty() && format != "blkparse") {
    throw std::invalid_argument("--device applies to blktrace and blkparse traces only");
  }
  // Every reader's options have `lenient`: malformed records skipped and counted, not fatal.
  auto lenient = [&spec](auto options) {
    options.lenient = spec.lenient;
    return options;
  };
  if (format == "vscsi") {
    return std::make_unique<models::VscsiReader>(spec.path, lenient(models::VscsiOptions{}));
  }
  if (format == "csv") {
    return std::make_unique<models::CsvTraceReader>(spec.path, lenient(models::CsvTraceOptions{}));
  }
  if (format == "msr") {
    return std::make_unique<models::MsrTraceReader>(spec.path, lenient(models::MsrTraceOptions{}));
  }
  if (format == "fio") {
    return std::make_unique<models::FioIologReader>(spec.path, lenient(models::FioIologOptions{}));
  }
  if (format == "blkparse") {
    models::BlkparseTextOptions options = lenient(models::BlkparseTextOptions{});
    if (spec.issue_events) options.event = models::BlkparseTextOptions::Event::issue;
    if (!spec.device.empty()) options.device = parse_device(spec.device);
    return std::make_unique<models::BlkparseTextReader>(spec.path, options);
  }
  throw std::invalid_argument("trace format '" + spec.format +
                              "' is unknown (known: auto, "
                              "blktrace, blkparse, vscsi, csv, msr, fio)");
}

}  // namespace flashtwin::sim
