// Admission: whether a missed block may take a flash slot at all.
//
// Policies are found by name (make_admission_policy) and chained: a block enters the cache only if
// every configured policy admits it. A request-level decision is taken once at submission (in
// submission order, so stream detection sees requests as the VM issued them); a block-level one for
// each block that missed. A refused read is served from the array without a fill; a refused
// write-back write goes to the array (its blocks are not cached).
#pragma once

#include "block_key.hpp"
#include "flashtwin/engine/config.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace flashtwin::engine {

class AdmissionPolicy {
 public:
  virtual ~AdmissionPolicy() = default;
  virtual std::string_view name() const = 0;
  // Called for every read and write request at submission, in submission order.
  virtual bool admit_request(LocalDisk disk, std::uint64_t offset_bytes,
                             std::uint64_t length_bytes) = 0;
  // Called for each block of an admitted request that missed.
  virtual bool admit_block(std::uint64_t key) = 0;
  virtual std::size_t memory_bytes() const = 0;
};

// Known names: "sequential-cutoff", "promote-after-hits". Throws std::invalid_argument naming the
// known ones for any other.
std::unique_ptr<AdmissionPolicy> make_admission_policy(std::string_view name,
                                                       const AdmissionConfig& config,
                                                       std::uint64_t capacity_blocks);

// All configured policies, asked in order.
class AdmissionChain {
 public:
  AdmissionChain(const AdmissionConfig& config, std::uint64_t capacity_blocks);
  bool admit_request(LocalDisk disk, std::uint64_t offset_bytes, std::uint64_t length_bytes);
  bool admit_block(std::uint64_t key);
  std::size_t memory_bytes() const;

 private:
  std::vector<std::unique_ptr<AdmissionPolicy>> policies_;
};

}  // namespace flashtwin::engine
