#include "flashtwin/engine/request_admission.hpp"

#include "admission.hpp"

#include <stdexcept>
#include <string>

namespace flashtwin::engine {

namespace {
// What block-level policies size their tables by; request-level decisions do not depend on it.
constexpr std::uint64_t kNominalCapacityBlocks = std::uint64_t{1} << 20;
}  // namespace

RequestAdmission::RequestAdmission(const AdmissionConfig& config)
    : chain_(std::make_unique<AdmissionChain>(config, kNominalCapacityBlocks)) {}

RequestAdmission::~RequestAdmission() = default;

bool RequestAdmission::admit(std::uint32_t disk, std::uint64_t offset_bytes,
                             std::uint64_t length_bytes) {
  if (disk >= kMaxLocalDisks) {
    throw std::invalid_argument("admission: disk " + std::to_string(disk) + " beyond " +
                                std::to_string(kMaxLocalDisks));
  }
  return chain_->admit_request(static_cast<LocalDisk>(disk), offset_bytes, length_bytes);
}

}  // namespace flashtwin::engine
