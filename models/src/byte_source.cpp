// open_byte_source: plain files on stdio; compressed ones handed to compressed_source.cpp.
#include "byte_source.hpp"

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

 private:
  std::FILE* file_;
};

}  // namespace

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
