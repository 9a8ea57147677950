// StreamMerge: several virtual disks' request streams as one host sees them — merged by issue
// time, ties going to the disk added first (the rule CacheOnlyReplay follows). Disks are numbered
// from 1 in the order they are added. Reads each stream lazily: memory is one request per disk.
// Not thread-safe.
#pragma once

#include "flashtwin/models/request_stream.hpp"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace flashtwin::sim {

class StreamMerge {
 public:
  void add(std::unique_ptr<models::RequestStream> stream) {
    Source source{std::move(stream), {}, false};
    source.live = source.stream->next(source.next);
    sources_.push_back(std::move(source));
  }

  // The earliest request left: its disk (from 1) into `disk`, the request into `out`; false
  // when every stream has ended.
  bool next(std::uint32_t& disk, models::StreamRequest& out) {
    Source* earliest = nullptr;
    for (Source& source : sources_) {
      if (source.live && (earliest == nullptr || source.next.time_ns < earliest->next.time_ns))
        earliest = &source;
    }
    if (earliest == nullptr) return false;
    disk = static_cast<std::uint32_t>(earliest - sources_.data()) + 1;
    out = earliest->next;
    earliest->live = earliest->stream->next(earliest->next);
    return true;
  }

 private:
  struct Source {
    std::unique_ptr<models::RequestStream> stream;
    models::StreamRequest next;
    bool live;
  };
  std::vector<Source> sources_;
};

}  // namespace flashtwin::sim
