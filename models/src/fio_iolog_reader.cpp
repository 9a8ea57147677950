// FioIologReader: checked parsing of fio version 2 and 3 I/O logs.
#include "flashtwin/models/fio_iolog_reader.hpp"

#include "timestamp_resync.hpp"
#include "trace_lines.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace flashtwin::models {
namespace {

constexpr std::size_t kMaxFields = 6;  // one more than a v3 I/O line, to detect extra fields

// Splits at runs of spaces and tabs; returns the number of fields (possibly more than stored).
std::size_t split_words(std::string_view line, std::array<std::string_view, kMaxFields>& fields,
                        std::array<std::size_t, kMaxFields>& columns) {
  std::size_t count = 0;
  std::size_t pos = 0;
  for (;;) {
    pos = line.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos) return count;
    const std::size_t stop = std::min(line.find_first_of(" \t", pos), line.size());
    if (count < kMaxFields) {
      fields[count] = line.substr(pos, stop - pos);
      columns[count] = pos;
    }
    ++count;
    pos = stop;
  }
}

enum class Action : std::uint8_t { add, open, close, read, write, trim, sync };

std::optional<Action> parse_action(std::string_view word) {
  struct Name {
    std::string_view word;
    Action action;
  };
  static constexpr std::array<Name, 8> kNames{{{"add", Action::add},
                                               {"open", Action::open},
                                               {"close", Action::close},
                                               {"read", Action::read},
                                               {"write", Action::write},
                                               {"trim", Action::trim},
                                               {"sync", Action::sync},
                                               {"datasync", Action::sync}}};
  for (const Name& name : kNames) {
    if (word == name.word) return name.action;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

FioIologReader::FioIologReader(const std::filesystem::path& file, FioIologOptions options)
    : options_(options),
      lines_(std::make_unique<detail::TraceLines>(file, options.max_line_bytes)) {
  std::string_view line;
  const detail::TraceLines::Result result = lines_->next(line);
  if (result != detail::TraceLines::Result::end) ++counters_.lines_read;
  if (result == detail::TraceLines::Result::line) {
    const std::string_view header = trim(line);
    if (header == "fio version 2 iolog") version_ = 2;
    if (header == "fio version 3 iolog") version_ = 3;
  }
  if (version_ == 0) {
    throw TraceError(lines_->name() +
                     ": byte 0 (line 1): not a fio version 2 or 3 iolog (the first line must be "
                     "'fio version 2 iolog' or 'fio version 3 iolog')");
  }
  if (options_.lenient) resync_ = std::make_unique<detail::TimestampResync<StreamRequest>>();
}

FioIologReader::~FioIologReader() = default;

void FioIologReader::reject(std::size_t column, const std::string& reason) {
  if (!options_.lenient) throw TraceError(lines_->message(column, reason));
  ++counters_.corrupt_skipped;
}

std::string FioIologReader::parse(std::string_view line, StreamRequest& out, bool& is_request,
                                  std::size_t& column) {
  std::array<std::string_view, kMaxFields> fields;
  std::array<std::size_t, kMaxFields> columns{};
  const std::size_t count = split_words(line, fields, columns);
  const std::size_t first = version_ == 3 ? 1 : 0;  // index of FILENAME
  column = columns[0];
  if (count < first + 2) {
    return std::to_string(count) + " fields, expected " + (version_ == 3 ? "TIME " : "") +
           "FILENAME ACTION [OFFSET LENGTH]";
  }
  std::uint64_t time_ms = 0;
  if (version_ == 3 && (!detail::parse_unsigned(fields[0], time_ms) ||
                        time_ms > static_cast<std::uint64_t>(
                                      std::numeric_limits<std::int64_t>::max() / 1'000'000))) {
    return "bad time '" + std::string(fields[0]) + "'";
  }
  const std::string_view name = fields[first];
  column = columns[first + 1];
  const std::optional<Action> action = parse_action(fields[first + 1]);
  if (!action) return "unknown action '" + std::string(fields[first + 1]) + "'";
  is_request = *action != Action::add && *action != Action::open && *action != Action::close;
  const std::size_t expected = first + (is_request ? 4 : 2);
  if (count != expected) {
    column = count > expected ? columns[expected] : 0;
    return std::to_string(count) + " fields, '" + std::string(fields[first + 1]) +
           (is_request ? "' needs OFFSET LENGTH" : "' takes no OFFSET LENGTH");
  }
  if (is_request) {
    column = columns[first + 2];
    if (!detail::parse_unsigned(fields[first + 2], out.offset_bytes)) {
      return "bad offset '" + std::string(fields[first + 2]) + "'";
    }
    column = columns[first + 3];
    if (!detail::parse_unsigned(fields[first + 3], out.length_bytes)) {
      return "bad length '" + std::string(fields[first + 3]) + "'";
    }
    if (*action == Action::sync) {
      out.offset_bytes = out.length_bytes = 0;
    } else if (out.length_bytes == 0) {
      return "length 0";
    } else if (out.offset_bytes > std::numeric_limits<std::uint64_t>::max() - out.length_bytes) {
      column = columns[first + 2];
      return "offset " + std::to_string(out.offset_bytes) + " + length out of range";
    }
    out.kind = *action == Action::read    ? engine::IoKind::read
               : *action == Action::write ? engine::IoKind::write
               : *action == Action::trim  ? engine::IoKind::discard
                                          : engine::IoKind::flush;
  }
  const auto known = devices_.find(name);
  if (known == devices_.end() && *action != Action::add) {
    column = columns[first];
    return "file '" + std::string(name) + "' was not added";
  }
  if (version_ == 3 && !resync_) {  // lenient: the resync orders the requests' times
    column = columns[0];
    if (previous_ms_ && static_cast<std::int64_t>(time_ms) < *previous_ms_) {
      return "time " + std::string(fields[0]) + " ms goes back before the previous one";
    }
    previous_ms_ = static_cast<std::int64_t>(time_ms);
  }
  out.time_ns = static_cast<std::int64_t>(time_ms) * 1'000'000;
  if (known != devices_.end()) {
    out.device = known->second;
  } else {
    out.device = static_cast<std::uint32_t>(files_.size());
    devices_.emplace(std::string(name), out.device);
    files_.emplace_back(name);
  }
  return {};
}

bool FioIologReader::next(StreamRequest& out) {
  StreamRequest request;
  if (!resync_) return next_request(request) && yield(request, out);
  StreamRequest ready;
  while (next_request(request)) {
    const std::uint64_t dropped = resync_->dropped();
    const bool emitted = resync_->push(static_cast<std::uint64_t>(request.time_ns), request, ready);
    counters_.corrupt_skipped += resync_->dropped() - dropped;
    if (emitted) return yield(ready, out);
  }
  return resync_->finish(ready) && yield(ready, out);
}

bool FioIologReader::yield(StreamRequest request, StreamRequest& out) {
  if (!genesis_ns_) genesis_ns_ = request.time_ns;
  request.time_ns -= *genesis_ns_;
  out = request;
  ++counters_.requests_yielded;
  return true;
}

bool FioIologReader::next_request(StreamRequest& out) {
  std::string_view line;
  for (;;) {
    const detail::TraceLines::Result result = lines_->next(line);
    if (result == detail::TraceLines::Result::end) return false;
    ++counters_.lines_read;
    if (result == detail::TraceLines::Result::too_long) {
      reject(0, "line longer than " + std::to_string(options_.max_line_bytes) + " bytes");
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      ++counters_.blank_lines;
      continue;
    }
    StreamRequest request;
    bool is_request = false;
    std::size_t column = 0;
    const std::string reason = parse(line, request, is_request, column);
    if (!reason.empty()) {
      reject(column, reason);
      continue;
    }
    if (!is_request) {
      ++counters_.file_actions;
      continue;
    }
    out = request;
    return true;
  }
}

std::string FioIologReader::describe() const {
  return "fio version " + std::to_string(version_) + " iolog " + lines_->name() +
         (version_ == 2 ? " (no issue times: replay closed-loop)" : "");
}

}  // namespace flashtwin::models
