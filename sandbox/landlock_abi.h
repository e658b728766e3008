// Landlock definitions newer than Debian 12's kernel headers (which stop at ABI 2), and the
// access rights this project hands to Landlock for each ABI version.
// Thread-safety: constants and pure functions.
#pragma once

#include <linux/landlock.h>

#include <cstddef>
#include <cstdint>

namespace agent {

// The ruleset attribute as of ABI 6; older kernels are given a prefix of it.
struct LandlockRulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;  // ABI >= 4
  uint64_t scoped;              // ABI >= 6
};

inline size_t landlock_attr_size(int abi) {
  if (abi >= 6) return sizeof(LandlockRulesetAttr);
  if (abi >= 4) return 2 * sizeof(uint64_t);
  return sizeof(uint64_t);
}

inline constexpr uint64_t kLandlockTruncate = 1ull << 14;        // ABI 3
inline constexpr uint64_t kLandlockNetBindTcp = 1ull << 0;       // ABI 4
inline constexpr uint64_t kLandlockNetConnectTcp = 1ull << 1;    // ABI 4
inline constexpr uint64_t kLandlockScopeAbstractUnix = 1ull << 0;// ABI 6
inline constexpr uint64_t kLandlockScopeSignal = 1ull << 1;      // ABI 6

// Rights that may be granted on a file (not a directory).
inline constexpr uint64_t kLandlockFileRights = LANDLOCK_ACCESS_FS_EXECUTE |
                                                LANDLOCK_ACCESS_FS_WRITE_FILE |
                                                LANDLOCK_ACCESS_FS_READ_FILE | kLandlockTruncate;

// Every right that changes the file system, for `abi`. Reading and executing are left
// unhandled: what may be read is decided by the mount namespace (hidden home), and Landlock
// cannot carve exceptions out of an allowed tree anyway.
inline uint64_t landlock_write_rights(int abi) {
  uint64_t r = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
               LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
               LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
               LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
               LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
  if (abi >= 2) r |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) r |= kLandlockTruncate;
  return r;
}

}  // namespace agent
