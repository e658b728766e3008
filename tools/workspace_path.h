// Resolving the paths the model names. Paths are relative to the repository root (absolute
// paths inside it are accepted). Anything that resolves outside the workspace — by "..", by an
// absolute path, or through a symbolic link anywhere on the way — is refused, and so are
// writes into any .git folder (a planted hook would later run outside the sandbox).
// read access also admits the run folder, where cut tool outputs are kept in full.
// Thread-safety: pure functions (they read the file system).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tools/tool.h"

namespace agent {

enum class PathAccess { kRead, kWrite };

// The absolute, symlink-free path for `path`; the error message is written for the model.
Result<std::filesystem::path> resolve_tool_path(const ToolContext& ctx, std::string_view path,
                                                PathAccess access);

// `abs` relative to the workspace root, for messages ("src/a.c"); run-folder paths stay
// absolute.
std::string display_path(const ToolContext& ctx, const std::filesystem::path& abs);

}  // namespace agent
