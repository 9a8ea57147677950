// Reading a sweep and drawing its designs (see sweep_plan.hpp).
#include "flashtwin/sim/sweep_plan.hpp"

#include "flashtwin/sim/default_scenario.hpp"
#include "flashtwin/sim/json_reader.hpp"
#include "flashtwin/sim/scenario_overrides.hpp"
#include "number_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

namespace flashtwin::sim {
namespace {

constexpr std::size_t kMaxValuesPerAxis = 10'000;

// splitmix64: a small generator whose output is the same everywhere (the plan must be).
class PlanRandom {
 public:
  explicit PlanRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) {  // uniform in [0, n), n > 0 (no modulo bias)
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return x % n;
    }
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  std::uint64_t state_;
};

nlohmann::json read_json_file(const std::string& file, const std::string& path,
                              const std::string& what) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    throw ScenarioError(path, "cannot read " + what + " '" + file + "': not a regular file");
  std::ifstream in(file);
  if (!in) throw ScenarioError(path, "cannot read " + what + " '" + file + "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ScenarioError(path, "'" + file + "' is not valid JSON: " + e.what());
  }
}

// `path` with every `[*]` replaced by each index of the array it stands for, in order.
void expand_path(const nlohmann::json& document, const std::string& path, const std::string& where,
                 std::vector<std::string>& out) {
  const std::size_t star = path.find("[*]");
  if (star == std::string::npos) {
    out.push_back(path);
    return;
  }
  const std::string prefix = path.substr(0, star);
  const nlohmann::json* array = find_at_path(document, prefix);
  if (array == nullptr || !array->is_array() || array->empty()) {
    throw ScenarioError(where,
                        "'" + prefix + "[*]': the base scenario has no such non-empty array");
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    expand_path(document, prefix + "[" + std::to_string(i) + "]" + path.substr(star + 3), where,
                out);
  }
}

std::vector<nlohmann::json> read_range(const nlohmann::json& value, const std::string& path) {
  ObjectReader range(value, path);
  const double from = range.required_in<double>("from", -1e15, 1e15);
  const double to = range.required_in<double>("to", from, 1e15);
  const std::optional<double> step = range.maybe_in<double>("step", 1e-12, 1e15);
  const std::optional<std::uint64_t> count =
      range.maybe_in<std::uint64_t>("count", 1, kMaxValuesPerAxis);
  range.finish();
  if (step.has_value() == count.has_value())
    throw ScenarioError(path, "give either step or count (how the range from..to is cut)");
  const bool whole = from == std::floor(from) && (!step || *step == std::floor(*step));
  std::uint64_t n = 0;
  double spacing = 0;
  if (step) {
    const double steps = std::floor((to - from) / *step * (1 + 1e-12));
    if (steps + 1 > kMaxValuesPerAxis)
      throw ScenarioError(path, "more than " + std::to_string(kMaxValuesPerAxis) + " values");
    n = static_cast<std::uint64_t>(steps) + 1;
    spacing = *step;
  } else {
    n = *count;
    spacing = n > 1 ? (to - from) / static_cast<double>(n - 1) : 0;
  }
  std::vector<nlohmann::json> values;
  for (std::uint64_t i = 0; i < n; ++i) {
    const double v = format::round_significant(from + spacing * static_cast<double>(i), 12);
    if (whole && step) {
      values.emplace_back(static_cast<std::int64_t>(v));
    } else {
      values.emplace_back(v);
    }
  }
  return values;
}

SweepAxis read_axis(const nlohmann::json& value, const std::string& path,
                    const nlohmann::json& base) {
  ObjectReader reader(value, path);
  SweepAxis axis;
  std::vector<std::string> written;
  if (const nlohmann::json* one = reader.child("path"))
    written.push_back(json_as<std::string>(*one, reader.path_of("path")));
  if (const nlohmann::json* many = reader.child("paths")) {
    if (!many->is_array() || many->empty())
      throw ScenarioError(reader.path_of("paths"), "expected a non-empty array of paths");
    for (std::size_t i = 0; i < many->size(); ++i)
      written.push_back(json_as<std::string>(
          (*many)[i], reader.path_of("paths") + "[" + std::to_string(i) + "]"));
  }
  if (written.empty()) throw ScenarioError(path, "an axis needs `path` or `paths`");
  for (const std::string& p : written) {
    if (p.empty()) throw ScenarioError(path, "an empty path");
    expand_path(base, p, path, axis.paths);
  }
  axis.name = reader.optional<std::string>("name", written.front());
  if (axis.name.empty()) throw ScenarioError(reader.path_of("name"), "an empty name");
  const nlohmann::json* values = reader.child("values");
  const nlohmann::json* range = reader.child("range");
  if ((values != nullptr) == (range != nullptr))
    throw ScenarioError(path, "an axis needs either `values` (a list) or `range`");
  if (values != nullptr) {
    if (!values->is_array() || values->empty())
      throw ScenarioError(reader.path_of("values"), "expected a non-empty array");
    if (values->size() > kMaxValuesPerAxis)
      throw ScenarioError(reader.path_of("values"),
                          "more than " + std::to_string(kMaxValuesPerAxis) + " values");
    axis.values.assign(values->begin(), values->end());
  } else {
    axis.values = read_range(*range, reader.path_of("range"));
  }
  // Distinct values make distinct designs (what random and Latin-hypercube draws count on).
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    const auto [at, fresh] = first.emplace(axis.values[i].dump(), i);
    if (!fresh)
      throw ScenarioError(reader.path_of("values") + "[" + std::to_string(i) + "]",
                          axis.values[i].dump() + " is already value " +
                              std::to_string(at->second) + " of this axis");
  }
  reader.finish();
  return axis;
}

Slo read_slo(const nlohmann::json& value, const std::string& path) {
  ObjectReader reader(value, path);
  Slo slo;
  slo.name = reader.required<std::string>("name");
  slo.p99_read_ms_max = reader.maybe_in<double>("p99_read_ms_max", 0, 1e9);
  slo.p99_write_ms_max = reader.maybe_in<double>("p99_write_ms_max", 0, 1e9);
  slo.read_offload_min = reader.maybe_in<double>("read_offload_min", -1e9, 1);
  slo.bytes_offload_min = reader.maybe_in<double>("bytes_offload_min", -1e9, 1);
  slo.data_at_risk_gib_max = reader.maybe_in<double>("data_at_risk_gib_max", 0, 1e12);
  slo.acknowledged_writes_lost_max =
      reader.maybe_in<std::uint64_t>("acknowledged_writes_lost_max", 0, UINT64_MAX);
  reader.finish();
  return slo;
}

CostPrices read_cost(const nlohmann::json& value, const std::string& path) {
  ObjectReader reader(value, path);
  CostPrices prices = default_cost_prices();
  prices.currency = reader.optional<std::string>("currency", prices.currency);
  prices.per_host = reader.optional_in<double>("per_host", prices.per_host, 0, 1e12);
  if (const nlohmann::json* per_gb = reader.child("per_gb")) {
    const std::string where = reader.path_of("per_gb");
    if (!per_gb->is_object()) throw ScenarioError(where, "expected an object: device -> price");
    for (const auto& [device, price] : per_gb->items())
      prices.per_gb[device] = json_in_range<double>(price, where + "." + device, 0, 1e9);
  }
  reader.finish();
  return prices;
}

void read_sample(ObjectReader& top, SweepSpec& sweep) {
  const nlohmann::json* sample = top.child("sample");
  if (sample == nullptr) return;
  ObjectReader reader(*sample, top.path_of("sample"));
  const std::string method = reader.optional<std::string>("method", "grid");
  if (method == "grid") {
    sweep.method = SampleMethod::grid;
  } else if (method == "random") {
    sweep.method = SampleMethod::random;
  } else if (method == "latin-hypercube") {
    sweep.method = SampleMethod::latin_hypercube;
  } else {
    throw ScenarioError(reader.path_of("method"),
                        "'" + method + "' is not one of grid, random, latin-hypercube");
  }
  if (sweep.method != SampleMethod::grid) {
    sweep.designs = reader.required_in<std::uint64_t>("designs", 1, kMaxDesigns);
    sweep.seed = reader.optional<std::uint64_t>("seed", 1);
  }
  reader.finish();
}

std::string value_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

Design make_design(const SweepSpec& sweep, const std::vector<std::size_t>& choice) {
  Design design;
  for (std::size_t a = 0; a < sweep.axes.size(); ++a) {
    const nlohmann::json& value = sweep.axes[a].values[choice[a]];
    design.values.push_back(value);
    if (!design.name.empty()) design.name += ' ';
    design.name += sweep.axes[a].name + "=" + value_text(value);
  }
  return design;
}

// Mixed-radix decoding of a grid index, the last axis fastest.
std::vector<std::size_t> grid_choice(const SweepSpec& sweep, std::uint64_t index) {
  std::vector<std::size_t> choice(sweep.axes.size());
  for (std::size_t a = sweep.axes.size(); a-- > 0;) {
    const std::uint64_t k = sweep.axes[a].values.size();
    choice[a] = static_cast<std::size_t>(index % k);
    index /= k;
  }
  return choice;
}

// The number of grid designs, saturated at kMaxDesigns + 1.
std::uint64_t grid_size(const SweepSpec& sweep) {
  std::uint64_t size = 1;
  for (const SweepAxis& axis : sweep.axes) {
    size *= axis.values.size();
    if (size > kMaxDesigns) return kMaxDesigns + 1;
  }
  return size;
}

std::vector<std::vector<std::size_t>> random_choices(const SweepSpec& sweep) {
  PlanRandom random(sweep.seed);
  std::set<std::vector<std::size_t>> drawn;
  std::vector<std::vector<std::size_t>> choices;
  while (choices.size() < sweep.designs) {
    std::vector<std::size_t> choice;
    for (const SweepAxis& axis : sweep.axes)
      choice.push_back(random.below(axis.values.size()));
    if (drawn.insert(choice).second) choices.push_back(std::move(choice));
  }
  return choices;
}

std::vector<std::vector<std::size_t>> latin_hypercube_choices(const SweepSpec& sweep) {
  PlanRandom random(sweep.seed);
  const std::uint64_t n = sweep.designs;
  std::vector<std::vector<std::size_t>> choices(n, std::vector<std::size_t>(sweep.axes.size()));
  for (std::size_t a = 0; a < sweep.axes.size(); ++a) {
    std::vector<std::uint64_t> strata(n);
    std::iota(strata.begin(), strata.end(), 0);
    for (std::uint64_t i = n; i > 1; --i)
      std::swap(strata[i - 1], strata[random.below(i)]);
    const double k = static_cast<double>(sweep.axes[a].values.size());
    for (std::uint64_t j = 0; j < n; ++j) {
      const double at = (static_cast<double>(strata[j]) + random.unit()) / static_cast<double>(n);
      choices[j][a] = std::min(static_cast<std::size_t>(at * k), sweep.axes[a].values.size() - 1);
    }
  }
  std::set<std::vector<std::size_t>> seen;
  std::vector<std::vector<std::size_t>> distinct;
  for (auto& choice : choices)
    if (seen.insert(choice).second) distinct.push_back(std::move(choice));
  return distinct;
}

}  // namespace

CostPrices default_cost_prices() {
  CostPrices prices;
  prices.per_gb = {{"sata-ssd-960g", 0.20},
                   {"nvme-p4500-1t", 0.25},
                   {"nvme-1.6t", 0.30},
                   {"nvme-optane-375g", 2.50},
                   {"ram", 4.00}};
  return prices;
}

SweepSpec parse_sweep(const nlohmann::json& document, const std::string& sweep_file) {
  ObjectReader top(document, "$");
  SweepSpec sweep;
  sweep.name = top.optional<std::string>("name", std::filesystem::path(sweep_file).stem().string());
  const std::filesystem::path folder = std::filesystem::path(sweep_file).parent_path();
  if (const nlohmann::json* base = top.child("base")) {
    const std::string file = json_as<std::string>(*base, top.path_of("base"));
    sweep.base_name = file;
    const std::filesystem::path at =
        std::filesystem::path(file).is_absolute() ? std::filesystem::path(file) : folder / file;
    sweep.base_file = at.lexically_normal().string();
    sweep.base_folder = at.parent_path().empty() ? "." : at.parent_path().string();
    sweep.base = read_json_file(sweep.base_file, top.path_of("base"), "base scenario");
  } else {
    sweep.base_folder = ".";
    sweep.base_name = "(the default scenario)";
    sweep.base = nlohmann::json::parse(default_scenario_json());
  }
  nlohmann::json with_set = sweep.base;
  if (const nlohmann::json* set = top.child("set")) {
    if (!set->is_object())
      throw ScenarioError(top.path_of("set"), "expected an object: path -> value");
    for (const auto& [path, value] : set->items()) {
      sweep.set.push_back(path + "=" + value.dump());
      apply_override(with_set, sweep.set.back());
    }
  }
  const nlohmann::json* axes = top.child("axes");
  if (axes == nullptr || !axes->is_array() || axes->empty())
    throw ScenarioError(top.path_of("axes"), "expected a non-empty array of axes");
  std::set<std::string> names;
  std::map<std::string, std::string> written;  // scenario path -> the axis that writes it
  for (std::size_t i = 0; i < axes->size(); ++i) {
    const std::string path = top.path_of("axes") + "[" + std::to_string(i) + "]";
    sweep.axes.push_back(read_axis((*axes)[i], path, with_set));
    if (!names.insert(sweep.axes.back().name).second)
      throw ScenarioError(path + ".name", "'" + sweep.axes.back().name + "' names two axes");
    // Two axes writing one value would make different choices the same design.
    for (const std::string& target : sweep.axes.back().paths) {
      const auto [at, fresh] = written.emplace(target, sweep.axes.back().name);
      if (!fresh)
        throw ScenarioError(path, "'" + target + "' is also set by axis '" + at->second + "'");
    }
  }
  read_sample(top, sweep);
  if (const nlohmann::json* cost = top.child("cost")) {
    sweep.cost = read_cost(*cost, top.path_of("cost"));
  } else {
    sweep.cost = default_cost_prices();
  }
  if (const nlohmann::json* slos = top.child("slos")) {
    if (!slos->is_array()) throw ScenarioError(top.path_of("slos"), "expected an array");
    for (std::size_t i = 0; i < slos->size(); ++i)
      sweep.slos.push_back(
          read_slo((*slos)[i], top.path_of("slos") + "[" + std::to_string(i) + "]"));
  }
  top.finish();
  return sweep;
}

SweepSpec load_sweep(const std::string& sweep_file) {
  return parse_sweep(read_json_file(sweep_file, "$", "sweep file"), sweep_file);
}

std::vector<Design> plan_designs(const SweepSpec& sweep) {
  std::vector<std::vector<std::size_t>> choices;
  const std::uint64_t size = grid_size(sweep);
  if (sweep.method == SampleMethod::grid ||
      (sweep.method == SampleMethod::random && size <= sweep.designs)) {
    if (size > kMaxDesigns)
      throw ScenarioError("$.axes", "the grid has more than " + std::to_string(kMaxDesigns) +
                                        " designs: sample it (sample.method random or "
                                        "latin-hypercube)");
    for (std::uint64_t i = 0; i < size; ++i)
      choices.push_back(grid_choice(sweep, i));
  } else if (sweep.method == SampleMethod::random) {
    choices = random_choices(sweep);
  } else {
    choices = latin_hypercube_choices(sweep);
  }
  std::vector<Design> designs;
  designs.reserve(choices.size());
  for (const auto& choice : choices) {
    designs.push_back(make_design(sweep, choice));
    designs.back().index = designs.size() - 1;
  }
  return designs;
}

std::vector<std::string> design_overrides(const SweepSpec& sweep, const Design& design) {
  std::vector<std::string> overrides = sweep.set;
  for (std::size_t a = 0; a < sweep.axes.size(); ++a)
    for (const std::string& path : sweep.axes[a].paths)
      overrides.push_back(path + "=" + design.values[a].dump());
  return overrides;
}

nlohmann::json resolve_design(const SweepSpec& sweep, const Design& design) {
  nlohmann::json document = sweep.base;
  for (const std::string& assignment : design_overrides(sweep, design))
    apply_override(document, assignment);
  return document;
}

std::string design_hash(const nlohmann::json& resolved) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : "flashtwin-design-1\n" + resolved.dump()) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const auto number = [&text](const std::string& part) {
    if (part.empty() || part.size() > 9 || !std::all_of(part.begin(), part.end(), ::isdigit))
      throw std::invalid_argument("--shard '" + text + "': expected i/N, e.g. 2/4");
    return std::stoull(part);
  };
  if (slash == std::string::npos)
    throw std::invalid_argument("--shard '" + text + "': expected i/N, e.g. 2/4");
  const Shard shard{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (shard.count == 0 || shard.index == 0 || shard.index > shard.count)
    throw std::invalid_argument("--shard '" + text + "': i must be from 1 to N");
  return shard;
}

std::vector<Design> shard_designs(const std::vector<Design>& designs, Shard shard) {
  std::vector<Design> mine;
  for (const Design& design : designs)
    if (design.index % shard.count == shard.index - 1) mine.push_back(design);
  return mine;
}

}  // namespace flashtwin::sim
