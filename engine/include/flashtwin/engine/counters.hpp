// The one way to read an engine's counters: a visitor called once per counter, in a fixed order.
// The CLI, JSON output, GUI and tests all read the same names and numbers through it.
#pragma once

#include <cstdint>
#include <string_view>

namespace flashtwin::engine {

class CounterVisitor {
 public:
  // `name` is snake_case with its unit in the name where it has one (…_bytes, …_blocks).
  // Gauges (a current level, such as dirty_blocks) and totals since start share this call.
  virtual void counter(std::string_view name, std::uint64_t value) = 0;

 protected:
  ~CounterVisitor() = default;
};

}  // namespace flashtwin::engine
