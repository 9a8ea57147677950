// Reading designs' outcomes, the Pareto front and the best design per SLO (see sweep_results.hpp).
#include "flashtwin/sim/sweep_results.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>

namespace flashtwin::sim {
namespace {

const nlohmann::json& at(const nlohmann::json& object, std::initializer_list<const char*> keys) {
  const nlohmann::json* value = &object;
  std::string path = "summary.json";
  for (const char* key : keys) {
    path += std::string(".") + key;
    if (!value->is_object() || !value->contains(key))
      throw std::invalid_argument(path + ": missing (not a flashtwin summary.json)");
    value = &(*value)[key];
  }
  return *value;
}

double number_or_nan(const nlohmann::json& value) {
  return value.is_number() ? value.get<double>() : DesignOutcome::kNaN;
}

double ms(const nlohmann::json& latency, const char* statistic) {
  return number_or_nan(at(latency, {statistic})) / 1e6;
}

double worst_is_largest(double value) {
  return std::isnan(value) ? std::numeric_limits<double>::infinity() : value;
}

bool ran(const DesignOutcome& outcome) {
  return outcome.status == DesignStatus::ok || outcome.status == DesignStatus::check_failed;
}

// a <= b in every coordinate and < in one (NaN read as +infinity).
bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = worst_is_largest(a[i]);
    const double y = worst_is_largest(b[i]);
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

}  // namespace

const char* design_status_name(DesignStatus status) {
  switch (status) {
    case DesignStatus::not_run:
      return "not-run";
    case DesignStatus::ok:
      return "ok";
    case DesignStatus::check_failed:
      return "check-failed";
    case DesignStatus::failed:
      return "failed";
  }
  return "?";
}

void read_summary(const nlohmann::json& summary, DesignOutcome& outcome) {
  const nlohmann::json& cluster = at(summary, {"cluster"});
  const nlohmann::json& reads = at(cluster, {"latency_ns", "reads"});
  const nlohmann::json& writes = at(cluster, {"latency_ns", "writes"});
  outcome.read_p50_ms = ms(reads, "p50");
  outcome.read_p95_ms = ms(reads, "p95");
  outcome.read_p99_ms = ms(reads, "p99");
  outcome.write_p50_ms = ms(writes, "p50");
  outcome.write_p95_ms = ms(writes, "p95");
  outcome.write_p99_ms = ms(writes, "p99");
  outcome.read_hit_ratio = number_or_nan(at(cluster, {"read_hit_ratio", "flash"}));
  outcome.data_at_risk_bytes = number_or_nan(at(cluster, {"bytes_at_risk", "max"}));
  const nlohmann::json& consistency = at(summary, {"consistency"});
  outcome.consistency = at(consistency, {"verdict"}).get<std::string>();
  outcome.acknowledged_writes_lost =
      at(consistency, {"acknowledged_writes_lost"}).get<std::uint64_t>();
  if (summary.contains("comparison") && summary["comparison"].contains("array_offload")) {
    const nlohmann::json& offload = summary["comparison"]["array_offload"];
    outcome.read_offload = number_or_nan(at(offload, {"reads"}));
    outcome.write_offload = number_or_nan(at(offload, {"writes"}));
    outcome.bytes_offload = number_or_nan(at(offload, {"bytes"}));
  }
  double dwpd = DesignOutcome::kNaN;
  for (const nlohmann::json& host : at(summary, {"hosts"})) {
    const double d = number_or_nan(at(host, {"drive_writes_per_day"}));
    if (!std::isnan(d) && (std::isnan(dwpd) || d > dwpd)) dwpd = d;
  }
  outcome.drive_writes_per_day_max = dwpd;
  outcome.expectations_failed.clear();
  if (summary.contains("expectations"))
    for (const nlohmann::json& failed : at(summary, {"expectations", "failed"}))
      outcome.expectations_failed.push_back(failed.get<std::string>());
}

std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points) {
  // In lexicographic order a point's dominators all come before it, and a point dominated by
  // anything is dominated by a point of the front: comparing with the front so far suffices.
  const auto key = [&points](std::size_t i) {
    std::vector<double> k(points[i].size());
    std::transform(points[i].begin(), points[i].end(), k.begin(), worst_is_largest);
    return k;
  };
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&key](std::size_t a, std::size_t b) { return key(a) < key(b); });
  std::vector<std::size_t> front;
  for (const std::size_t i : order) {
    const bool dominated = std::any_of(
        front.begin(), front.end(), [&](std::size_t f) { return dominates(points[f], points[i]); });
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end());
  return front;
}

void mark_pareto(std::vector<DesignOutcome>& outcomes) {
  std::vector<std::vector<double>> points;
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    DesignOutcome& o = outcomes[i];
    o.pareto = false;
    if (!ran(o)) continue;
    points.push_back({o.cost, o.read_p99_ms, -o.bytes_offload, o.data_at_risk_bytes});
    which.push_back(i);
  }
  for (const std::size_t p : pareto_front(points))
    outcomes[which[p]].pareto = true;
}

bool meets(const Slo& slo, const DesignOutcome& o) {
  if (!ran(o) || o.consistency != "consistent") return false;
  const auto at_most = [](const std::optional<double>& bound, double value) {
    return !bound || (!std::isnan(value) && value <= *bound);
  };
  const auto at_least = [](const std::optional<double>& bound, double value) {
    return !bound || (!std::isnan(value) && value >= *bound);
  };
  return at_most(slo.p99_read_ms_max, o.read_p99_ms) &&
         at_most(slo.p99_write_ms_max, o.write_p99_ms) &&
         at_least(slo.read_offload_min, o.read_offload) &&
         at_least(slo.bytes_offload_min, o.bytes_offload) &&
         at_most(slo.data_at_risk_gib_max, o.data_at_risk_bytes / 1073741824.0) &&
         (!slo.acknowledged_writes_lost_max ||
          o.acknowledged_writes_lost <= *slo.acknowledged_writes_lost_max);
}

std::optional<std::size_t> best_for(const Slo& slo, const std::vector<DesignOutcome>& outcomes) {
  std::optional<std::size_t> best;
  const auto rank = [&outcomes](std::size_t i) {
    return std::make_tuple(worst_is_largest(outcomes[i].cost),
                           worst_is_largest(outcomes[i].read_p99_ms), outcomes[i].design.index);
  };
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    if (meets(slo, outcomes[i]) && (!best || rank(i) < rank(*best))) best = i;
  return best;
}

}  // namespace flashtwin::sim
