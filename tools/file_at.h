// Reading and writing a file through its folder's descriptor. A PathAt holds the folder open,
// so what happens to the path's string afterwards (a folder renamed, or replaced by a symbolic
// link) cannot send the read or the write anywhere else. Names are used with O_NOFOLLOW, and a
// write is a temporary file beside the target renamed over it, which replaces a symbolic link
// planted there rather than writing through it.
// Thread-safety: reentrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tools/beneath.h"

namespace agent {

// A file in an open folder, or one still to be created below it.
struct PathAt {
  UniqueFd dir;                      // the deepest folder on the way that exists
  std::vector<std::string> missing;  // folders below `dir` still to create, outermost first
  std::string name;                  // the file's name; "" when the path is `dir` itself
  std::filesystem::path abs;         // where it is, for messages
};

// A path the agent chose itself (not one the model named): its folder is opened by name,
// following symbolic links.
PathAt path_at(const std::filesystem::path& abs);

// A folder created by make_missing_dirs, so that a rollback can remove it.
struct CreatedDir {
  UniqueFd parent;
  std::string name;
  std::filesystem::path abs;
};

// Creates p.missing one by one (mkdirat, then opened with O_NOFOLLOW) and moves p.dir to the
// last; `created` (optional) gets each folder made here.
Status make_missing_dirs(PathAt& p, std::vector<CreatedDir>* created);

// A name beside `name` that no other writer of this or another process uses.
std::string sibling_name(const std::string& name, const char* tag);

// Creates `name` in `dir` (O_EXCL: never an existing file or link), writes, sets `mode`
// exactly (no umask) and fsyncs; on failure nothing is left. `shown` names it in errors.
Status write_new_file_at(int dir, const std::string& name, std::string_view data, unsigned mode,
                         const std::string& shown);

// Replaces `name` in `dir` atomically: a temporary file beside it, renamed over it.
Status replace_file_at(int dir, const std::string& name, std::string_view data, unsigned mode,
                       const std::string& shown);

// The rest of an open file; ResourceExhausted beyond `max_bytes`.
Result<std::string> read_fd(int fd, uint64_t max_bytes, const std::string& shown);

// A whole regular file in `dir`, opened with O_NOFOLLOW.
Result<std::string> read_file_at(int dir, const std::string& name, uint64_t max_bytes,
                                 const std::string& shown);

}  // namespace agent
