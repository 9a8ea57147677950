#include "flashtwin/sim/key_figures.hpp"

#include <cmath>
#include <limits>

namespace flashtwin::sim {
namespace {

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
constexpr double kMiB = 1024.0 * 1024.0;

double at(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* node = &j;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return kUndefined;
    node = &(*node)[key];
  }
  return node->is_number() ? node->get<double>() : kUndefined;
}

}  // namespace

KeyFigures key_figures(const ResultsFolder& results) {
  const nlohmann::json& s = results.summary;
  KeyFigures k;
  k.read_p50_ms = at(s, {"cluster", "latency_ns", "reads", "p50"}) / 1e6;
  k.read_p99_ms = at(s, {"cluster", "latency_ns", "reads", "p99"}) / 1e6;
  k.write_p50_ms = at(s, {"cluster", "latency_ns", "writes", "p50"}) / 1e6;
  k.write_p99_ms = at(s, {"cluster", "latency_ns", "writes", "p99"}) / 1e6;
  if (at(s, {"cluster", "latency_ns", "writes", "count"}) == 0)
    k.write_p50_ms = k.write_p99_ms = kUndefined;
  if (at(s, {"cluster", "latency_ns", "reads", "count"}) == 0)
    k.read_p50_ms = k.read_p99_ms = kUndefined;
  k.read_hit_ratio = at(s, {"cluster", "read_hit_ratio", "flash"});
  k.array_read_offload = at(s, {"comparison", "array_offload", "reads"});
  k.array_write_offload = at(s, {"comparison", "array_offload", "writes"});
  k.latency_gain_mean = at(s, {"comparison", "latency_gain", "all", "mean", "gain"});
  k.bytes_at_risk_max = at(s, {"cluster", "bytes_at_risk", "max"});
  k.acknowledged_writes_lost = at(s, {"consistency", "acknowledged_writes_lost"});
  k.violations = at(s, {"consistency", "violations"});
  double dwpd = kUndefined;
  if (s.contains("hosts") && s["hosts"].is_array()) {
    for (const nlohmann::json& host : s["hosts"]) {
      const double d = at(host, {"drive_writes_per_day"});
      if (!std::isnan(d) && (std::isnan(dwpd) || d > dwpd)) dwpd = d;
    }
  }
  k.drive_writes_per_day = dwpd;
  return k;
}

std::vector<Figure> figure_list(const KeyFigures& k) {
  return {
      {"read latency p50", "ms", k.read_p50_ms, 3, true},
      {"read latency p99", "ms", k.read_p99_ms, 3, true},
      {"write latency p50", "ms", k.write_p50_ms, 3, true},
      {"write latency p99", "ms", k.write_p99_ms, 3, true},
      {"read hit ratio (flash)", "%", k.read_hit_ratio * 100, 1, false},
      {"array reads offloaded", "%", k.array_read_offload * 100, 1, false},
      {"array writes offloaded", "%", k.array_write_offload * 100, 1, false},
      {"mean latency gain", "x", k.latency_gain_mean, 2, false},
      {"data at risk, max", "MiB", k.bytes_at_risk_max / kMiB, 1, true},
      {"acknowledged writes lost", "", k.acknowledged_writes_lost, 0, true},
      {"flash wear, most worn host", "DWPD", k.drive_writes_per_day, 2, true},
      {"consistency violations", "", k.violations, 0, true},
  };
}

Better better_of(const Figure& a, const Figure& b) {
  if (std::isnan(a.value) || std::isnan(b.value)) return Better::undefined;
  const double difference = std::abs(a.value - b.value);
  const double shown = 0.5 * std::pow(10.0, -a.decimals);
  if (difference < shown || difference < 0.005 * std::max(std::abs(a.value), std::abs(b.value)))
    return Better::same;
  return (a.value < b.value) == a.lower_is_better ? Better::a : Better::b;
}

}  // namespace flashtwin::sim
