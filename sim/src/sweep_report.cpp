// A sweep's merged result files: results.csv, results.json and summary.md (see sweep_results.hpp;
// the columns are described in docs/SWEEPS.md).
#include "flashtwin/sim/sweep_results.hpp"
#include "number_format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace flashtwin::sim {
namespace {

// Shortest text that reads back as the value rounded to 9 significant digits; "" for NaN.
std::string plain(double value) {
  if (!std::isfinite(value)) return "";
  std::array<char, 64> buf{};
  const double rounded = format::round_significant(value, 9);
  const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), rounded).ptr;
  return std::string(buf.data(), end);
}

std::string value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

nlohmann::json number(double value) {
  return std::isfinite(value) ? nlohmann::json(format::round_significant(value, 9))
                              : nlohmann::json(nullptr);
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (const std::string& part : parts)
    text += (text.empty() ? "" : separator) + part;
  return text;
}

// Figures a design row carries after its axis values, in column order; `field` null stands for
// acknowledged_writes_lost, the one whole number.
struct Column {
  const char* name;
  double DesignOutcome::*field;
  double get(const DesignOutcome& o) const {
    return field != nullptr ? o.*field : static_cast<double>(o.acknowledged_writes_lost);
  }
  void set(DesignOutcome& o, double value) const {
    if (field != nullptr) {
      o.*field = value;
    } else {
      o.acknowledged_writes_lost = std::isnan(value) ? 0 : static_cast<std::uint64_t>(value);
    }
  }
};
constexpr std::array<Column, 14> kFigures{{
    {"cost", &DesignOutcome::cost},
    {"read_p50_ms", &DesignOutcome::read_p50_ms},
    {"read_p95_ms", &DesignOutcome::read_p95_ms},
    {"read_p99_ms", &DesignOutcome::read_p99_ms},
    {"write_p50_ms", &DesignOutcome::write_p50_ms},
    {"write_p95_ms", &DesignOutcome::write_p95_ms},
    {"write_p99_ms", &DesignOutcome::write_p99_ms},
    {"read_offload", &DesignOutcome::read_offload},
    {"write_offload", &DesignOutcome::write_offload},
    {"bytes_offload", &DesignOutcome::bytes_offload},
    {"read_hit_ratio", &DesignOutcome::read_hit_ratio},
    {"data_at_risk_bytes", &DesignOutcome::data_at_risk_bytes},
    {"acknowledged_writes_lost", nullptr},
    {"drive_writes_per_day_max", &DesignOutcome::drive_writes_per_day_max},
}};

bool has_figures(const DesignOutcome& o) {
  return o.status == DesignStatus::ok || o.status == DesignStatus::check_failed;
}

std::string markdown_figure(double value, int decimals) {
  const std::string text = format::fixed(value, decimals);
  return text.empty() ? "-" : text;
}

}  // namespace

std::string results_csv(const SweepSpec& sweep, const std::vector<DesignOutcome>& outcomes) {
  std::ostringstream out;
  out << "design,name";
  for (const SweepAxis& axis : sweep.axes)
    out << ',' << format::csv_quoted(axis.name);
  out << ",hash,status";
  for (const Column& c : kFigures)
    out << ',' << c.name;
  out << ",consistency,expectations_failed,pareto";
  for (const Slo& slo : sweep.slos)
    out << ',' << format::csv_quoted("slo: " + slo.name);
  out << '\n';
  for (const DesignOutcome& o : outcomes) {
    out << o.design.index << ',' << format::csv_quoted(o.design.name);
    for (const nlohmann::json& value : o.design.values)
      out << ',' << format::csv_quoted(value_text(value));
    out << ',' << o.hash << ',' << design_status_name(o.status);
    const bool figures = has_figures(o);
    for (const Column& c : kFigures)
      out << ',' << (figures || c.field == &DesignOutcome::cost ? plain(c.get(o)) : "");
    out << ',' << format::csv_quoted(o.consistency) << ','
        << format::csv_quoted(joined(o.expectations_failed, "; ")) << ',' << (o.pareto ? 1 : 0);
    for (const Slo& slo : sweep.slos)
      out << ',' << (meets(slo, o) ? 1 : 0);
    out << '\n';
  }
  return out.str();
}

nlohmann::ordered_json results_json(const SweepSpec& sweep,
                                    const std::vector<DesignOutcome>& outcomes) {
  nlohmann::ordered_json j;
  j["format"] = "flashtwin-sweep-1";
  j["sweep"] = sweep.name;
  j["base"] = sweep.base_name;
  j["currency"] = sweep.cost.currency;
  nlohmann::ordered_json axes = nlohmann::ordered_json::array();
  for (const SweepAxis& axis : sweep.axes)
    axes.push_back({{"name", axis.name}, {"paths", axis.paths}, {"values", axis.values}});
  j["axes"] = axes;
  nlohmann::ordered_json designs = nlohmann::ordered_json::array();
  for (const DesignOutcome& o : outcomes) {
    nlohmann::ordered_json d;
    d["design"] = o.design.index;
    d["name"] = o.design.name;
    d["values"] = o.design.values;
    d["hash"] = o.hash;
    d["status"] = design_status_name(o.status);
    for (const Column& c : kFigures)
      d[c.name] = has_figures(o) || c.field == &DesignOutcome::cost ? number(c.get(o)) : nullptr;
    d["consistency"] = o.consistency.empty() ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(o.consistency);
    d["expectations_failed"] = o.expectations_failed;
    d["pareto"] = o.pareto;
    designs.push_back(d);
  }
  j["designs"] = designs;
  nlohmann::ordered_json slos = nlohmann::ordered_json::array();
  for (const Slo& slo : sweep.slos) {
    const std::optional<std::size_t> best = best_for(slo, outcomes);
    std::size_t met = 0;
    for (const DesignOutcome& o : outcomes)
      met += meets(slo, o) ? 1 : 0;
    slos.push_back({{"name", slo.name},
                    {"designs_meeting", met},
                    {"best", best ? nlohmann::ordered_json(outcomes[*best].design.name)
                                  : nlohmann::ordered_json(nullptr)}});
  }
  j["slos"] = slos;
  return j;
}

namespace {

DesignStatus status_named(const std::string& name) {
  for (const DesignStatus s :
       {DesignStatus::not_run, DesignStatus::ok, DesignStatus::check_failed, DesignStatus::failed})
    if (name == design_status_name(s)) return s;
  throw std::invalid_argument("results.json: unknown design status '" + name + "'");
}

double figure(const nlohmann::json& design, const char* key) {
  const nlohmann::json& value = design.at(key);
  return value.is_number() ? value.get<double>() : DesignOutcome::kNaN;
}

}  // namespace

SweepResultsFile read_results_json(const nlohmann::json& json) {
  try {
    if (json.at("format") != "flashtwin-sweep-1")
      throw std::invalid_argument("results.json: format is not flashtwin-sweep-1");
    SweepResultsFile file;
    file.sweep = json.at("sweep").get<std::string>();
    file.base = json.at("base").get<std::string>();
    file.currency = json.at("currency").get<std::string>();
    for (const nlohmann::json& axis : json.at("axes")) {
      file.axes.push_back({axis.at("name").get<std::string>(),
                           axis.at("paths").get<std::vector<std::string>>(),
                           axis.at("values").get<std::vector<nlohmann::json>>()});
    }
    for (const nlohmann::json& d : json.at("designs")) {
      DesignOutcome o;
      o.design.index = d.at("design").get<std::size_t>();
      o.design.name = d.at("name").get<std::string>();
      o.design.values = d.at("values").get<std::vector<nlohmann::json>>();
      o.hash = d.at("hash").get<std::string>();
      o.status = status_named(d.at("status").get<std::string>());
      for (const Column& c : kFigures)
        c.set(o, figure(d, c.name));
      o.consistency = d.at("consistency").is_string() ? d.at("consistency").get<std::string>() : "";
      o.expectations_failed = d.at("expectations_failed").get<std::vector<std::string>>();
      o.pareto = d.at("pareto").get<bool>();
      file.outcomes.push_back(std::move(o));
    }
    for (const nlohmann::json& slo : json.at("slos")) {
      file.slos.push_back({slo.at("name").get<std::string>(),
                           slo.at("designs_meeting").get<std::size_t>(),
                           slo.at("best").is_string()
                               ? std::optional<std::string>(slo.at("best").get<std::string>())
                               : std::nullopt});
    }
    return file;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("results.json: ") + e.what());
  }
}

std::string results_markdown(const SweepSpec& sweep, const std::vector<DesignOutcome>& outcomes) {
  std::ostringstream out;
  std::size_t ran = 0;
  for (const DesignOutcome& o : outcomes)
    ran += has_figures(o) ? 1 : 0;
  out << "# Sweep: " << sweep.name << "\n\n";
  out << "Base scenario: " << sweep.base_name << ". " << outcomes.size() << " designs, " << ran
      << " with results"
      << (ran < outcomes.size() ? " (the others have not run or failed: see status)" : "")
      << ". Cost in " << sweep.cost.currency
      << "; offload is the share of bytes kept off the array (docs/RESULTS.md). "
      << "**P**: on the Pareto front of cost, p99 read latency, offload and data at risk.\n\n";
  out << "| # | design | status | cost | read p99 ms | write p99 ms | offload | hit ratio | "
         "data at risk GiB | writes lost | P |\n";
  out << "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const DesignOutcome& o : outcomes) {
    const bool f = has_figures(o);
    out << "| " << o.design.index << " | " << o.design.name << " | " << design_status_name(o.status)
        << " | " << markdown_figure(o.cost, 0) << " | "
        << (f ? markdown_figure(o.read_p99_ms, 3) : "-") << " | "
        << (f ? markdown_figure(o.write_p99_ms, 3) : "-") << " | "
        << (f ? markdown_figure(o.bytes_offload, 3) : "-") << " | "
        << (f ? markdown_figure(o.read_hit_ratio, 3) : "-") << " | "
        << (f ? markdown_figure(o.data_at_risk_bytes / 1073741824.0, 2) : "-") << " | "
        << (f ? std::to_string(o.acknowledged_writes_lost) : "-") << " | " << (o.pareto ? "P" : "")
        << " |\n";
  }
  if (!sweep.slos.empty()) {
    out << "\n## Best design per SLO\n\n";
    for (const Slo& slo : sweep.slos) {
      const std::optional<std::size_t> best = best_for(slo, outcomes);
      out << "- **" << slo.name << "**: ";
      if (best) {
        const DesignOutcome& o = outcomes[*best];
        out << "design " << o.design.index << " (" << o.design.name << "), cost "
            << markdown_figure(o.cost, 0) << " " << sweep.cost.currency << ", read p99 "
            << markdown_figure(o.read_p99_ms, 3) << " ms\n";
      } else {
        out << "no design that ran meets it\n";
      }
    }
  }
  return out.str();
}

}  // namespace flashtwin::sim
