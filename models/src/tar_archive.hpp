// Reading tar archives (plain, gzip or zstd: whatever open_byte_source reads) without extracting
// them, for trace bundles such as NAME.blktrace.tar.zst. Internal to models/.
//
// Format (POSIX ustar, with the GNU and pax extensions tar writes today): 512-byte headers, each
// followed by the member's data padded to a multiple of 512 bytes; the archive ends with two
// all-zero blocks (an archive that ends right after a member's data, without them, is accepted).
// Per header: name[100] at 0, size[12] at 124 (octal digits, or GNU base-256 when the first byte
// has bit 7 set), checksum[8] at 148 (octal sum of the header's bytes with the checksum field
// read as spaces; the signed-byte sum of old tars is accepted too), type flag at 156, magic
// "ustar" at 257, prefix[155] at 345 (POSIX ustar only: path = prefix/name). Type flags used: '0'
// or NUL or '7' regular file; 'x' pax extended header whose "path" and "size" records apply to
// the next member; 'L' GNU long name of the next member; 'g' (pax global header), 'K' (GNU long
// link name) and every other type are listed and their data skipped.
//
// Errors: a header whose checksum does not match, a malformed size or pax record, a lone zero
// block followed by a header, or an archive ending inside a header or a member's data throw
// TraceError "ARCHIVE: byte OFFSET: reason" (OFFSET in the decompressed archive) or, for a
// member's data, "ARCHIVE: member NAME: reason". Not thread-safe.
#pragma once

#include "byte_source.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace flashtwin::models::detail {

struct TarMember {
  std::string name;  // path inside the archive, a leading "./" removed
  char type = '0';   // the header's type flag ('0' for a regular file, also for NUL and '7')
  std::uint64_t header_offset = 0;  // of its (first) header, in the decompressed archive
  std::uint64_t data_offset = 0;    // of its first data byte
  std::uint64_t size_bytes = 0;
  // The member's data, if list_tar_members held it (see there); open_tar_member then reads it
  // from here. Shared, so copies of the listing cost nothing.
  std::shared_ptr<const std::vector<std::byte>> data;

  bool regular_file() const { return type == '0'; }
};

// True if `path` is a tar archive: its (decompressed) first 512 bytes are a header with a
// ustar magic and a matching checksum. False for anything else, and for a file that cannot be
// opened or read (the reader that opens it next reports that).
bool is_tar_archive(const std::filesystem::path& path);

// Every member of the archive, in archive order, reading it once from start to end (memory: one
// entry per member). The data of each regular member that `hold` accepts and that is no larger
// than what the archive's decompressor holds (a zstd window, often 8 MiB) is kept in the entry,
// so that opening it later costs no second pass. Throws TraceError as said above, or if the file
// cannot be opened or its compressed data are damaged.
std::vector<TarMember> list_tar_members(
    const std::filesystem::path& path, const std::function<bool(const TarMember&)>& hold = nullptr);

// The data of `member` (one listed by list_tar_members) as a ByteSource of its own: the held
// data, or else the archive opened again and read up to the member's data, so several members
// can be read at once, each with its own file and decompressor (a member no larger than what
// that decompressor holds is then read at once and held instead). A read past what the archive
// holds throws std::runtime_error("truncated member: ..."). Throws TraceError if the archive cannot
// be opened or ends before the member's data.
std::unique_ptr<ByteSource> open_tar_member(const std::filesystem::path& path,
                                            const TarMember& member);

}  // namespace flashtwin::models::detail
