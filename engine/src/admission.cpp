#include "admission.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace flashtwin::engine {

namespace {

// Bypasses the flash once a disk's run of back-to-back contiguous requests reaches the cutoff
// (a backup or a scan would otherwise flush the cache). One stream is tracked per disk.
class SequentialCutoff final : public AdmissionPolicy {
 public:
  explicit SequentialCutoff(std::uint64_t cutoff_bytes) : cutoff_bytes_(cutoff_bytes) {
    if (cutoff_bytes_ == 0)
      throw std::invalid_argument("admission.sequential_cutoff_bytes: must be positive");
  }
  std::string_view name() const override { return "sequential-cutoff"; }
  bool admit_request(LocalDisk disk, std::uint64_t offset_bytes,
                     std::uint64_t length_bytes) override {
    if (disk >= streams_.size()) streams_.resize(disk + std::size_t{1});
    Stream& s = streams_[disk];
    s.run_bytes = offset_bytes == s.next_offset ? s.run_bytes + length_bytes : length_bytes;
    s.next_offset = offset_bytes + length_bytes;
    return s.run_bytes < cutoff_bytes_;
  }
  bool admit_block(std::uint64_t) override { return true; }
  std::size_t memory_bytes() const override { return streams_.capacity() * sizeof(Stream); }

 private:
  struct Stream {
    std::uint64_t next_offset = ~std::uint64_t{0};
    std::uint64_t run_bytes = 0;
  };
  std::uint64_t cutoff_bytes_;
  std::vector<Stream> streams_;
};

// Admits a block on its N-th miss. Miss counts live in a direct-mapped table of (tag, count)
// words; a block whose counter was taken over by another starts again from one.
//
// The table is the configured `entries` counters at full size, indexed by reduce_hash(h, entries)
// as a fixed table would be, but it starts coarse: at 2^-shift of that size, a block's counter is
// at its full-size index >> shift. Once it has started half as many counters as it has words, it
// doubles (shift - 1) and each word is copied to both words its range splits into, so no count
// is lost; at full size it is exactly the fixed table. So its memory follows the blocks it has
// been asked about, not the cache's capacity, and the same calls give the same answers.
class PromoteAfterHits final : public AdmissionPolicy {
 public:
  static constexpr std::uint64_t kInitialCounters = 1024;

  PromoteAfterHits(std::uint32_t hits, std::uint64_t entries)
      : hits_(hits), full_entries_(entries == 0 ? 1 : entries) {
    if (hits_ == 0 || hits_ > 255)
      throw std::invalid_argument("admission.promote_after_hits: must be in 1..255");
    while (words_at(shift_) > kInitialCounters)
      ++shift_;
    table_.assign(words_at(shift_), 0);
  }
  std::string_view name() const override { return "promote-after-hits"; }
  bool admit_request(LocalDisk, std::uint64_t, std::uint64_t) override { return true; }
  bool admit_block(std::uint64_t key) override {
    const std::uint64_t h = mix_key(key);
    std::uint32_t& word = table_[reduce_hash(h, full_entries_) >> shift_];
    const std::uint32_t tag = static_cast<std::uint32_t>(h << 8);  // low 24 hash bits
    std::uint32_t count = (word & 0xFFFFFF00u) == tag ? (word & 0xFFu) + 1 : 1;
    if (count >= hits_) {
      word = 0;
      return true;
    }
    word = tag | count;
    if (count == 1 && shift_ > 0 && ++started_ > table_.size() / 2) grow();
    return false;
  }
  std::size_t memory_bytes() const override { return table_.capacity() * sizeof(std::uint32_t); }

 private:
  // Words of the table at a given coarseness: full-size indices [0, entries) shifted right.
  std::uint64_t words_at(std::uint32_t shift) const { return ((full_entries_ - 1) >> shift) + 1; }
  void grow() {
    --shift_;
    std::vector<std::uint32_t> finer(words_at(shift_));
    for (std::size_t i = 0; i < finer.size(); ++i)
      finer[i] = table_[i >> 1];
    table_.swap(finer);
    started_ = 0;
  }

  std::uint32_t hits_;
  std::uint64_t full_entries_;
  std::uint32_t shift_ = 0;    // the table is 2^-shift of its full size (rounded up)
  std::uint64_t started_ = 0;  // counters started since the table last grew
  std::vector<std::uint32_t> table_;
};

struct AdmissionEntry {
  std::string_view name;
  std::unique_ptr<AdmissionPolicy> (*make)(const AdmissionConfig&, std::uint64_t);
};

const std::array<AdmissionEntry, 2> kAdmissionPolicies = {{
    {"sequential-cutoff",
     [](const AdmissionConfig& c, std::uint64_t) -> std::unique_ptr<AdmissionPolicy> {
       return std::make_unique<SequentialCutoff>(c.sequential_cutoff_bytes);
     }},
    {"promote-after-hits",
     [](const AdmissionConfig& c, std::uint64_t capacity) -> std::unique_ptr<AdmissionPolicy> {
       std::uint64_t entries = c.promote_table_entries ? c.promote_table_entries : capacity / 4;
       return std::make_unique<PromoteAfterHits>(c.promote_after_hits, entries);
     }},
}};

}  // namespace

std::unique_ptr<AdmissionPolicy> make_admission_policy(std::string_view name,
                                                       const AdmissionConfig& config,
                                                       std::uint64_t capacity_blocks) {
  std::string known;
  for (const AdmissionEntry& entry : kAdmissionPolicies) {
    if (entry.name == name) return entry.make(config, capacity_blocks);
    known += known.empty() ? "" : ", ";
    known += entry.name;
  }
  throw std::invalid_argument("admission policy '" + std::string(name) +
                              "' is unknown (known: " + known + ")");
}

AdmissionChain::AdmissionChain(const AdmissionConfig& config, std::uint64_t capacity_blocks) {
  for (const std::string& name : config.policies) {
    policies_.push_back(make_admission_policy(name, config, capacity_blocks));
  }
}

bool AdmissionChain::admit_request(LocalDisk disk, std::uint64_t offset_bytes,
                                   std::uint64_t length_bytes) {
  bool admit = true;
  // Every policy sees every request (stream detection must not miss one), even after a refusal.
  for (auto& policy : policies_)
    admit = policy->admit_request(disk, offset_bytes, length_bytes) && admit;
  return admit;
}

bool AdmissionChain::admit_block(std::uint64_t key) {
  for (auto& policy : policies_) {
    if (!policy->admit_block(key)) return false;
  }
  return true;
}

std::size_t AdmissionChain::memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& policy : policies_)
    bytes += policy->memory_bytes();
  return bytes;
}

}  // namespace flashtwin::engine
