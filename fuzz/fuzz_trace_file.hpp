// The fuzz targets' shared part: libFuzzer hands bytes, the readers read files, so each input is
// written to one scratch file per process and read from there.
#pragma once

#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace flashtwin::fuzz {

inline const std::filesystem::path& scratch_file() {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("flashtwin-fuzz-" + std::to_string(getpid()));
  return path;
}

inline const std::filesystem::path& write_input(const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(scratch_file().c_str(), "wb");
  if (f != nullptr) {
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return scratch_file();
}

}  // namespace flashtwin::fuzz
