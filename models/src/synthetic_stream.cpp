// SyntheticStream: the RequestStream built by make_synthetic_stream. Each aspect of a request
// (arrival time, kind, size, address) draws from its own RandomSource derived from the seed, so
// changing, say, the size mix leaves the arrival times and read/write sequence unchanged.
#include "address_sampler.hpp"
#include "arrival_process.hpp"
#include "flashtwin/models/synthetic_workload.hpp"
#include "random_source.hpp"

#include <memory>
#include <vector>

namespace flashtwin::models {
namespace {

enum SubStream : std::uint64_t { kArrivals, kKinds, kSizes, kAddresses, kScramble };

std::vector<double> size_weights(const SyntheticWorkload& workload) {
  std::vector<double> weights;
  for (const SizeWeight& size : workload.size_mix) {
    weights.push_back(size.weight);
  }
  return weights;
}

class SyntheticStream final : public RequestStream {
 public:
  explicit SyntheticStream(const SyntheticWorkload& workload)
      : workload_(workload),
        arrival_random_(derive_seed(workload.seed, kArrivals)),
        kind_random_(derive_seed(workload.seed, kKinds)),
        size_random_(derive_seed(workload.seed, kSizes)),
        address_random_(derive_seed(workload.seed, kAddresses)),
        arrivals_(workload),
        sizes_(size_weights(workload)),
        addresses_(make_address_sampler(workload, derive_seed(workload.seed, kScramble))),
        duration_ns_(workload.duration_s > 0.0 ? workload.duration_s * 1e9 : kNeverNs) {}

  bool next(StreamRequest& out) override {
    if (ended_) return false;
    if (workload_.max_requests > 0 && issued_ >= workload_.max_requests) return end();
    const double time_ns = arrivals_.next_time_ns(arrival_random_);
    if (time_ns >= duration_ns_ || time_ns >= kNeverNs) return end();

    const std::uint64_t alignment = workload_.alignment_bytes;
    const std::uint64_t length_bytes = workload_.size_mix[sizes_.draw(size_random_)].length_bytes;
    out.time_ns = static_cast<std::int64_t>(time_ns);
    out.kind = kind_random_.uniform() < workload_.read_ratio ? engine::IoKind::read
                                                             : engine::IoKind::write;
    out.length_bytes = length_bytes;
    out.offset_bytes =
        addresses_->first_block(length_bytes / alignment, address_random_) * alignment;
    out.device = 0;
    ++issued_;
    return true;
  }

  std::string describe() const override { return models::describe(workload_); }

 private:
  static constexpr double kNeverNs = 9.2e18;  // just under the int64 range of time_ns

  bool end() {
    ended_ = true;
    return false;
  }

  SyntheticWorkload workload_;
  RandomSource arrival_random_;
  RandomSource kind_random_;
  RandomSource size_random_;
  RandomSource address_random_;
  ArrivalProcess arrivals_;
  WeightedChoice sizes_;
  std::unique_ptr<AddressSampler> addresses_;
  double duration_ns_;
  std::uint64_t issued_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<RequestStream> make_synthetic_stream(const SyntheticWorkload& workload) {
  validate(workload);
  return std::make_unique<SyntheticStream>(workload);
}

}  // namespace flashtwin::models
