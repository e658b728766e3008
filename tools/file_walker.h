// File walker: the files search and list_files see. Walks a folder of the workspace the way a
// developer expects `rg --files` to: .gitignore, .git/info/exclude and core.excludesFile are
// respected (through libgit2, when the workspace is a git repository; otherwise there are no
// ignore rules), ignored folders are pruned rather than walked, .git folders are always
// skipped, symbolic links are reported but never followed (they may point anywhere), and
// sockets, FIFOs and devices are left out.
// Knows nothing of tools or of the model. Thread-safety: reentrant (each walk opens its own
// repository handle).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "common/cancel.h"
#include "common/status.h"
#include "tools/glob.h"

namespace agent {

struct WalkOptions {
  // Keeps only the files it matches, tried against the workspace-relative path and against
  // the path relative to the folder walked (so "src/**/*.ts" works from the root and from src).
  const Glob* glob = nullptr;
  const CancelToken* cancel = nullptr;
  // Stops after collecting this many files (used for cheap look-ups such as suggestions).
  size_t max_files = static_cast<size_t>(-1);
};

struct WalkedFile {
  std::string rel;  // relative to the workspace, '/'-separated
  std::filesystem::path abs;
  bool is_symlink = false;
};

struct WalkResult {
  std::vector<WalkedFile> files;  // sorted by rel (byte order)
  bool cancelled = false;
  bool hit_max_files = false;
  size_t unreadable_folders = 0;  // permission errors and the like, skipped
};

// Walks `start` (absolute, symlink-free, inside `workspace`; a folder or a single file). A
// start folder that is itself ignored is walked without ignore rules: naming it is asking
// for it. Fails only when `start` cannot be read at all.
Result<WalkResult> walk_files(const std::filesystem::path& workspace,
                              const std::filesystem::path& start, const WalkOptions& options);

}  // namespace agent
