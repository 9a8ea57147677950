// Tar archives read in place: the header scanner (list_tar_members) and one member's data as a
// ByteSource (open_tar_member). Format notes in tar_archive.hpp.
#include "tar_archive.hpp"

#include "flashtwin/models/blktrace_reader.hpp"  // TraceError

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace flashtwin::models::detail {
namespace {

constexpr std::size_t kBlockBytes = 512;
using Block = std::array<std::byte, kBlockBytes>;

// Header field positions and sizes (POSIX ustar).
constexpr std::size_t kNameAt = 0, kNameBytes = 100;
constexpr std::size_t kSizeAt = 124, kSizeBytes = 12;
constexpr std::size_t kChecksumAt = 148, kChecksumBytes = 8;
constexpr std::size_t kTypeAt = 156;
constexpr std::size_t kMagicAt = 257;
constexpr std::size_t kPrefixAt = 345, kPrefixBytes = 155;

// Limits on extension data held in memory: far above what tar writes.
constexpr std::uint64_t kMaxLongNameBytes = 64 * 1024;
constexpr std::uint64_t kMaxPaxBytes = 1024 * 1024;
// Member sizes beyond this are malformed (and keep offset arithmetic far from overflow).
constexpr std::uint64_t kMaxMemberBytes = std::uint64_t{1} << 56;

std::uint64_t padded(std::uint64_t size) {
  return (size + kBlockBytes - 1) / kBlockBytes * kBlockBytes;
}

unsigned char byte_at(const Block& block, std::size_t at) {
  return std::to_integer<unsigned char>(block[at]);
}

// A NUL-terminated text field (or the whole field without a NUL).
std::string text_field(const Block& block, std::size_t at, std::size_t size) {
  const char* first = reinterpret_cast<const char*>(block.data() + at);
  return {first, static_cast<std::size_t>(std::find(first, first + size, '\0') - first)};
}

// An octal field: optional leading spaces, at least one digit, then only spaces and NULs.
std::optional<std::uint64_t> octal_field(const Block& block, std::size_t at, std::size_t size) {
  std::size_t i = 0;
  while (i < size && byte_at(block, at + i) == ' ')
    ++i;
  std::uint64_t value = 0;
  const std::size_t first_digit = i;
  for (; i < size; ++i) {
    const unsigned char c = byte_at(block, at + i);
    if (c < '0' || c > '7') break;
    if (value > (kMaxMemberBytes >> 3)) return std::nullopt;
    value = value * 8 + (c - '0');
  }
  if (i == first_digit) return std::nullopt;
  for (; i < size; ++i) {
    const unsigned char c = byte_at(block, at + i);
    if (c != ' ' && c != '\0') return std::nullopt;
  }
  return value;
}

// The size field: octal, or GNU base-256 (first byte 0x80, then a big-endian number).
std::optional<std::uint64_t> size_field(const Block& block) {
  if (byte_at(block, kSizeAt) != 0x80) return octal_field(block, kSizeAt, kSizeBytes);
  std::uint64_t value = 0;
  for (std::size_t i = 1; i < kSizeBytes; ++i) {
    if (value > (kMaxMemberBytes >> 8)) return std::nullopt;
    value = (value << 8) | byte_at(block, kSizeAt + i);
  }
  return value;
}

bool is_zero_block(const Block& block) {
  return std::all_of(block.begin(), block.end(), [](std::byte b) { return b == std::byte{0}; });
}

// The stored and the computed checksum (sum of the bytes, the checksum field read as spaces);
// old tars summed signed chars, which is accepted too.
bool checksum_matches(const Block& block, std::string& reason) {
  const std::optional<std::uint64_t> stored = octal_field(block, kChecksumAt, kChecksumBytes);
  std::int64_t unsigned_sum = 0, signed_sum = 0;
  for (std::size_t i = 0; i < kBlockBytes; ++i) {
    const bool in_field = i >= kChecksumAt && i < kChecksumAt + kChecksumBytes;
    const unsigned char c = in_field ? ' ' : byte_at(block, i);
    unsigned_sum += c;
    signed_sum += static_cast<signed char>(c);
  }
  if (!stored) {
    reason = "bad tar header: checksum field '" + text_field(block, kChecksumAt, kChecksumBytes) +
             "' is not octal";
    return false;
  }
  if (static_cast<std::int64_t>(*stored) == unsigned_sum ||
      static_cast<std::int64_t>(*stored) == signed_sum) {
    return true;
  }
  reason = "bad tar header: checksum " + std::to_string(*stored) + " stored, " +
           std::to_string(unsigned_sum) + " computed (corrupt header or not a tar archive)";
  return false;
}

bool has_ustar_magic(const Block& block) {
  return std::memcmp(block.data() + kMagicAt, "ustar", 5) == 0;
}

std::string without_dot_slash(std::string name) {
  while (name.starts_with("./"))
    name.erase(0, 2);
  return name;
}

std::unique_ptr<ByteSource> open_archive(const std::filesystem::path& path) {
  try {
    return open_byte_source(path);
  } catch (const std::runtime_error& error) {
    throw TraceError(error.what());
  }
}

// Reads the archive's headers in order, skipping data it does not need.
class TarScanner {
 public:
  TarScanner(const std::filesystem::path& path, std::function<bool(const TarMember&)> hold)
      : name_(path.string()), source_(open_archive(path)), hold_(std::move(hold)) {}

  // The next member (any type), with pax / GNU long-name headers applied; false at the end.
  bool next(TarMember& out) {
    std::optional<std::string> long_name;
    std::optional<std::string> pax_path;
    std::optional<std::uint64_t> pax_size;
    std::optional<std::uint64_t> first_header;
    for (;;) {
      const std::uint64_t at = offset_;
      Block block;
      if (!read_header(block)) {
        if (first_header) fail(*first_header, "the archive ends after an extension header");
        return false;
      }
      if (!first_header) first_header = at;
      std::string reason;
      if (!checksum_matches(block, reason)) fail(at, reason);
      std::optional<std::uint64_t> size = size_field(block);
      if (!size) {
        fail(at, "bad tar header: size field '" + text_field(block, kSizeAt, kSizeBytes) +
                     "' is not a number");
      }
      const char type = static_cast<char>(byte_at(block, kTypeAt));
      if (type == 'x' || type == 'L') {
        const std::uint64_t limit = type == 'x' ? kMaxPaxBytes : kMaxLongNameBytes;
        if (*size > limit) {
          fail(at, std::string(type == 'x' ? "pax extended header" : "GNU long name") + " of " +
                       std::to_string(*size) + " bytes (more than " + std::to_string(limit) + ")");
        }
        const std::string data = read_data(*size, at);
        if (type == 'L') {
          long_name = data.substr(0, data.find('\0'));
        } else {
          parse_pax(data, at, pax_path, pax_size);
        }
        continue;
      }
      out.type = (type == '\0' || type == '7') ? '0' : type;
      out.size_bytes = pax_size.value_or(*size);
      out.header_offset = *first_header;
      out.data_offset = offset_;
      if (pax_path) {
        out.name = *pax_path;
      } else if (long_name) {
        out.name = *long_name;
      } else {
        out.name = text_field(block, kNameAt, kNameBytes);
        // POSIX ustar ("ustar\0") splits long paths into prefix/name; GNU ("ustar  ") uses those
        // bytes for other things.
        const std::string prefix = text_field(block, kPrefixAt, kPrefixBytes);
        if (std::memcmp(block.data() + kMagicAt, "ustar\0", 6) == 0 && !prefix.empty()) {
          out.name = prefix + "/" + out.name;
        }
      }
      out.name = without_dot_slash(out.name);
      // Links, directories and devices carry no data whatever their size field says (pax may
      // still record one); everything else is followed by `size` bytes.
      const bool has_data = out.type != '1' && out.type != '2' && out.type != '5' &&
                            out.type != '3' && out.type != '4' && out.type != '6';
      if (!has_data) out.size_bytes = 0;
      skip_data(out);
      return true;
    }
  }

 private:
  [[noreturn]] void fail(std::uint64_t at, const std::string& reason) const {
    throw TraceError(name_ + ": byte " + std::to_string(at) + ": " + reason);
  }

  // Reads up to `size` bytes; errors of the (decompressing) source name the archive offset.
  std::size_t read(std::byte* out, std::size_t size, const std::string& member = {}) {
    std::size_t done = 0;
    while (done < size) {
      std::size_t got = 0;
      try {
        got = source_->read(out + done, size - done);
      } catch (const std::runtime_error& error) {
        throw TraceError(name_ + (member.empty() ? "" : ": member " + member) + ": byte " +
                         std::to_string(offset_ + done) + ": " + error.what());
      }
      if (got == 0) break;
      done += got;
    }
    offset_ += done;
    return done;
  }

  // The next header block; false at the end of the archive (two zero blocks, or the input ends
  // where a header would start).
  bool read_header(Block& block) {
    const std::uint64_t at = offset_;
    const std::size_t got = read(block.data(), kBlockBytes);
    if (got == 0) return false;
    if (got < kBlockBytes) {
      fail(at, "the archive ends inside a header (" + std::to_string(got) + " of 512 bytes)");
    }
    if (!is_zero_block(block)) return true;
    const std::uint64_t second_at = offset_;
    block.fill(std::byte{0});
    read(block.data(), kBlockBytes);  // the end of the input may cut the second block short
    if (is_zero_block(block)) return false;
    fail(second_at, "a lone zero block at byte " + std::to_string(at) +
                        " is followed by more data (expected two zero blocks at the end)");
  }

  // Reads a member's data (small extension data) and its padding.
  std::string read_data(std::uint64_t size, std::uint64_t header_at) {
    std::string data(size, '\0');
    const std::size_t got = read(reinterpret_cast<std::byte*>(data.data()), data.size());
    if (got < size) {
      fail(header_at, "the archive ends inside the extension header's data (" +
                          std::to_string(got) + " of " + std::to_string(size) + " bytes)");
    }
    skip(padded(size) - size, {});
    return data;
  }

  void skip_data(TarMember& member) {
    member.data.reset();
    if (member.regular_file() && hold_ && member.size_bytes <= source_->memory_bytes() &&
        hold_(member)) {
      auto data = std::make_shared<std::vector<std::byte>>(member.size_bytes);
      const std::size_t got = read(data->data(), data->size(), member.name);
      if (got < member.size_bytes) truncated(member, got);
      member.data = std::move(data);
    } else {
      const std::uint64_t got = skip(member.size_bytes, member.name);
      if (got < member.size_bytes) truncated(member, got);
    }
    skip(padded(member.size_bytes) - member.size_bytes, member.name);  // padding: may be cut
  }

  [[noreturn]] void truncated(const TarMember& member, std::uint64_t got) const {
    throw TraceError(name_ + ": member " + member.name +
                     ": truncated member: the archive ends after " + std::to_string(got) +
                     " of its " + std::to_string(member.size_bytes) + " bytes (byte " +
                     std::to_string(offset_) + " of the archive)");
  }

  std::uint64_t skip(std::uint64_t size, const std::string& member) {
    std::uint64_t got = 0;
    try {
      got = source_->skip(size);
    } catch (const std::runtime_error& error) {
      throw TraceError(name_ + (member.empty() ? "" : ": member " + member) + ": byte " +
                       std::to_string(offset_) + ": " + error.what());
    }
    offset_ += got;
    return got;
  }

  // pax records "LENGTH KEY=VALUE\n", LENGTH counting the whole record; keeps path and size.
  void parse_pax(const std::string& data, std::uint64_t at, std::optional<std::string>& path,
                 std::optional<std::uint64_t>& size) const {
    std::size_t pos = 0;
    while (pos < data.size()) {
      if (data[pos] == '\0') break;  // some writers pad the data with NULs
      std::size_t length = 0, i = pos;
      while (i < data.size() && data[i] >= '0' && data[i] <= '9' && length < data.size()) {
        length = length * 10 + static_cast<std::size_t>(data[i] - '0');
        ++i;
      }
      const std::string_view record = std::string_view(data).substr(pos, length);
      const std::size_t space = i - pos;
      const std::size_t equals = record.find('=');
      if (i == pos || i >= data.size() || data[i] != ' ' || length > data.size() - pos ||
          length <= space + 1 || record.back() != '\n' || equals == std::string_view::npos) {
        fail(at, "malformed pax extended header record at its byte " + std::to_string(pos));
      }
      const std::string_view key = record.substr(space + 1, equals - space - 1);
      const std::string_view value = record.substr(equals + 1, record.size() - equals - 2);
      if (key == "path") path = std::string(value);
      if (key == "size") {
        std::uint64_t number = 0;
        bool ok = !value.empty();
        for (const char c : value) {
          ok = ok && c >= '0' && c <= '9' && number <= kMaxMemberBytes / 10;
          if (ok) number = number * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (!ok || number > kMaxMemberBytes) {
          fail(at, "pax size '" + std::string(value) + "' is not a number in range");
        }
        size = number;
      }
      pos += length;
    }
  }

  std::string name_;
  std::unique_ptr<ByteSource> source_;
  std::function<bool(const TarMember&)> hold_;
  std::uint64_t offset_ = 0;  // in the decompressed archive
};

// One member's data: at most `left` bytes of the archive, from its data offset on.
class TarMemberSource final : public ByteSource {
 public:
  TarMemberSource(std::unique_ptr<ByteSource> archive, std::uint64_t size)
      : archive_(std::move(archive)), size_(size), left_(size) {}

  std::size_t read(std::byte* out, std::size_t size) override {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(size, left_));
    if (want == 0) return 0;
    const std::size_t got = archive_->read(out, want);
    if (got == 0) throw truncated();
    left_ -= got;
    return got;
  }

  std::uint64_t skip(std::uint64_t size) override {
    const std::uint64_t want = std::min(size, left_);
    const std::uint64_t got = archive_->skip(want);
    if (got < want) throw truncated();
    left_ -= got;
    return got;
  }

  std::size_t memory_bytes() const override { return archive_->memory_bytes(); }

 private:
  std::runtime_error truncated() const {
    return std::runtime_error("truncated member: the archive ends after " +
                              std::to_string(size_ - left_) + " of its " + std::to_string(size_) +
                              " bytes");
  }

  std::unique_ptr<ByteSource> archive_;
  std::uint64_t size_;
  std::uint64_t left_;
};

// A member's data held in memory.
class HeldMember final : public ByteSource {
 public:
  explicit HeldMember(std::shared_ptr<const std::vector<std::byte>> data)
      : data_(std::move(data)) {}

  std::size_t read(std::byte* out, std::size_t size) override {
    const std::size_t step = std::min(size, data_->size() - pos_);
    std::copy_n(data_->data() + pos_, step, out);
    pos_ += step;
    return step;
  }

  std::size_t memory_bytes() const override { return data_->size(); }

 private:
  std::shared_ptr<const std::vector<std::byte>> data_;
  std::size_t pos_ = 0;
};

}  // namespace

bool is_tar_archive(const std::filesystem::path& path) {
  try {
    const std::unique_ptr<ByteSource> source = open_byte_source(path);
    Block block;
    std::size_t done = 0;
    while (done < kBlockBytes) {
      const std::size_t got = source->read(block.data() + done, kBlockBytes - done);
      if (got == 0) return false;
      done += got;
    }
    std::string reason;
    return has_ustar_magic(block) && checksum_matches(block, reason);
  } catch (const std::runtime_error&) {
    return false;
  }
}

std::vector<TarMember> list_tar_members(const std::filesystem::path& path,
                                        const std::function<bool(const TarMember&)>& hold) {
  TarScanner scanner(path, hold);
  std::vector<TarMember> members;
  TarMember member;
  while (scanner.next(member))
    members.push_back(member);
  return members;
}

std::unique_ptr<ByteSource> open_tar_member(const std::filesystem::path& path,
                                            const TarMember& member) {
  if (member.data) return std::make_unique<HeldMember>(member.data);
  std::unique_ptr<ByteSource> archive = open_archive(path);
  const std::string where = path.string() + ": member " + member.name;
  std::uint64_t got = 0;
  try {
    got = archive->skip(member.data_offset);
  } catch (const std::runtime_error& error) {
    throw TraceError(where + ": byte " + std::to_string(member.data_offset) +
                     " of the archive: " + error.what());
  }
  if (got < member.data_offset) {
    throw TraceError(where + ": the archive ends at byte " + std::to_string(got) +
                     ", before the member's data at byte " + std::to_string(member.data_offset));
  }
  auto source = std::make_unique<TarMemberSource>(std::move(archive), member.size_bytes);
  // A member smaller than what its decompressor holds (a zstd window is often 8 MiB, per-CPU
  // files of a short trace 1 MiB) is read now and held, and the decompressor freed.
  if (member.size_bytes > source->memory_bytes()) return source;
  auto data = std::make_shared<std::vector<std::byte>>(member.size_bytes);
  std::size_t done = 0;
  try {
    while (done < data->size())
      done += source->read(data->data() + done, data->size() - done);
  } catch (const std::runtime_error& error) {
    throw TraceError(where + ": byte " + std::to_string(done) + ": " + error.what());
  }
  return std::make_unique<HeldMember>(std::move(data));
}

}  // namespace flashtwin::models::detail
