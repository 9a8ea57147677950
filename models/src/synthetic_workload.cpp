// validate() and describe() of SyntheticWorkload.
#include "flashtwin/models/synthetic_workload.hpp"

#include "address_sampler.hpp"
#include "workload_text.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace flashtwin::models {
namespace {

[[noreturn]] void reject(const std::string& field, const std::string& rule,
                         const std::string& got) {
  throw std::invalid_argument(field + ": " + rule + ", got " + got);
}

void require_in(const std::string& field, double value, double low, double high, const char* rule) {
  if (!(value >= low && value <= high)) reject(field, rule, format_number(value));
}

void require_positive(const std::string& field, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    reject(field, "must be finite and > 0", format_number(value));
  }
}

void require_aligned(const std::string& field, std::uint64_t bytes, std::uint64_t alignment) {
  if (bytes % alignment != 0) {
    reject(field, "must be a multiple of alignment_bytes (" + std::to_string(alignment) + ")",
           std::to_string(bytes));
  }
}

void validate_geometry(const SyntheticWorkload& w) {
  if (w.disk_bytes == 0) reject("disk_bytes", "is required and must be > 0", "0");
  const std::uint64_t a = w.alignment_bytes;
  if (a < 512 || (a & (a - 1)) != 0) {
    reject("alignment_bytes", "must be a power of two >= 512", std::to_string(a));
  }
  require_aligned("disk_bytes", w.disk_bytes, a);
}

void validate_pattern(const SyntheticWorkload& w) {
  if (w.pattern > AddressPattern::sequential) {
    reject("pattern", "must be uniform, zipf, hot_set or sequential",
           std::to_string(static_cast<int>(w.pattern)));
  }
  require_positive("zipf_theta", w.zipf_theta);
  if (!(w.hot_fraction > 0.0 && w.hot_fraction < 1.0)) {
    reject("hot_fraction", "must be in (0, 1)", format_number(w.hot_fraction));
  }
  require_in("hot_access_fraction", w.hot_access_fraction, 0.0, 1.0, "must be in [0, 1]");
  const std::uint64_t blocks = w.disk_bytes / w.alignment_bytes;
  const std::uint64_t hot = hot_block_count(w.hot_fraction, blocks);
  if (w.pattern == AddressPattern::hot_set && (hot == 0 || hot == blocks)) {
    reject("hot_fraction",
           "must leave at least one hot and one cold block of the disk's " +
               std::to_string(blocks) + " blocks",
           format_number(w.hot_fraction) + " (" + std::to_string(hot) + " hot blocks)");
  }
  require_aligned("start_offset_bytes", w.start_offset_bytes, w.alignment_bytes);
  if (w.start_offset_bytes >= w.disk_bytes) {
    reject("start_offset_bytes", "must be < disk_bytes (" + std::to_string(w.disk_bytes) + ")",
           std::to_string(w.start_offset_bytes));
  }
}

void validate_sizes(const SyntheticWorkload& w) {
  if (w.size_mix.empty()) reject("size_mix", "must have at least one entry", "none");
  for (std::size_t i = 0; i < w.size_mix.size(); ++i) {
    const std::string entry = "size_mix[" + std::to_string(i) + "]";
    const SizeWeight& size = w.size_mix[i];
    if (size.length_bytes == 0) reject(entry + ".length_bytes", "must be > 0", "0");
    require_aligned(entry + ".length_bytes", size.length_bytes, w.alignment_bytes);
    if (size.length_bytes > w.disk_bytes) {
      reject(entry + ".length_bytes",
             "must be <= disk_bytes (" + std::to_string(w.disk_bytes) + ")",
             std::to_string(size.length_bytes));
    }
    require_positive(entry + ".weight", size.weight);
  }
}

void validate_arrivals(const SyntheticWorkload& w) {
  if (w.arrivals > ArrivalKind::poisson) {
    reject("arrivals", "must be constant or poisson", std::to_string(static_cast<int>(w.arrivals)));
  }
  require_positive("iops", w.iops);
  constexpr double kOneNs = 1e-9;
  const char* burst_rule = "must be 0 (no bursts) or finite and >= 1e-9";
  if (!(w.burst_on_s == 0.0 || (w.burst_on_s >= kOneNs && std::isfinite(w.burst_on_s)))) {
    reject("burst_on_s", burst_rule, format_number(w.burst_on_s));
  }
  if (!(w.burst_off_s == 0.0 || (w.burst_off_s >= kOneNs && std::isfinite(w.burst_off_s)))) {
    reject("burst_off_s", burst_rule, format_number(w.burst_off_s));
  }
  if ((w.burst_on_s == 0.0) != (w.burst_off_s == 0.0)) {
    const bool on_missing = w.burst_on_s == 0.0;
    reject(on_missing ? "burst_on_s" : "burst_off_s",
           std::string("must be > 0 when ") + (on_missing ? "burst_off_s" : "burst_on_s") +
               " is set (both 0 = no bursts)",
           "0");
  }
  require_in("burst_off_rate_factor", w.burst_off_rate_factor, 0.0, 1.0, "must be in [0, 1]");
}

void validate_limits(const SyntheticWorkload& w) {
  if (!(w.duration_s >= 0.0) || !std::isfinite(w.duration_s)) {
    reject("duration_s", "must be finite and >= 0 (0 = unlimited)", format_number(w.duration_s));
  }
  if (w.max_requests == 0 && w.duration_s == 0.0) {
    reject("max_requests, duration_s", "at least one limit must be set (0 = unlimited)", "both 0");
  }
}

std::string describe_pattern(const SyntheticWorkload& w) {
  switch (w.pattern) {
    case AddressPattern::uniform:
      return "uniform";
    case AddressPattern::zipf:
      return "zipf(" + format_number(w.zipf_theta) + ")";
    case AddressPattern::hot_set:
      return "hot_set(" + format_number(w.hot_access_fraction * 100.0) + "% on " +
             format_number(w.hot_fraction * 100.0) + "% of disk)";
    case AddressPattern::sequential:
      return "sequential(from " + format_bytes(w.start_offset_bytes) + ")";
  }
  return "?";
}

std::string describe_sizes(const SyntheticWorkload& w) {
  if (w.size_mix.size() == 1) return format_bytes(w.size_mix.front().length_bytes);
  double total = 0.0;
  for (const SizeWeight& size : w.size_mix) {
    total += size.weight;
  }
  std::string text;
  for (const SizeWeight& size : w.size_mix) {
    const double percent = std::round(size.weight / total * 1000.0) / 10.0;
    // Appended piece by piece: `"/" + std::string` inlines to a memcpy that GCC 12 at -O3 wrongly
    // reports as overlapping (-Wrestrict).
    if (!text.empty()) text += '/';
    text += format_bytes(size.length_bytes);
    text += ' ';
    text += format_number(percent);
    text += '%';
  }
  return text;
}

}  // namespace

void validate(const SyntheticWorkload& workload) {
  validate_geometry(workload);
  validate_pattern(workload);
  validate_sizes(workload);
  validate_arrivals(workload);
  validate_limits(workload);
  require_in("read_ratio", workload.read_ratio, 0.0, 1.0, "must be in [0, 1]");
}

std::string describe(const SyntheticWorkload& w) {
  std::string text = describe_pattern(w) + " " +
                     format_number(std::round(w.read_ratio * 1000.0) / 10.0) + "% reads " +
                     describe_sizes(w) + " " + format_number(w.iops) + " IOPS " +
                     (w.arrivals == ArrivalKind::poisson ? "poisson" : "constant");
  if (w.burst_on_s > 0.0) {
    text +=
        " bursts " + format_number(w.burst_on_s) + "s on/" + format_number(w.burst_off_s) + "s off";
    if (w.burst_off_rate_factor > 0.0) text += " at x" + format_number(w.burst_off_rate_factor);
  }
  text += " on " + format_bytes(w.disk_bytes);
  if (w.max_requests > 0) text += ", " + std::to_string(w.max_requests) + " requests";
  if (w.duration_s > 0.0) text += ", " + format_number(w.duration_s) + "s";
  return text + ", seed " + std::to_string(w.seed);
}

}  // namespace flashtwin::models
