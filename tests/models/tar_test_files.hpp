// Test helpers for tar bundles: a small ustar writer of our own (regular files, folders, symlinks,
// GNU long names, pax path / size records) and gzip / zstd compression of bytes in memory through
// zlib and libzstd, as the bundles in ../shared/traces are made by tar and zstd.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace flashtwin::models::testing {

using Bytes = std::vector<std::uint8_t>;

class TarWriter {
 public:
  // A regular file (type '0'); names up to 100 bytes go in the header's name field.
  TarWriter& file(const std::string& name, const Bytes& data) {
    header(name, data.size(), '0');
    this->data(data);
    return *this;
  }
  // A regular file whose name is put in the POSIX ustar prefix field (prefix/name).
  TarWriter& file_with_prefix(const std::string& prefix, const std::string& name,
                              const Bytes& data) {
    header(name, data.size(), '0', "", prefix);
    this->data(data);
    return *this;
  }
  // A regular file named by a GNU 'L' header (any length); the ustar name is cut to 99 bytes.
  TarWriter& gnu_long_name_file(const std::string& name, const Bytes& data) {
    Bytes with_nul(name.begin(), name.end());
    with_nul.push_back(0);
    header("././@LongLink", with_nul.size(), 'L');
    this->data(with_nul);
    header(name.substr(0, 99), data.size(), '0');
    this->data(data);
    return *this;
  }
  // A regular file named (and sized) by a pax 'x' header; the ustar header says `ustar_size`.
  TarWriter& pax_file(const std::string& name, const Bytes& data, std::uint64_t ustar_size) {
    std::string records = pax_record("path", name) + pax_record("mtime", "1700000000.5") +
                          pax_record("size", std::to_string(data.size()));
    header("PaxHeaders/x", records.size(), 'x');
    this->data(Bytes(records.begin(), records.end()));
    header(name.substr(0, 99), ustar_size, '0');
    this->data(data);
    return *this;
  }
  TarWriter& directory(const std::string& name) {
    header(name, 0, '5');
    return *this;
  }
  TarWriter& symlink(const std::string& name, const std::string& target) {
    header(name, 0, '2', target);
    return *this;
  }
  // Two zero blocks, then zeros up to a multiple of 10240 bytes (tar's default record size).
  Bytes finish() const {
    Bytes out = bytes_;
    out.resize(out.size() + 1024, 0);
    out.resize((out.size() + 10239) / 10240 * 10240, 0);
    return out;
  }

 private:
  static std::string pax_record(const std::string& key, const std::string& value) {
    // "LENGTH key=value\n", LENGTH counting its own digits.
    const std::size_t rest = key.size() + value.size() + 3;  // ' ', '=', '\n'
    std::size_t length = rest + 1;
    while (std::to_string(length).size() + rest != length)
      ++length;
    return std::to_string(length) + " " + key + "=" + value + "\n";
  }

  void header(const std::string& name, std::uint64_t size, char type, const std::string& link = "",
              const std::string& prefix = "") {
    std::uint8_t block[512] = {};
    auto put = [&](std::size_t at, const std::string& text, std::size_t max) {
      ASSERT_LE(text.size(), max) << text;
      std::copy(text.begin(), text.end(), block + at);
    };
    auto octal = [](std::uint64_t value, int digits) {
      char text[32];
      std::snprintf(text, sizeof text, "%0*llo", digits, static_cast<unsigned long long>(value));
      return std::string(text);
    };
    put(0, name, 100);
    put(100, octal(0644, 7), 8);
    put(108, octal(0, 7), 8);
    put(116, octal(0, 7), 8);
    put(124, octal(size, 11), 12);
    put(136, octal(1700000000, 11), 12);
    block[156] = static_cast<std::uint8_t>(type);
    put(157, link, 100);
    std::copy_n("ustar", 6, block + 257);  // with its NUL
    block[263] = block[264] = '0';
    put(265, "root", 32);
    put(297, "root", 32);
    put(345, prefix, 155);
    std::fill(block + 148, block + 156, ' ');
    unsigned sum = 0;
    for (const std::uint8_t b : block)
      sum += b;
    put(148, octal(sum, 6), 8);
    block[154] = 0;  // "NNNNNN\0 " as tar writes it
    bytes_.insert(bytes_.end(), block, block + 512);
  }

  void data(const Bytes& data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    bytes_.resize((bytes_.size() + 511) / 512 * 512, 0);
  }

  Bytes bytes_;
};

inline Bytes gzip_bytes(const Bytes& in) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&stream, static_cast<uLong>(in.size())) + 64);
  stream.next_in = const_cast<Bytef*>(in.data());
  stream.avail_in = static_cast<uInt>(in.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

inline Bytes zstd_bytes(const Bytes& in, int level = 3) {
  Bytes out(ZSTD_compressBound(in.size()));
  const std::size_t size = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  EXPECT_FALSE(ZSTD_isError(size)) << ZSTD_getErrorName(size);
  out.resize(size);
  return out;
}

inline void write_bytes(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good()) << "cannot write " << path;
}

inline Bytes read_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace flashtwin::models::testing
