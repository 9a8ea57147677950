// The name -> factory table behind make_eviction_policy. To add a policy, add one row.
#include "arc_policy.hpp"
#include "flashtwin/engine/eviction_policy.hpp"
#include "lru_policy.hpp"
#include "two_queue_policy.hpp"

#include <array>
#include <stdexcept>

namespace flashtwin::engine {
namespace {

struct Registration {
  std::string_view name;
  std::unique_ptr<EvictionPolicy> (*make)(const PolicyContext& context);
};

template <typename Policy>
std::unique_ptr<EvictionPolicy> make(const PolicyContext& context) {
  return std::make_unique<Policy>(context);
}

constexpr std::array kRegistry{
    Registration{"lru", &make<LruPolicy>},
    Registration{"arc", &make<ArcPolicy>},
    Registration{"2q", &make<TwoQueuePolicy>},
};

}  // namespace

std::unique_ptr<EvictionPolicy> make_eviction_policy(std::string_view name,
                                                     const PolicyContext& context) {
  for (const Registration& entry : kRegistry) {
    if (entry.name == name) return entry.make(context);
  }
  std::string known;
  for (const Registration& entry : kRegistry) {
    known += known.empty() ? "" : ", ";
    known += entry.name;
  }
  throw std::invalid_argument("unknown eviction policy \"" + std::string(name) +
                              "\"; known policies: " + known);
}

std::vector<std::string> eviction_policy_names() {
  std::vector<std::string> names;
  names.reserve(kRegistry.size());
  for (const Registration& entry : kRegistry)
    names.emplace_back(entry.name);
  return names;
}

}  // namespace flashtwin::engine
