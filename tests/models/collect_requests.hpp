// Test helpers for synthetic streams: drain a stream into a vector, a small valid workload.
#pragma once

#include "flashtwin/models/synthetic_workload.hpp"

#include <vector>

namespace flashtwin::models::testing {

inline std::vector<StreamRequest> collect(const SyntheticWorkload& workload) {
  const auto stream = make_synthetic_stream(workload);
  std::vector<StreamRequest> requests;
  StreamRequest request;
  while (stream->next(request)) {
    requests.push_back(request);
  }
  return requests;
}

// 10000 blocks of 4 KiB, 100k requests, defaults otherwise.
inline SyntheticWorkload small_workload() {
  SyntheticWorkload workload;
  workload.disk_bytes = 10'000 * 4096ULL;
  workload.max_requests = 100'000;
  return workload;
}

}  // namespace flashtwin::models::testing
