// Byte sizes on the command line: "4096", "64KiB", "16GiB", "1.5TiB" (binary units only, so a
// size means one thing). Throws std::invalid_argument naming the text when it is not a size.
#pragma once

#include <cstdint>
#include <string>

namespace flashtwin::cli {

std::uint64_t parse_byte_size(const std::string& text);
// The reverse, for tables: "16 GiB", "512 MiB", "4 KiB", "100 B".
std::string format_byte_size(std::uint64_t bytes);

}  // namespace flashtwin::cli
