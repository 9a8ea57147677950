// Constants of the blktrace v7 record format (shared/BLKTRACE_FORMAT.md, from the kernel's
// include/uapi/linux/blktrace_api.h): the magic, the action numbers and the category bits.
#pragma once

#include <cstdint>

namespace flashtwin::models::blktrace {

inline constexpr std::uint32_t kMagic = 0x65617400;  // "\0tae" | version in the low byte
inline constexpr std::uint32_t kMagicMask = 0xffffff00;
inline constexpr std::uint32_t kVersion = 0x07;
inline constexpr std::size_t kHeaderBytes = 48;
inline constexpr std::uint64_t kSectorBytes = 512;

// Action numbers (low byte of action; bit 8 marks a cgroup id in the payload).
inline constexpr std::uint32_t kActionMask = 0xff;
inline constexpr std::uint32_t kQueue = 1;
inline constexpr std::uint32_t kIssue = 7;
inline constexpr std::uint32_t kLastKnownAction = 17;  // DRV_DATA; 18/19 exist only in v8

// Category bits (high 16 bits of action).
inline constexpr std::uint32_t kRead = 0x0001U << 16;
inline constexpr std::uint32_t kWrite = 0x0002U << 16;
inline constexpr std::uint32_t kFlush = 0x0004U << 16;
inline constexpr std::uint32_t kPassThrough = 0x0200U << 16;
inline constexpr std::uint32_t kNotify = 0x0400U << 16;
inline constexpr std::uint32_t kDiscard = 0x2000U << 16;
inline constexpr std::uint32_t kFua = 0x8000U << 16;

}  // namespace flashtwin::models::blktrace
