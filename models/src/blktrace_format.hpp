// Constants of the blktrace v7 and v8 record formats (shared/BLKTRACE_FORMAT.md, from the kernel's
// include/uapi/linux/blktrace_api.h): the magic, the action numbers and the category bits.
#pragma once

#include <cstdint>

namespace flashtwin::models::blktrace {

inline constexpr std::uint32_t kMagic = 0x65617400;  // "\0tae" | version in the low byte
inline constexpr std::uint32_t kMagicMask = 0xffffff00;
inline constexpr std::uint32_t kVersion = 0x07;   // struct blk_io_trace, 48-byte header
inline constexpr std::uint32_t kVersion2 = 0x08;  // struct blk_io_trace2, 64-byte header
inline constexpr std::size_t kHeaderBytes = 48;
inline constexpr std::size_t kHeader2Bytes = 64;
inline constexpr std::uint64_t kSectorBytes = 512;

// Action numbers (low byte of action; bit 8 marks a cgroup id in the payload).
inline constexpr std::uint64_t kActionMask = 0xff;
inline constexpr std::uint32_t kQueue = 1;
inline constexpr std::uint32_t kIssue = 7;
inline constexpr std::uint32_t kComplete = 8;
inline constexpr std::uint32_t kLastKnownAction = 17;   // DRV_DATA in v7
inline constexpr std::uint32_t kLastKnownAction2 = 19;  // ZONE_PLUG 18 / ZONE_UNPLUG 19 in v8

// Category bits: the category word shifted left by 16 (the high 16 bits of a v7 action; bits 16
// to 47 of a v8 action, whose low 16 categories are those of v7).
inline constexpr std::uint64_t kRead = 0x0001ULL << 16;
inline constexpr std::uint64_t kWrite = 0x0002ULL << 16;
inline constexpr std::uint64_t kFlush = 0x0004ULL << 16;
inline constexpr std::uint64_t kPassThrough = 0x0200ULL << 16;
inline constexpr std::uint64_t kNotify = 0x0400ULL << 16;
inline constexpr std::uint64_t kDiscard = 0x2000ULL << 16;
inline constexpr std::uint64_t kFua = 0x8000ULL << 16;
inline constexpr std::uint64_t kWriteZeroes = (1ULL << 22) << 16;  // v8 only

}  // namespace flashtwin::models::blktrace
