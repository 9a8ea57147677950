// ByteSource: a sequential reader of one input file's bytes. open_byte_source() recognises gzip
// (1f 8b) and zstd (28 b5 2f fd) files by their first bytes and decompresses them transparently
// (concatenated members / frames included); any other file is read as it is. Offsets seen by the
// caller are offsets in the decompressed bytes. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace flashtwin::models {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Copies up to `size` bytes into `out`; returns how many (0 only at the end of the input).
  // Throws std::runtime_error (a reason, without the file name) on a read error or corrupt /
  // truncated compressed data.
  virtual std::size_t read(std::byte* out, std::size_t size) = 0;
  // Moves `size` bytes on without handing them out; returns how many (fewer only at the end of
  // the input). Throws like read(). The default reads into a scratch buffer; a plain file seeks.
  virtual std::uint64_t skip(std::uint64_t size);
  // About how many bytes of memory the source holds (buffers, a decompressor's window), for a
  // caller choosing between streaming a small input and holding it instead.
  virtual std::size_t memory_bytes() const = 0;
};

// Opens `path` for reading; throws std::runtime_error naming the file if it cannot.
std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& path);

// The decompressing sources (compressed_source.cpp). Each takes over `file`, positioned at the
// start, and closes it.
std::unique_ptr<ByteSource> make_gzip_source(std::FILE* file, const std::string& name);
std::unique_ptr<ByteSource> make_zstd_source(std::FILE* file, const std::string& name);

}  // namespace flashtwin::models
