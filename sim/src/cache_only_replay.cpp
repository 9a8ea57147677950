#include "flashtwin/sim/cache_only_replay.hpp"

#include <bit>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <variant>

namespace flashtwin::sim {

namespace {

constexpr engine::DatastoreId kDatastore = 1;
constexpr engine::VmId kVm = 1;

struct CounterMap final : engine::CounterVisitor {
  std::map<std::string, std::uint64_t>& out;
  explicit CounterMap(std::map<std::string, std::uint64_t>& o) : out(o) {}
  void counter(std::string_view name, std::uint64_t value) override {
    out[std::string(name)] = value;
  }
};

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

double CacheOnlyReport::read_hit_ratio() const {
  const std::uint64_t hits = counters.at("read_hit_blocks");
  return ratio(hits, hits + counters.at("read_miss_blocks"));
}

double CacheOnlyReport::write_hit_ratio() const {
  const std::uint64_t hits = counters.at("write_hit_blocks");
  return ratio(hits, hits + counters.at("write_miss_blocks"));
}

CacheOnlyReplay::CacheOnlyReplay(const CacheOnlyOptions& options)
    : options_(options),
      engine_(options.engine),
      flash_(options.check_consistency ? options.engine.capacity_blocks : 0),
      ledger_(options.engine.block_bytes, options.check_consistency) {
  engine_.add_datastore(kDatastore, options.mode);
  engine_.add_vm(kVm, kDatastore, std::nullopt);
  run_commands();
}

CacheOnlyReplay::~CacheOnlyReplay() = default;

void CacheOnlyReplay::add_disk(std::uint64_t size_bytes,
                               std::unique_ptr<models::RequestStream> stream) {
  const auto disk = static_cast<engine::DiskId>(sources_.size() + 1);
  engine_.add_disk(kVm, disk, size_bytes);
  Source source{disk, std::move(stream), {}, false};
  source.live = source.stream->next(source.next);
  sources_.push_back(std::move(source));
}

void CacheOnlyReplay::run() {
  while (options_.max_requests == 0 || requests_ < options_.max_requests) {
    Source* earliest = earliest_source();
    if (earliest == nullptr) break;
    if (may_serve_at_once(*earliest) && engine_.at_rest()) {
      serve_reads_at_once();
      continue;
    }
    advance_to(earliest->next.time_ns);
    submit(*earliest);
    earliest->live = earliest->stream->next(earliest->next);
  }
}

// The source whose next request is earliest (ties: the lower disk), a k-way merge by time.
CacheOnlyReplay::Source* CacheOnlyReplay::earliest_source() {
  Source* earliest = nullptr;
  for (Source& source : sources_) {
    if (source.live && (earliest == nullptr || source.next.time_ns < earliest->next.time_ns))
      earliest = &source;
  }
  return earliest;
}

// A read issued before the engine's timer is due (advance_to would fire it first).
bool CacheOnlyReplay::may_serve_at_once(const Source& source) const {
  return options_.reads_at_once && source.next.kind == engine::IoKind::read &&
         (!timer_at_ || source.next.time_ns < *timer_at_);
}

// The reads from here on, up to the first request that may not be served at once, served by the
// engine at rest in one batch; each then completes as its blocks' sources say (as the devices'
// commands would have).
void CacheOnlyReplay::serve_reads_at_once() {
  constexpr std::size_t kBatch = 256;
  batch_.clear();
  for (Source* source = earliest_source();
       source != nullptr && may_serve_at_once(*source) && batch_.size() < kBatch &&
       (options_.max_requests == 0 || requests_ < options_.max_requests);
       source = earliest_source()) {
    const models::StreamRequest& r = source->next;
    batch_.push_back(ledger_.submit_at_once(source->disk, r.offset_bytes, r.length_bytes));
    ++requests_;
    now_ = std::max(now_, r.time_ns);
    source->live = source->stream->next(source->next);
  }
  served_.clear();
  if (!engine_.reads_at_once(now_, batch_, served_))
    throw std::logic_error("cache-only replay: the engine was not at rest for reads at once");
  reads_at_once_ += batch_.size();
  if (!options_.check_consistency) return;  // nothing to judge: the devices hold no versions
  const std::uint64_t block_mask = options_.engine.block_bytes - 1;
  const int block_shift = std::countr_zero(options_.engine.block_bytes);
  const engine::ServedBlock* block = served_.data();
  for (const engine::IoRequest& read : batch_) {
    const engine::BlockNo first = read.offset_bytes >> block_shift;
    const auto blocks = static_cast<std::uint32_t>(
        ((read.offset_bytes + read.length_bytes + block_mask) >> block_shift) - first);
    data_.resize(blocks);
    for (std::uint32_t i = 0; i < blocks; ++i) {
      const engine::ServedBlock& b = block[i];
      if (b.source == engine::BlockSource::flash) {
        data_[i] = flash_.at(b.slot);
        continue;
      }
      ledger_.array().read(read.disk, first + i, 1, scratch_);
      data_[i] = scratch_[0];
      if (b.source == engine::BlockSource::array_filled)
        flash_.write(std::span<const engine::SlotId>(&b.slot, 1), scratch_);
    }
    block += blocks;
    if (auto judged = ledger_.completed_at_once(read, data_); judged.violation)
      violations_.push_back("request " + std::to_string(read.id) + " " + *judged.violation);
  }
}

void CacheOnlyReplay::submit(const Source& source) {
  const models::StreamRequest& r = source.next;
  const engine::IoRequest request =
      ledger_.submit(source.disk, r.kind, r.offset_bytes, r.length_bytes);
  ++requests_;
  engine_.submit(now_, request);
  run_commands();
}

void CacheOnlyReplay::advance_to(engine::TimeNs now) {
  while (timer_at_ && *timer_at_ <= now) {
    now_ = *timer_at_;
    timer_at_.reset();
    engine_.timer_fired(now_, timer_id_);
    run_commands();
  }
  now_ = std::max(now_, now);
}

// Completes every command at once, including the ones completions cause, until none is left.
void CacheOnlyReplay::run_commands() {
  const bool check = options_.check_consistency;
  for (auto commands = engine_.drain(); !commands.empty(); commands = engine_.drain()) {
    for (const engine::Command& command : commands) {
      std::visit(
          [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, engine::FlashRead>) {
              if (check) {
                flash_.read(c.slots, data_);
              } else {
                data_.assign(c.slots.size(), 0);
              }
              engine_.completed(now_, c.id, engine::Status::ok, data_);
            } else if constexpr (std::is_same_v<T, engine::FlashWrite>) {
              if (check) flash_.write(c.slots, c.versions);
              engine_.completed(now_, c.id, engine::Status::ok);
            } else if constexpr (std::is_same_v<T, engine::ArrayRead>) {
              ledger_.array_read(c, data_);
              engine_.completed(now_, c.id, engine::Status::ok, data_);
            } else if constexpr (std::is_same_v<T, engine::ArrayWrite>) {
              ledger_.array_write(c);
              engine_.completed(now_, c.id, engine::Status::ok);
            } else if constexpr (std::is_same_v<T, engine::CompleteRequest>) {
              if (auto judged = ledger_.completed(c); judged.violation) {
                violations_.push_back("request " + std::to_string(c.request) + " " +
                                      *judged.violation);
              }
            } else if constexpr (std::is_same_v<T, engine::SetTimer>) {
              timer_at_ = c.at;
              timer_id_ = c.timer;
            }
          },
          command);
    }
  }
}

void CacheOnlyReplay::quiesce() {
  // Paced destage drains one operation per timer: follow the engine's timer until it stops asking
  // (the bound only guards against an engine that never would).
  for (std::uint64_t round = 0; round < (std::uint64_t{1} << 32) && timer_at_; ++round)
    advance_to(*timer_at_);
  for (std::string& message : ledger_.check_array(100).messages) {
    if (violations_.size() < 100) violations_.push_back(std::move(message));
  }
}

CacheOnlyReport CacheOnlyReplay::report() const {
  CacheOnlyReport report;
  report.requests = requests_;
  report.reads_at_once = reads_at_once_;
  CounterMap visitor(report.counters);
  engine_.visit_counters(visitor);
  report.reads_checked = ledger_.oracle().reads_checked();
  report.reads_failed = ledger_.reads_failed();
  report.violations = violations_;
  return report;
}

}  // namespace flashtwin::sim
