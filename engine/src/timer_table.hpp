// TimerTable: the engine's own timers, behind the one timer the runtime keeps per engine.
//
// The engine has several kinds of time-driven work (idle detection, destage pacing, destage retry
// after a failure, replica acks overdue); each has at most one deadline here. The runtime is told
// only the earliest, as one SetTimer with id kEngineTimer, and each SetTimer replaces the one
// before (commands.hpp). A deadline that moves later or goes away is not withdrawn: the timer fires
// early, the engine finds nothing due and tells the next one. So every runtime honours one
// contract: keep one timer per engine, replace it on SetTimer, call timer_fired(now, kEngineTimer)
// once now >= its time.
//
// Owned by HostEngine::Core; plain values, no clock. Invariant: when any deadline is set, the
// runtime has been told one at or before the earliest (told() <= earliest()).
#pragma once

#include "flashtwin/engine/types.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace flashtwin::engine {

enum class Deadline : std::uint8_t { idle, destage_pace, destage_retry, replica_ack };

class TimerTable {
 public:
  static constexpr TimerId kEngineTimer = 1;

  void set(Deadline which, TimeNs at) {
    at_[index(which)] = at;
    changed_ = true;
  }
  void clear(Deadline which) { at_[index(which)].reset(); }
  std::optional<TimeNs> at(Deadline which) const { return at_[index(which)]; }
  // True (and cleared) if `which` was set and is due at `now`.
  bool take_due(Deadline which, TimeNs now) {
    auto& at = at_[index(which)];
    if (!at || *at > now) return false;
    at.reset();
    return true;
  }

  // The runtime's timer fired: it holds none now.
  void fired() {
    told_.reset();
    changed_ = true;
  }
  // The deadline the runtime must be told now, if the earliest one is earlier than what it holds
  // (or it holds none). Records it as told. Called after every event: costs one branch when no
  // deadline was set since the last call.
  std::optional<TimeNs> to_tell() {
    if (!changed_) return std::nullopt;
    changed_ = false;
    const std::optional<TimeNs> next = earliest();
    if (!next || (told_ && *told_ <= *next)) return std::nullopt;
    told_ = next;
    return next;
  }
  std::optional<TimeNs> earliest() const {
    std::optional<TimeNs> best;
    for (const auto& at : at_) {
      if (at && (!best || *at < *best)) best = at;
    }
    return best;
  }
  std::optional<TimeNs> told() const { return told_; }

 private:
  static std::size_t index(Deadline which) { return static_cast<std::size_t>(which); }

  std::array<std::optional<TimeNs>, 4> at_{};
  std::optional<TimeNs> told_;
  bool changed_ = false;  // set() or fired() since the last to_tell()
};

}  // namespace flashtwin::engine
