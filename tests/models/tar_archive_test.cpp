// The tar reader under the blktrace bundles (src/tar_archive.hpp): member names from the name,
// ustar prefix, GNU long-name and pax fields; sizes in octal, GNU base-256 and pax; the end of
// the archive; malformed headers as TraceErrors with the byte offset; one member's data read
// on its own and cut short.
#include "tar_archive.hpp"
#include "blktrace_test_files.hpp"
#include "flashtwin/models/blktrace_reader.hpp"  // TraceError
#include "tar_test_files.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flashtwin::models::detail {
namespace {

using models::testing::Bytes;
using models::testing::ScratchFolder;
using models::testing::TarWriter;
namespace fs = std::filesystem;

Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

std::string error_listing(const fs::path& path) {
  try {
    list_tar_members(path);
  } catch (const TraceError& error) {
    return error.what();
  }
  return {};
}

std::string read_member(const fs::path& path, const TarMember& member) {
  const auto source = open_tar_member(path, member);
  std::string out;
  char buffer[7];  // small reads cross the member's end
  for (;;) {
    const std::size_t got = source->read(reinterpret_cast<std::byte*>(buffer), sizeof buffer);
    if (got == 0) return out;
    out.append(buffer, got);
  }
}

TEST(TarArchive, ListsMembersWithTheirNamesSizesAndOffsets) {
  ScratchFolder folder;
  const std::string long_name = "a/" + std::string(200, 'n') + "/f.blktrace.0";
  const Bytes tar = TarWriter()
                        .directory("./d/")
                        .file("./d/one", text("first member"))
                        .file_with_prefix("pre/fix", "two", text("2"))
                        .gnu_long_name_file(long_name, text("gnu"))
                        .pax_file(long_name + "x", text("pax data"), 3)
                        .symlink("d/link", "one")
                        .finish();
  const fs::path path = folder / "a.tar";
  models::testing::write_bytes(path, tar);
  EXPECT_TRUE(is_tar_archive(path));
  const std::vector<TarMember> members = list_tar_members(path);
  ASSERT_EQ(members.size(), 6U);
  EXPECT_EQ(members[0].name, "d/");
  EXPECT_EQ(members[0].type, '5');
  EXPECT_EQ(members[1].name, "d/one");
  EXPECT_TRUE(members[1].regular_file());
  EXPECT_EQ(members[1].header_offset, 512U);
  EXPECT_EQ(members[1].data_offset, 1024U);
  EXPECT_EQ(members[1].size_bytes, 12U);
  EXPECT_EQ(members[2].name, "pre/fix/two");
  EXPECT_EQ(members[3].name, long_name);
  EXPECT_EQ(members[3].header_offset, 2560U);          // its 'L' header
  EXPECT_EQ(members[3].data_offset, 2560U + 3 * 512);  // L header, name data, header
  EXPECT_EQ(members[4].name, long_name + "x");
  EXPECT_EQ(members[4].size_bytes, 8U);  // pax size, not the header's 3
  EXPECT_EQ(members[5].type, '2');
  EXPECT_EQ(members[5].size_bytes, 0U);
  EXPECT_EQ(read_member(path, members[1]), "first member");
  EXPECT_EQ(read_member(path, members[3]), "gnu");
  EXPECT_EQ(read_member(path, members[4]), "pax data");
  // Compressed, the same members and data.
  models::testing::write_bytes(folder / "a.tar.zst", models::testing::zstd_bytes(tar));
  const std::vector<TarMember> packed = list_tar_members(folder / "a.tar.zst");
  ASSERT_EQ(packed.size(), 6U);
  EXPECT_EQ(read_member(folder / "a.tar.zst", packed[4]), "pax data");
}

TEST(TarArchive, Base256SizeAndAMissingEndMarker) {
  ScratchFolder folder;
  Bytes tar = TarWriter().file("big", Bytes(600, 'b')).finish();
  // GNU base-256 size: 0x80, then 600 big-endian; the checksum must be recomputed.
  std::fill(tar.begin() + 124, tar.begin() + 136, 0);
  tar[124] = 0x80;
  tar[134] = 600 >> 8;
  tar[135] = 600 & 0xff;
  std::fill(tar.begin() + 148, tar.begin() + 156, ' ');
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i)
    sum += tar[i];
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06o", sum);
  std::copy(checksum, checksum + 7, tar.begin() + 148);
  tar.resize(512 + 1024);  // the member's data and padding, no end blocks
  const fs::path path = folder / "b.tar";
  models::testing::write_bytes(path, tar);
  const std::vector<TarMember> members = list_tar_members(path);
  ASSERT_EQ(members.size(), 1U);
  EXPECT_EQ(members[0].size_bytes, 600U);
  EXPECT_EQ(read_member(path, members[0]), std::string(600, 'b'));
}

TEST(TarArchive, MalformedArchivesNameTheOffset) {
  ScratchFolder folder;
  const Bytes good = TarWriter().file("one", text("1")).file("two", text("2")).finish();
  auto error_for = [&](Bytes bytes) {
    const fs::path path = folder / "x.tar";
    models::testing::write_bytes(path, bytes);
    return error_listing(path);
  };
  const std::string at = (folder / "x.tar").string() + ": byte ";
  Bytes bad_size = good;
  bad_size[1024 + 124] = '9';  // the second header's size field (checksum recomputed below)
  std::fill(bad_size.begin() + 1024 + 148, bad_size.begin() + 1024 + 156, ' ');
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i)
    sum += bad_size[1024 + i];
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06o", sum);
  std::copy(checksum, checksum + 7, bad_size.begin() + 1024 + 148);
  EXPECT_EQ(error_for(bad_size).rfind(at + "1024: bad tar header: size field", 0), 0U)
      << error_for(bad_size);
  Bytes lone_zero = good;
  std::fill(lone_zero.begin(), lone_zero.begin() + 512, 0);  // the first header
  EXPECT_EQ(error_for(lone_zero).rfind(at + "512: a lone zero block at byte 0", 0), 0U)
      << error_for(lone_zero);
  Bytes cut_header = good;
  cut_header.resize(1024 + 100);
  EXPECT_EQ(error_for(cut_header),
            at + "1024: the archive ends inside a header (100 of 512 bytes)");
  Bytes pax = TarWriter().pax_file("p", text("x"), 1).finish();
  pax[512] = '8';  // the first record "9 path=p\n" now claims 8 bytes, not ending in a newline
  EXPECT_EQ(error_for(pax), at + "0: malformed pax extended header record at its byte 0");
}

// A zstd decompressor holds its window (here about the archive's size): a smaller member is read
// at once and held, the decompressor freed; a plain archive's member larger than stdio's buffer
// is streamed.
TEST(TarArchive, SmallMembersOfCompressedArchivesAreHeld) {
  ScratchFolder folder;
  const Bytes tar = TarWriter().file("a", Bytes(3000, 'a')).file("b", Bytes(200'000, 'b')).finish();
  models::testing::write_bytes(folder / "h.tar", tar);
  models::testing::write_bytes(folder / "h.tar.zst", models::testing::zstd_bytes(tar));
  const std::vector<TarMember> members = list_tar_members(folder / "h.tar.zst");
  ASSERT_EQ(members.size(), 2U);
  EXPECT_EQ(open_tar_member(folder / "h.tar.zst", members[0])->memory_bytes(), 3000U);
  EXPECT_EQ(read_member(folder / "h.tar.zst", members[1]), std::string(200'000, 'b'));
  EXPECT_LT(open_tar_member(folder / "h.tar", members[1])->memory_bytes(), 200'000U);
  // Listing can hold them at once (the data then comes from memory, no second pass).
  const auto hold_all = [](const TarMember&) { return true; };
  const std::vector<TarMember> held = list_tar_members(folder / "h.tar.zst", hold_all);
  ASSERT_TRUE(held[0].data);
  EXPECT_EQ(held[0].data->size(), 3000U);
  EXPECT_EQ(read_member(folder / "h.tar.zst", held[0]), std::string(3000, 'a'));
  EXPECT_FALSE(list_tar_members(folder / "h.tar", hold_all)[1].data);  // above stdio's buffer
  // Cut after listing: opening the member finds the damage.
  fs::resize_file(folder / "h.tar.zst", 30);
  EXPECT_THROW(open_tar_member(folder / "h.tar.zst", members[1]), TraceError);
}

TEST(TarArchive, MemberCutShortWhileReading) {
  ScratchFolder folder;
  const Bytes tar = TarWriter().file("one", Bytes(30'000, 'x')).finish();  // streamed, not held
  const fs::path path = folder / "c.tar";
  models::testing::write_bytes(path, tar);
  const std::vector<TarMember> members = list_tar_members(path);
  ASSERT_EQ(members.size(), 1U);
  // The archive shrinks after it was listed: reading the member finds the cut.
  fs::resize_file(path, 512 + 10'000);
  try {
    read_member(path, members[0]);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()),
              "truncated member: the archive ends after 10000 of its 30000 bytes");
  }
  fs::resize_file(path, 100);
  try {
    open_tar_member(path, members[0]);
    ADD_FAILURE() << "no error";
  } catch (const TraceError& error) {
    EXPECT_EQ(std::string(error.what()),
              path.string() +
                  ": member one: the archive ends at byte 100, before the member's data at byte "
                  "512");
  }
}

}  // namespace
}  // namespace flashtwin::models::detail
