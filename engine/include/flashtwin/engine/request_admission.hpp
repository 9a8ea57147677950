// RequestAdmission: the request-level decisions of the configured admission policies, apart from
// any cache — whether a request's blocks may take flash slots, judged from the requests alone, in
// the order they are given (sequential-cutoff's runs of contiguous requests per disk). Block-level
// policies (promote-after-hits) depend on a cache's misses and admit every request here. The
// engine takes the same decisions at submission; a miss-ratio curve uses this to leave out what
// the engine would not cache (sim/flash_sizing.hpp).
//
// Not thread-safe. Throws std::invalid_argument for an unknown policy name or a bad setting.
#pragma once

#include "flashtwin/engine/config.hpp"

#include <cstdint>
#include <memory>

namespace flashtwin::engine {

class AdmissionChain;

class RequestAdmission {
 public:
  explicit RequestAdmission(const AdmissionConfig& config);
  ~RequestAdmission();
  RequestAdmission(const RequestAdmission&) = delete;
  RequestAdmission& operator=(const RequestAdmission&) = delete;

  // A read or write request of disk `disk` (< 4096, numbered as the caller likes, one number per
  // disk): true when its blocks may be cached.
  bool admit(std::uint32_t disk, std::uint64_t offset_bytes, std::uint64_t length_bytes);

 private:
  std::unique_ptr<AdmissionChain> chain_;
};

}  // namespace flashtwin::engine
