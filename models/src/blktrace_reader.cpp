// BlktraceReader: the k-way merge of per-CPU blktrace files and the mapping of Q / D events to
// StreamRequests.
#include "flashtwin/models/blktrace_reader.hpp"

#include "blktrace_file.hpp"
#include "blktrace_format.hpp"
#include "blktrace_pairing.hpp"
#include "tar_archive.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

namespace flashtwin::models {

bool BlktraceReader::Head::operator>(const Head& other) const {
  // blkparse's order is (time, device, sequence); the file index only breaks exact ties.
  if (time_ns != other.time_ns) return time_ns > other.time_ns;
  if (device != other.device) return device > other.device;
  if (sequence != other.sequence) return sequence > other.sequence;
  return file > other.file;
}

BlktraceReader::BlktraceReader(std::vector<std::filesystem::path> files, BlktraceOptions options)
    : options_(options) {
  if (files.empty()) throw TraceError("blktrace: no input files");
  std::vector<std::string> names;  // of every per-CPU file or member read
  for (const auto& path : files) {
    if (detail::is_tar_archive(path)) {
      open_bundle(path, names);
    } else {
      files_.push_back(std::make_unique<detail::BlktraceFile>(path, options_.lenient,
                                                              options_.max_request_bytes));
      names.push_back(path.filename().string());
    }
  }
  origin_ = std::to_string(files_.size()) + " file(s) from " + files_.front()->name();
  if (files.size() == 1 && names.size() != 1) {
    origin_ = std::to_string(files_.size()) + " member(s) of bundle " + files.front().string();
  }
  note_missing_cpu_files(names);
  if (options_.pair_completions) pairing_ = std::make_unique<detail::BlktracePairing>();
  heads_.resize(files_.size());
  for (std::size_t i = 0; i < files_.size(); ++i)
    advance(i);
}

BlktraceReader::~BlktraceReader() = default;

namespace {

// CPU numbers above this are not taken for one (Linux allows at most 8192 CPUs): a gap up to
// such a number would list billions of missing files.
constexpr unsigned kMaxCpu = 65535;

// N for a file named *.blktrace.N (any folder, N <= kMaxCpu), empty for any other name.
std::optional<unsigned> cpu_number(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  const std::size_t dot = name.rfind(".blktrace.");
  if (dot == std::string::npos) return std::nullopt;
  unsigned cpu = 0;
  const char* first = name.data() + dot + std::char_traits<char>::length(".blktrace.");
  const char* last = name.data() + name.size();
  const auto [end, status] = std::from_chars(first, last, cpu);
  if (status != std::errc() || end != last || first == last || cpu > kMaxCpu) {
    return std::nullopt;
  }
  return cpu;
}

}  // namespace

bool BlktraceReader::is_bundle(const std::filesystem::path& path) {
  return detail::is_tar_archive(path);
}

void BlktraceReader::open_bundle(const std::filesystem::path& bundle,
                                 std::vector<std::string>& names) {
  // Per-CPU members in CPU-number order, as cpu_files() lists an extracted folder.
  std::vector<std::pair<unsigned, detail::TarMember>> found;
  // Per-CPU members small enough are held while the bundle is listed: no second pass for them.
  const std::vector<detail::TarMember> members = detail::list_tar_members(
      bundle, [](const detail::TarMember& member) { return cpu_number(member.name).has_value(); });
  for (const detail::TarMember& member : members) {
    const std::optional<unsigned> cpu = cpu_number(member.name);
    if (!cpu) continue;  // a folder, a README, ...
    if (!member.regular_file()) {
      throw TraceError(bundle.string() + ": member " + member.name + ": byte " +
                       std::to_string(member.header_offset) + ": type '" +
                       std::string(1, member.type) +
                       "' (a link or special file), not a regular file: extract the bundle to "
                       "read it");
    }
    found.emplace_back(*cpu, member);
  }
  if (found.empty()) {
    throw TraceError(bundle.string() + ": no blktrace members (NAME.blktrace.N) among its " +
                     std::to_string(members.size()) + " member(s)");
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.name < b.second.name;
  });
  for (const auto& [cpu, member] : found) {
    files_.push_back(std::make_unique<detail::BlktraceFile>(
        detail::open_tar_member(bundle, member), bundle.string() + ": member " + member.name,
        options_.lenient, options_.max_request_bytes));
    names.push_back(member.name);
  }
}

void BlktraceReader::note_missing_cpu_files(const std::vector<std::string>& names) {
  std::vector<unsigned> cpus;
  for (const std::string& name : names) {
    if (const std::optional<unsigned> cpu = cpu_number(name)) cpus.push_back(*cpu);
  }
  if (cpus.size() < 2) return;  // one file read on its own (NAME.blktrace.3): not a set
  std::sort(cpus.begin(), cpus.end());
  unsigned expected = 0;
  for (const unsigned cpu : cpus) {
    for (; expected < cpu; ++expected)
      counters_.missing_cpu_files.push_back(expected);
    expected = cpu + 1;
  }
}

std::vector<std::filesystem::path> BlktraceReader::cpu_files(const std::filesystem::path& prefix) {
  const std::filesystem::path folder =
      prefix.has_parent_path() ? prefix.parent_path() : std::filesystem::path(".");
  const std::string stem = prefix.filename().string() + ".blktrace.";
  std::vector<std::pair<unsigned, std::filesystem::path>> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= stem.size() || name.compare(0, stem.size(), stem) != 0) continue;
    unsigned cpu = 0;
    const char* first = name.data() + stem.size();
    const char* last = name.data() + name.size();
    const auto [end, status] = std::from_chars(first, last, cpu);
    if (status != std::errc() || end != last) continue;
    found.emplace_back(cpu, entry.path());
  }
  if (found.empty()) {
    throw TraceError(prefix.string() + ": no per-CPU files " + stem + "N");
  }
  std::sort(found.begin(), found.end());
  std::vector<std::filesystem::path> files;
  for (auto& [cpu, path] : found)
    files.push_back(std::move(path));
  return files;
}

void BlktraceReader::advance(std::size_t file) {
  BlktraceRecord& head = heads_[file];
  if (files_[file]->next(head)) heap_.push(Head{head.time_ns, head.device, head.sequence, file});
}

void BlktraceReader::note_sequence(const BlktraceRecord& record) {
  std::size_t i = 0;
  while (i < counters_.sequence_gaps.size() &&
         (counters_.sequence_gaps[i].device != record.device ||
          counters_.sequence_gaps[i].cpu != record.cpu)) {
    ++i;
  }
  if (i == counters_.sequence_gaps.size()) {
    counters_.sequence_gaps.push_back({record.device, record.cpu, 0, 0});
    last_sequence_.push_back(record.sequence);
    return;
  }
  const std::uint32_t expected = last_sequence_[i] + 1;
  if (record.sequence > expected) {
    ++counters_.sequence_gaps[i].gaps;
    counters_.sequence_gaps[i].lost_events += record.sequence - expected;
  }
  last_sequence_[i] = std::max(last_sequence_[i], record.sequence);
}

bool BlktraceReader::to_request(const BlktraceRecord& record, StreamRequest& out) {
  using namespace blktrace;
  if ((record.action & kNotify) != 0) {
    ++counters_.notify_skipped;
    return false;
  }
  note_sequence(record);
  const auto type = static_cast<std::uint32_t>(record.action & kActionMask);
  const bool v8 = (record.magic & 0xff) == kVersion2;
  if (type == 0 || type > (v8 ? kLastKnownAction2 : kLastKnownAction)) {
    ++counters_.unknown_actions;
    return false;
  }
  const std::uint32_t wanted = options_.event == BlktraceOptions::Event::queue ? kQueue : kIssue;
  if (type != wanted || (record.action & kPassThrough) != 0 ||
      (options_.device && *options_.device != record.device)) {
    ++counters_.other_skipped;
    return false;
  }
  if ((record.action & kDiscard) != 0) {
    out.kind = engine::IoKind::discard;
  } else if (record.bytes == 0 && (record.action & kFlush) != 0) {
    out.kind = engine::IoKind::flush;
  } else if (record.bytes == 0) {
    ++counters_.no_data_skipped;
    return false;
  } else {
    const bool write = (record.action & (kWrite | kWriteZeroes)) != 0;
    out.kind = write ? engine::IoKind::write : engine::IoKind::read;
  }
  out.time_ns = static_cast<std::int64_t>(record.time_ns - *genesis_ns_);
  out.offset_bytes = record.sector * kSectorBytes;
  out.length_bytes = record.bytes;
  out.device = record.device;
  return true;
}

bool BlktraceReader::pull(BlktraceRecord& record) {
  if (heap_.empty()) return false;
  const std::size_t file = heap_.top().file;
  heap_.pop();
  record = heads_[file];
  advance(file);
  ++counters_.records_read;
  // Like blkparse, count time from the first event; notify records (which may precede it by
  // seconds) do not start the clock.
  if (!genesis_ns_ && (record.action & blktrace::kNotify) == 0) genesis_ns_ = record.time_ns;
  latest_ns_ = record.time_ns;
  return true;
}

bool BlktraceReader::next(StreamRequest& out) {
  if (pairing_) return next_paired(out);
  BlktraceRecord record;
  while (pull(record)) {
    if (to_request(record, out)) {
      last_ = record;
      ++counters_.requests_yielded;
      return true;
    }
  }
  return false;
}

bool BlktraceReader::next_paired(StreamRequest& out) {
  using namespace blktrace;
  for (;;) {
    if (!pairing_->empty()) {
      const auto& front = pairing_->front();
      const bool overflow = pairing_->size() > options_.max_pending;
      const bool expired = latest_ns_ - front.record.time_ns > options_.pair_window_ns;
      if (front.latency_ns || overflow || expired || heap_.empty()) {
        out = front.request;
        last_ = front.record;
        last_latency_ = front.latency_ns;
        if (last_latency_) {
          ++counters_.completions_paired;
        } else {
          ++counters_.completions_unpaired;
          if (front.ambiguous) {
            ++counters_.completions_ambiguous;
          } else if (overflow && !expired && !heap_.empty()) {
            ++counters_.pending_overflows;
          }
        }
        pairing_->pop_front();
        ++counters_.requests_yielded;
        return true;
      }
    }
    BlktraceRecord record;
    if (!pull(record)) return false;  // only reached with nothing held
    StreamRequest request;
    if (to_request(record, request)) {
      pairing_->add(request, record);
    } else if ((record.action & kActionMask) == kComplete && (record.action & kPassThrough) == 0 &&
               (record.action & kNotify) == 0) {
      pairing_->complete(record);
    }
  }
}

std::string BlktraceReader::describe() const {
  std::string text = "blktrace ";
  text += options_.event == BlktraceOptions::Event::queue ? "Q" : "D";
  text += " events of " + origin_;
  if (options_.device) {
    text += " device " + std::to_string(*options_.device >> 20) + "," +
            std::to_string(*options_.device & 0xFFFFFU);
  }
  return text;
}

BlktraceCounters BlktraceReader::counters() const {
  BlktraceCounters counters = counters_;
  for (const auto& file : files_)
    counters.corrupt_skipped += file->corrupt_skipped();
  return counters;
}

bool BlktraceReader::last_fua() const {
  return (last_.action & blktrace::kFua) != 0;
}

bool BlktraceReader::last_preflush() const {
  // A zero-length flush is a flush request itself, not a write with a preflush.
  return (last_.action & blktrace::kFlush) != 0 && last_.bytes > 0;
}

}  // namespace flashtwin::models
