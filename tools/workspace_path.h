// Resolving the paths the model names. Paths are relative to the repository root (absolute
// paths inside it are accepted). Anything that resolves outside the workspace — by "..", by an
// absolute path, or through a symbolic link anywhere on the way — is refused, and so are
// writes into any .git folder (a planted hook would later run outside the sandbox).
// read access also admits the run folder, where cut tool outputs are kept in full.
//
// A command the model started may still be running while a file tool works, renaming folders
// or swapping one for a symbolic link. So a path is not checked and then used again by name:
// open_tool_path() opens its folder beneath the root (beneath.h) and the tools read and write
// through that descriptor (file_at.h). Symbolic links inside the workspace keep working.
// Thread-safety: reentrant (reads the file system).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tools/file_at.h"
#include "tools/tool.h"

namespace agent {

enum class PathAccess { kRead, kWrite };

// A symbolic link as the path's last component: followed (to the file the tools should read
// or change), or kept (the link itself is what is renamed or deleted).
enum class LastLink { kFollow, kKeep };

// A path the model named, with its folder open beneath the root.
struct ToolPath {
  PathAt at;                  // at.abs: absolute and symlink-free
  bool exists = false;        // the file (or folder) at.abs exists; `st` is its lstat
  struct stat st {};
  bool through_link = false;  // the last component was a symbolic link, followed
};

// Resolves and opens `path`; the error message is written for the model. A path through a
// symbolic link whose target is missing inside the workspace comes back with through_link
// set and exists false.
Result<ToolPath> open_tool_path(const ToolContext& ctx, std::string_view path, PathAccess access,
                                LastLink last = LastLink::kFollow);

// The absolute, symlink-free path for `path`, for callers that only need to name it. Using it
// again by name races with whatever changes the workspace meanwhile; file tools use
// open_tool_path().
Result<std::filesystem::path> resolve_tool_path(const ToolContext& ctx, std::string_view path,
                                                PathAccess access);

// `abs` relative to the workspace root, for messages ("src/a.c"); run-folder paths stay
// absolute.
std::string display_path(const ToolContext& ctx, const std::filesystem::path& abs);

}  // namespace agent
