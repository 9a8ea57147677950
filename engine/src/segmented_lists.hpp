// SegmentedLists: two recency lists over one set of slot links, plus a tag per slot naming the list
// that holds it — ARC's T1/T2 and 2Q's A1in/Am. A slot is in at most one of the two.
//
// Memory: 8 bytes of links and a 2-bit tag per slot, committed only up to the highest slot ever
// pushed (SlotLinks::touched()). Not thread-safe.
#pragma once

#include "slot_list.hpp"
#include "two_bit_codes.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flashtwin::engine {

class SegmentedLists {
 public:
  enum class Segment : std::uint8_t { none, first, second };

  // Throws std::invalid_argument if capacity_slots > kMaxSlots.
  explicit SegmentedLists(std::uint32_t capacity_slots);
  SegmentedLists(const SegmentedLists&) = delete;
  SegmentedLists& operator=(const SegmentedLists&) = delete;

  SlotList& list(Segment segment) { return segment == Segment::first ? first_ : second_; }
  const SlotList& list(Segment segment) const {
    return segment == Segment::first ? first_ : second_;
  }
  Segment segment_of(SlotId slot) const { return static_cast<Segment>(tags_.get(slot)); }
  std::uint32_t size() const { return first_.size() + second_.size(); }

  // Puts an untracked slot at the front (most recent end) of `segment`.
  void push_front(Segment segment, SlotId slot);
  // Takes a tracked slot out of its list.
  void remove(SlotId slot);

  // Throws std::out_of_range for a slot beyond the capacity and std::logic_error for a slot in no
  // list (misuse by the engine).
  void require_tracked(SlotId slot, std::string_view operation) const;
  // Throws std::out_of_range / std::logic_error unless `slot` is in range and in no list.
  void require_untracked(SlotId slot, std::string_view operation) const;

  // Checks both lists' links, that every slot's tag matches its list, that tags and list sizes
  // agree and that no key is cached twice; `visit(slot)` adds the policy's own per-slot checks.
  // Returns the first problem, or an empty string.
  std::string check(std::string_view first_name, std::string_view second_name,
                    const SlotKeyReader& key_of,
                    const std::function<std::string(SlotId)>& visit) const;

  std::size_t memory_bytes() const;

 private:
  SlotLinks links_;
  SlotList first_{links_};
  SlotList second_{links_};
  TwoBitCodes tags_;  // a Segment each; Segment::none is 0
};

}  // namespace flashtwin::engine
