// CsvTraceReader: checked parsing of flashtwin's plain CSV trace lines.
#include "flashtwin/models/csv_trace_reader.hpp"

#include "timestamp_resync.hpp"
#include "trace_lines.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace flashtwin::models {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<engine::IoKind> parse_op(std::string_view op) {
  struct Name {
    std::string_view letter, word;
    engine::IoKind kind;
  };
  static constexpr std::array<Name, 4> kNames{{{"R", "read", engine::IoKind::read},
                                               {"W", "write", engine::IoKind::write},
                                               {"F", "flush", engine::IoKind::flush},
                                               {"D", "discard", engine::IoKind::discard}}};
  for (const Name& name : kNames) {
    if (equal_ignoring_case(op, name.letter) || equal_ignoring_case(op, name.word)) {
      return name.kind;
    }
  }
  return std::nullopt;
}

constexpr std::size_t kMaxFields = 5;

}  // namespace

CsvTraceReader::CsvTraceReader(const std::filesystem::path& file, CsvTraceOptions options)
    : options_(options),
      lines_(std::make_unique<detail::TraceLines>(file, options.max_line_bytes)) {
  if (options_.lenient) resync_ = std::make_unique<detail::TimestampResync<StreamRequest>>();
}

CsvTraceReader::~CsvTraceReader() = default;

void CsvTraceReader::reject(std::size_t column, const std::string& reason) {
  if (!options_.lenient) throw TraceError(lines_->message(column, reason));
  ++counters_.corrupt_skipped;
}

std::string CsvTraceReader::parse(std::string_view line, StreamRequest& out,
                                  std::size_t& column) const {
  std::array<std::string_view, kMaxFields> fields;
  std::array<std::size_t, kMaxFields> columns{};
  const std::size_t count =
      detail::split_fields(line, ',', fields.data(), columns.data(), kMaxFields);
  column = 0;
  if (count < 4 || count > kMaxFields) {
    return std::to_string(count) + " fields, expected time_us,op,offset,length[,device]";
  }
  column = columns[0];
  if (!detail::parse_fixed_point(fields[0], 3, out.time_ns)) {
    return "bad time_us '" + std::string(fields[0]) + "'";
  }
  column = columns[1];
  const std::optional<engine::IoKind> kind = parse_op(fields[1]);
  if (!kind) return "unknown op '" + std::string(fields[1]) + "'";
  out.kind = *kind;
  column = columns[2];
  if (!detail::parse_unsigned(fields[2], out.offset_bytes)) {
    return "bad offset '" + std::string(fields[2]) + "'";
  }
  column = columns[3];
  if (!detail::parse_unsigned(fields[3], out.length_bytes)) {
    return "bad length '" + std::string(fields[3]) + "'";
  }
  if (out.kind == engine::IoKind::flush && out.length_bytes != 0) {
    return "flush with length " + std::to_string(out.length_bytes) + ", expected 0";
  }
  if (out.kind != engine::IoKind::flush && out.length_bytes == 0) return "length 0";
  if (out.offset_bytes > std::numeric_limits<std::uint64_t>::max() - out.length_bytes) {
    column = columns[2];
    return "offset " + std::to_string(out.offset_bytes) + " + length out of range";
  }
  out.device = 0;
  if (count == kMaxFields) {
    column = columns[4];
    std::uint64_t device = 0;
    if (!detail::parse_unsigned(fields[4], device) ||
        device > std::numeric_limits<std::uint32_t>::max()) {
      return "bad device '" + std::string(fields[4]) + "'";
    }
    out.device = static_cast<std::uint32_t>(device);
  }
  column = columns[0];
  if (previous_ns_ && out.time_ns < *previous_ns_) {
    return "time " + std::string(fields[0]) + " us goes back before the previous one";
  }
  return {};
}

bool CsvTraceReader::next(StreamRequest& out) {
  StreamRequest request;
  if (!resync_) return next_parsed(request) && yield(request, out);
  StreamRequest ready;
  while (next_parsed(request)) {
    const std::uint64_t dropped = resync_->dropped();
    const bool emitted = resync_->push(static_cast<std::uint64_t>(request.time_ns), request, ready);
    counters_.corrupt_skipped += resync_->dropped() - dropped;
    if (emitted) return yield(ready, out);
  }
  return resync_->finish(ready) && yield(ready, out);
}

bool CsvTraceReader::yield(StreamRequest request, StreamRequest& out) {
  if (!genesis_ns_) genesis_ns_ = request.time_ns;
  request.time_ns -= *genesis_ns_;
  out = request;
  ++counters_.requests_yielded;
  return true;
}

bool CsvTraceReader::next_parsed(StreamRequest& out) {
  std::string_view line;
  for (;;) {
    const detail::TraceLines::Result result = lines_->next(line);
    if (result == detail::TraceLines::Result::end) return false;
    ++counters_.lines_read;
    if (result == detail::TraceLines::Result::too_long) {
      reject(0, "line longer than " + std::to_string(options_.max_line_bytes) + " bytes");
      continue;
    }
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') {
      ++counters_.comment_lines;
      continue;
    }
    if (lines_->number() == counters_.comment_lines + 1 &&
        line.substr(first).starts_with("time_us")) {
      std::array<std::string_view, kMaxFields> fields;
      std::array<std::size_t, kMaxFields> columns{};
      const std::size_t count =
          detail::split_fields(line, ',', fields.data(), columns.data(), kMaxFields);
      const std::array<std::string_view, kMaxFields> names{"time_us", "op", "offset", "length",
                                                           "device"};
      if (count >= 4 && count <= kMaxFields &&
          std::equal(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(count),
                     names.begin())) {
        continue;
      }
      reject(first, "bad header, expected time_us,op,offset,length[,device]");
      continue;
    }
    StreamRequest request;
    std::size_t column = 0;
    const std::string reason = parse(line, request, column);
    if (!reason.empty()) {
      reject(column, reason);
      continue;
    }
    if (!resync_) previous_ns_ = request.time_ns;  // lenient: the resync orders times
    out = request;
    return true;
  }
}

std::string CsvTraceReader::describe() const {
  return "CSV trace " + lines_->name();
}

}  // namespace flashtwin::models
