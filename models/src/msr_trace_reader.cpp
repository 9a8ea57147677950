// MsrTraceReader: checked parsing of MSR Cambridge trace lines.
#include "flashtwin/models/msr_trace_reader.hpp"

#include "timestamp_resync.hpp"
#include "trace_lines.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace flashtwin::models {
namespace {

constexpr std::size_t kFields = 7;
constexpr std::int64_t kTickNs = 100;  // Windows filetime unit

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

MsrTraceReader::MsrTraceReader(const std::filesystem::path& file, MsrTraceOptions options)
    : options_(options),
      lines_(std::make_unique<detail::TraceLines>(file, options.max_line_bytes)) {
  if (options_.lenient) resync_ = std::make_unique<detail::TimestampResync<Line>>();
}

MsrTraceReader::~MsrTraceReader() = default;

std::string MsrTraceReader::parse(std::string_view line, StreamRequest& out, std::int64_t& response,
                                  std::string_view& host, std::size_t& column) const {
  std::array<std::string_view, kFields> fields;
  std::array<std::size_t, kFields> columns{};
  const std::size_t count = detail::split_fields(line, ',', fields.data(), columns.data(), kFields);
  column = 0;
  if (count != kFields) {
    return std::to_string(count) +
           " fields, expected Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime";
  }
  const auto bad = [&](std::size_t i, const char* what) {
    column = columns[i];
    return std::string("bad ") + what + " '" + std::string(fields[i]) + "'";
  };
  if (!detail::parse_fixed_point(fields[0], 0, out.time_ns)) return bad(0, "Timestamp");
  host = fields[1];
  if (host.empty()) return bad(1, "Hostname");
  std::uint64_t disk = 0;
  if (!detail::parse_unsigned(fields[2], disk) ||
      disk > std::numeric_limits<std::uint32_t>::max()) {
    return bad(2, "DiskNumber");
  }
  out.device = static_cast<std::uint32_t>(disk);
  if (equal_ignoring_case(fields[3], "Read")) {
    out.kind = engine::IoKind::read;
  } else if (equal_ignoring_case(fields[3], "Write")) {
    out.kind = engine::IoKind::write;
  } else {
    return bad(3, "Type");
  }
  if (!detail::parse_unsigned(fields[4], out.offset_bytes)) return bad(4, "Offset");
  if (!detail::parse_unsigned(fields[5], out.length_bytes) || out.length_bytes == 0) {
    return bad(5, "Size");
  }
  if (out.offset_bytes > std::numeric_limits<std::uint64_t>::max() - out.length_bytes) {
    column = columns[4];
    return "Offset " + std::string(fields[4]) + " + Size out of range";
  }
  if (!detail::parse_fixed_point(fields[6], 0, response) ||
      response > std::numeric_limits<std::int64_t>::max() / kTickNs) {
    return bad(6, "ResponseTime");
  }
  column = columns[0];
  if (previous_ && out.time_ns < *previous_) {
    return "Timestamp " + std::string(fields[0]) + " goes back before the previous one";
  }
  if (genesis_ && out.time_ns - *genesis_ > std::numeric_limits<std::int64_t>::max() / kTickNs) {
    return "Timestamp " + std::string(fields[0]) + " out of range";
  }
  return {};
}

bool MsrTraceReader::next(StreamRequest& out) {
  if (!resync_) return next_line(line_) && yield(line_, out);
  Line ready;
  while (next_line(line_)) {
    const std::uint64_t dropped = resync_->dropped();
    const auto time = static_cast<std::uint64_t>(line_.request.time_ns);
    const bool emitted = resync_->push(time, std::move(line_), ready);
    counters_.corrupt_skipped += resync_->dropped() - dropped;
    if (emitted && yield(ready, out)) return true;
  }
  while (resync_->finish(ready)) {
    if (yield(ready, out)) return true;
  }
  return false;
}

bool MsrTraceReader::next_line(Line& out) {
  std::string_view line;
  for (;;) {
    const detail::TraceLines::Result result = lines_->next(line);
    if (result == detail::TraceLines::Result::end) return false;
    ++counters_.lines_read;
    std::string reason;
    std::size_t column = 0;
    std::string_view host;
    if (result == detail::TraceLines::Result::too_long) {
      reason = "line longer than " + std::to_string(options_.max_line_bytes) + " bytes";
    } else if (line.find_first_not_of(" \t") == std::string_view::npos) {
      ++counters_.blank_lines;
      continue;
    } else {
      reason = parse(line, out.request, out.response, host, column);
    }
    if (!reason.empty()) {
      if (!options_.lenient) throw TraceError(lines_->message(column, reason));
      ++counters_.corrupt_skipped;
      continue;
    }
    if (!resync_) previous_ = out.request.time_ns;  // lenient: the resync orders times
    out.hostname.assign(host);
    return true;
  }
}

bool MsrTraceReader::yield(const Line& line, StreamRequest& out) {
  // parse() checked the range against the first request's time when it was known; a lenient
  // reader learns it one line late, so a line read before it is checked here.
  if (genesis_ &&
      line.request.time_ns - *genesis_ > std::numeric_limits<std::int64_t>::max() / kTickNs) {
    ++counters_.corrupt_skipped;
    return false;
  }
  if (!genesis_) genesis_ = line.request.time_ns;
  out = line.request;
  out.time_ns = (line.request.time_ns - *genesis_) * kTickNs;
  last_response_time_ns_ = line.response * kTickNs;
  last_hostname_ = line.hostname;
  ++counters_.requests_yielded;
  return true;
}

std::string MsrTraceReader::describe() const {
  return "MSR Cambridge trace " + lines_->name();
}

}  // namespace flashtwin::models
