// A cached block's 64-bit key: the host-local disk number in the top 16 bits, the block number in
// the low 48 (both within the limits below). Adjacent blocks of one disk have adjacent keys, so
// ordered keys give coalescing runs.
#pragma once

#include <cstdint>

namespace flashtwin::engine {

using LocalDisk = std::uint16_t;

inline constexpr int kBlockBits = 48;
// What a key may name, so that BlockIndex keeps a key in 6 bytes: 4096 disk numbers a host (its
// own disks from 0 up, ReplicaStore's codes from 4095 down) and 2^36 blocks a disk (256 TiB of
// 4 KiB blocks, above VMFS's 62 TB limit for a virtual disk).
inline constexpr std::uint32_t kMaxLocalDisks = 4096;
inline constexpr int kStoredBlockBits = 36;
inline constexpr std::uint64_t kMaxBlocksPerDisk = std::uint64_t{1} << kStoredBlockBits;

constexpr std::uint64_t block_key(LocalDisk disk, std::uint64_t block) {
  return (std::uint64_t{disk} << kBlockBits) | block;
}
constexpr LocalDisk disk_of(std::uint64_t key) {
  return static_cast<LocalDisk>(key >> kBlockBits);
}
constexpr std::uint64_t block_of(std::uint64_t key) {
  return key & ((std::uint64_t{1} << kBlockBits) - 1);
}

// Spreads a key over the 64 bits (Fibonacci multiply then xor-shift); deterministic.
constexpr std::uint64_t mix_key(std::uint64_t key) {
  std::uint64_t h = key * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

// Maps a 64-bit hash onto [0, n) without a division (Lemire's multiply-shift).
__extension__ using Uint128 = unsigned __int128;  // GCC and Clang; the extension is deliberate
inline std::uint64_t reduce_hash(std::uint64_t hash, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<Uint128>(hash) * n) >> 64);
}

}  // namespace flashtwin::engine
