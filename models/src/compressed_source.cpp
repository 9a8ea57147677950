// Decompressing ByteSources: gzip through zlib's gz* file interface, zstd through libzstd's
// streaming decompressor. Both read through a fixed buffer (memory does not grow with the file).
#include "byte_source.hpp"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace flashtwin::models {
namespace {

class GzipFile final : public ByteSource {
 public:
  GzipFile(std::FILE* file, std::string name) : name_(std::move(name)) {
    std::fclose(file);  // zlib opens the file itself
    gz_ = gzopen(name_.c_str(), "rb");
    if (gz_ == nullptr) throw std::runtime_error(name_ + ": cannot open gzip stream");
  }
  ~GzipFile() override { gzclose(gz_); }
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;

  std::size_t read(std::byte* out, std::size_t size) override {
    const auto chunk =
        static_cast<unsigned>(std::min<std::size_t>(size, std::numeric_limits<int>::max()));
    const int got = gzread(gz_, out, chunk);
    int code = Z_OK;
    const char* message = gzerror(gz_, &code);
    if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
      // zlib's message starts with the path; the caller names the file already.
      std::string reason = message;
      if (reason.rfind(name_ + ": ", 0) == 0) reason.erase(0, name_.size() + 2);
      throw std::runtime_error("gzip: " + reason);
    }
    return static_cast<std::size_t>(got);
  }

  // zlib's 32 KiB window and gz* buffers (8 KiB in, twice that out, by default).
  std::size_t memory_bytes() const override { return (32 + 8 + 16) * 1024; }

 private:
  std::string name_;
  gzFile gz_ = nullptr;
};

class ZstdFile final : public ByteSource {
 public:
  ZstdFile(std::FILE* file, std::string name)
      : file_(file), name_(std::move(name)), input_(ZSTD_DStreamInSize()) {
    context_ = ZSTD_createDCtx();
    if (context_ == nullptr) {
      std::fclose(file_);
      throw std::runtime_error(name_ + ": cannot create a zstd decompressor");
    }
  }
  ~ZstdFile() override {
    ZSTD_freeDCtx(context_);
    std::fclose(file_);
  }
  ZstdFile(const ZstdFile&) = delete;
  ZstdFile& operator=(const ZstdFile&) = delete;

  std::size_t read(std::byte* out, std::size_t size) override {
    ZSTD_outBuffer output{out, size, 0};
    while (output.pos == 0 && size > 0) {
      if (in_.pos == in_.size && !output_was_full_) {
        const std::size_t got = std::fread(input_.data(), 1, input_.size(), file_);
        if (std::ferror(file_) != 0) throw std::runtime_error("read error");
        if (got == 0) {
          if (!frame_done_) throw std::runtime_error("zstd: truncated stream");
          return 0;
        }
        in_ = ZSTD_inBuffer{input_.data(), got, 0};
      }
      const std::size_t status = ZSTD_decompressStream(context_, &output, &in_);
      if (ZSTD_isError(status) != 0) {
        throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(status));
      }
      frame_done_ = status == 0;
      // A full output may leave decoded bytes inside the decompressor: flush before reading on.
      output_was_full_ = output.pos == output.size;
    }
    return output.pos;
  }

  // The decompressor's own size includes its window, allocated for the frame being read.
  std::size_t memory_bytes() const override { return ZSTD_sizeof_DCtx(context_) + input_.size(); }

 private:
  std::FILE* file_;
  std::string name_;
  ZSTD_DCtx* context_ = nullptr;
  std::vector<char> input_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool frame_done_ = true;  // no frame started (an empty input is an empty stream)
  bool output_was_full_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_gzip_source(std::FILE* file, const std::string& name) {
  return std::make_unique<GzipFile>(file, name);
}

std::unique_ptr<ByteSource> make_zstd_source(std::FILE* file, const std::string& name) {
  return std::make_unique<ZstdFile>(file, name);
}

}  // namespace flashtwin::models
