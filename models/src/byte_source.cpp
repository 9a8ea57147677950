// open_byte_source: plain files on stdio; compressed ones handed to compressed_source.cpp.
#include "byte_source.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace flashtwin::models {
namespace {

class PlainFile final : public ByteSource {
 public:
  explicit PlainFile(std::FILE* file) : file_(file) {}
  ~PlainFile() override { std::fclose(file_); }
  PlainFile(const PlainFile&) = delete;
  PlainFile& operator=(const PlainFile&) = delete;

  std::size_t read(std::byte* out, std::size_t size) override {
    const std::size_t got = std::fread(out, 1, size, file_);
    if (got < size && std::ferror(file_) != 0) {
      throw std::runtime_error(std::string("read error: ") + std::strerror(errno));
    }
    return got;
  }

  std::size_t memory_bytes() const override { return BUFSIZ; }

  std::uint64_t skip(std::uint64_t size) override {
    // Seek, but never past the end: the caller learns how many bytes were really there.
    struct stat status {};
    const off_t at = ftello(file_);
    if (at < 0 || fstat(fileno(file_), &status) != 0 || !S_ISREG(status.st_mode)) {
      return ByteSource::skip(size);  // not a seekable regular file
    }
    const auto left = static_cast<std::uint64_t>(std::max<off_t>(status.st_size - at, 0));
    const std::uint64_t step = std::min(size, left);
    if (fseeko(file_, static_cast<off_t>(step), SEEK_CUR) != 0) {
      throw std::runtime_error(std::string("seek error: ") + std::strerror(errno));
    }
    return step;
  }

 private:
  std::FILE* file_;
};

}  // namespace

std::uint64_t ByteSource::skip(std::uint64_t size) {
  std::array<std::byte, 1 << 16> scratch;
  std::uint64_t done = 0;
  while (done < size) {
    const std::size_t got =
        read(scratch.data(),
             static_cast<std::size_t>(std::min<std::uint64_t>(size - done, scratch.size())));
    if (got == 0) break;
    done += got;
  }
  return done;
}

std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::FILE* file = std::fopen(name.c_str(), "rb");
  if (file == nullptr) {
    throw std::runtime_error(name + ": cannot open: " + std::strerror(errno));
  }
  std::array<unsigned char, 4> magic{};
  const std::size_t got = std::fread(magic.data(), 1, magic.size(), file);
  if (std::ferror(file) != 0 || std::fseek(file, 0, SEEK_SET) != 0) {
    const std::string reason = std::strerror(errno);
    std::fclose(file);
    throw std::runtime_error(name + ": read error: " + reason);
  }
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return make_gzip_source(file, name);
  if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return make_zstd_source(file, name);
  }
  return std::make_unique<PlainFile>(file);
}

}  // namespace flashtwin::models
