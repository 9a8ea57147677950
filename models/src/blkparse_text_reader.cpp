// BlkparseTextReader: classification and checked parsing of blkparse's default event lines.
#include "flashtwin/models/blkparse_text_reader.hpp"

#include "timestamp_resync.hpp"
#include "trace_lines.hpp"

#include <array>
#include <limits>

namespace flashtwin::models {
namespace {

constexpr std::uint64_t kSectorBytes = 512;
constexpr std::size_t kMaxTokens = 10;  // up to "nsectors"; the comm and the rest are not needed

// Splits at runs of spaces and tabs; returns the number of tokens (only the first kMaxTokens
// stored, with their columns).
std::size_t tokenize(std::string_view line, std::array<std::string_view, kMaxTokens>& tokens,
                     std::array<std::size_t, kMaxTokens>& columns) {
  std::size_t count = 0, at = 0;
  for (;;) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) return count;
    const std::size_t stop = std::min(line.find_first_of(" \t", at), line.size());
    if (count < kMaxTokens) {
      tokens[count] = line.substr(at, stop - at);
      columns[count] = at;
    }
    ++count;
    at = stop;
  }
}

bool is_action(std::string_view text) {
  if (text.empty() || text.size() > 2) return false;
  for (const char c : text)
    if ((c < 'A' || c > 'Z') && (c < 'a' || c > 'z')) return false;
  return true;
}

// "maj,min" as a dev_t.
bool parse_device(std::string_view text, std::uint32_t& device) {
  const std::size_t comma = text.find(',');
  std::uint64_t major = 0, minor = 0;
  if (comma == std::string_view::npos || !detail::parse_unsigned(text.substr(0, comma), major) ||
      !detail::parse_unsigned(text.substr(comma + 1), minor) || major >= (1U << 12) ||
      minor >= (1U << 20)) {
    return false;
  }
  device = blktrace_device(static_cast<std::uint32_t>(major), static_cast<std::uint32_t>(minor));
  return true;
}

// rwbs = [F]{D|W|R|N}[FASMBE]*: the direction letter's index, or npos if malformed.
std::size_t direction_index(std::string_view rwbs) {
  const std::size_t at = !rwbs.empty() && rwbs[0] == 'F' ? 1 : 0;
  if (at >= rwbs.size() || std::string_view("DWRN").find(rwbs[at]) == std::string_view::npos) {
    return std::string_view::npos;
  }
  for (std::size_t i = at + 1; i < rwbs.size(); ++i)
    if (std::string_view("FASMBE").find(rwbs[i]) == std::string_view::npos) {
      return std::string_view::npos;
    }
  return at;
}

}  // namespace

BlkparseTextReader::BlkparseTextReader(const std::filesystem::path& file,
                                       BlkparseTextOptions options)
    : options_(options),
      lines_(std::make_unique<detail::TraceLines>(file, options.max_line_bytes)) {
  if (options_.lenient) resync_ = std::make_unique<detail::TimestampResync<Event>>();
}

BlkparseTextReader::~BlkparseTextReader() = default;

BlkparseTextReader::Outcome BlkparseTextReader::parse(std::string_view line, Event& out,
                                                      std::string& reason, std::size_t& column) {
  std::array<std::string_view, kMaxTokens> tokens;
  std::array<std::size_t, kMaxTokens> columns{};
  const std::size_t count = tokenize(line, tokens, columns);
  std::uint32_t device = 0;
  std::uint64_t number = 0;
  std::int64_t time_ns = 0;
  if (count < 7 || !parse_device(tokens[0], device) || !detail::parse_unsigned(tokens[1], number) ||
      !detail::parse_unsigned(tokens[2], number) || tokens[3].find('.') == std::string_view::npos ||
      !detail::parse_fixed_point(tokens[3], 9, time_ns) ||
      !detail::parse_unsigned(tokens[4], number) || !is_action(tokens[5])) {
    return Outcome::not_event;
  }
  const std::string_view action = tokens[5];
  out.time_ns = time_ns;
  out.ordered = action != "m";  // message lines do not start the clock and are not ordered
  if (out.ordered && !resync_) {
    if (previous_ns_ && time_ns < *previous_ns_) {
      column = columns[3];
      reason = "time " + std::string(tokens[3]) + " s goes back before the previous event's";
      return Outcome::malformed;
    }
    previous_ns_ = time_ns;
  }
  const bool queue = options_.event == BlkparseTextOptions::Event::queue;
  if (action != (queue ? "Q" : "D") || (options_.device && *options_.device != device) ||
      (count >= 9 && tokens[8].starts_with('('))) {  // pass-through: "bytes (cdb) [comm]"
    out.use = Event::Use::other;
    return Outcome::event;
  }
  const std::string_view rwbs = tokens[6];
  const std::size_t direction = direction_index(rwbs);
  if (direction == std::string_view::npos) {
    column = columns[6];
    reason = "bad rwbs '" + std::string(rwbs) + "'";
    return Outcome::malformed;
  }
  std::uint64_t sector = 0, sectors = 0;
  if (count > 7 && !tokens[7].starts_with('[')) {  // "[comm]" alone: no sectors printed
    column = columns[7];
    const auto max_sectors = std::numeric_limits<std::uint64_t>::max() / kSectorBytes;
    if (count < 10 || !detail::parse_unsigned(tokens[7], sector) || tokens[8] != "+" ||
        !detail::parse_unsigned(tokens[9], sectors) || sectors > max_sectors ||
        sector >
            (std::numeric_limits<std::uint64_t>::max() - sectors * kSectorBytes) / kSectorBytes) {
      reason = "bad 'sector + nsectors'";
      return Outcome::malformed;
    }
  }
  const bool flush = direction == 1;
  const char letter = rwbs[direction];
  StreamRequest& request = out.request;
  if (letter == 'D') {
    request.kind = engine::IoKind::discard;
  } else if (flush && sectors == 0) {
    request.kind = engine::IoKind::flush;
  } else if (sectors == 0) {
    out.use = Event::Use::no_data;
    return Outcome::event;
  } else {
    request.kind = letter == 'W' ? engine::IoKind::write : engine::IoKind::read;
  }
  out.use = Event::Use::request;
  out.fua = rwbs.find('F', direction + 1) != std::string_view::npos;
  out.preflush = flush && sectors > 0;
  request.time_ns = time_ns;
  request.offset_bytes = sector * kSectorBytes;
  request.length_bytes = sectors * kSectorBytes;
  request.device = device;
  return Outcome::event;
}

bool BlkparseTextReader::next(StreamRequest& out) {
  Event event;
  if (!resync_) {
    while (next_event(event)) {
      if (take(event, out)) return true;
    }
    return false;
  }
  Event ready;
  while (next_event(event)) {
    if (!event.ordered) {  // a message: never a request, its time unused
      take(event, out);
      continue;
    }
    const std::uint64_t dropped = resync_->dropped();
    const bool emitted = resync_->push(static_cast<std::uint64_t>(event.time_ns), event, ready);
    counters_.corrupt_skipped += resync_->dropped() - dropped;
    if (emitted && take(ready, out)) return true;
  }
  while (resync_->finish(ready)) {
    if (take(ready, out)) return true;
  }
  return false;
}

bool BlkparseTextReader::next_event(Event& out) {
  std::string_view line;
  for (;;) {
    const detail::TraceLines::Result result = lines_->next(line);
    if (result == detail::TraceLines::Result::end) return false;
    ++counters_.lines_read;
    std::string reason;
    std::size_t column = 0;
    Outcome outcome = Outcome::malformed;
    if (result == detail::TraceLines::Result::too_long) {
      reason = "line longer than " + std::to_string(options_.max_line_bytes) + " bytes";
    } else {
      outcome = parse(line, out, reason, column);
    }
    switch (outcome) {
      case Outcome::event:
        return true;
      case Outcome::not_event:
        ++counters_.non_event_lines;
        break;
      case Outcome::malformed:
        if (!options_.lenient) throw TraceError(lines_->message(column, reason));
        ++counters_.corrupt_skipped;
        break;
    }
  }
}

bool BlkparseTextReader::take(const Event& event, StreamRequest& out) {
  if (event.ordered && !genesis_ns_) genesis_ns_ = event.time_ns;
  ++counters_.event_lines;
  switch (event.use) {
    case Event::Use::other:
      ++counters_.other_skipped;
      return false;
    case Event::Use::no_data:
      ++counters_.no_data_skipped;
      return false;
    case Event::Use::request:
      break;
  }
  out = event.request;
  out.time_ns -= *genesis_ns_;
  last_fua_ = event.fua;
  last_preflush_ = event.preflush;
  ++counters_.requests_yielded;
  return true;
}

std::string BlkparseTextReader::describe() const {
  const bool queue = options_.event == BlkparseTextOptions::Event::queue;
  return std::string("blkparse text ") + (queue ? "Q" : "D") + " events of " + lines_->name();
}

}  // namespace flashtwin::models
