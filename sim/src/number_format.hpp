// Locale-independent number formatting for the result files and the terminal table. Everything
// goes through std::to_chars, which never looks at the C or C++ locale (printf's decimal point
// follows LC_NUMERIC, which a Qt GUI sets from the environment).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flashtwin::sim::format {

// `value` with exactly `decimals` digits after the point ("12.500"); "" for NaN or infinity.
std::string fixed(double value, int decimals);
// `value` in scientific notation with `decimals` digits after the point ("2.62e+05"); "" for NaN
// or infinity.
std::string scientific(double value, int decimals);
// `value` rounded to `digits` significant digits (round to nearest on the exact binary value, as
// std::to_chars does); NaN and infinity unchanged, -0 becomes 0.
double round_significant(double value, int digits);
// Nanoseconds as exact seconds with 9 decimals: 1500000000 -> "1.500000000".
std::string seconds(std::int64_t ns);
// Bytes with a binary unit and one decimal: "0 B", "512 B", "1.5 KiB", "12.3 MiB".
std::string bytes_iec(std::uint64_t bytes);
// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or line break.
std::string csv_quoted(std::string_view text);
// Right-aligns `text` in `width` columns (no truncation).
std::string pad_left(const std::string& text, std::size_t width);
// Left-aligns `text` in `width` columns, cutting it to width - 1 characters if longer.
std::string pad_right(const std::string& text, std::size_t width);

}  // namespace flashtwin::sim::format
