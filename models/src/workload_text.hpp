// Number and size formatting shared by validate() messages and describe(). Internal to models/.
#pragma once

#include <cstdint>
#include <string>

namespace flashtwin::models {

// Shortest decimal that reads back as `value` ("1.5", "0.99", "1000", "1e+12", "nan").
std::string format_number(double value);

// Bytes in the largest binary unit that divides them exactly: "4KiB", "1MiB", "100GiB", "1536B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace flashtwin::models
