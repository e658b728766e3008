// Working-tree snapshots through libgit2, for the runtime's own needs: the state of the
// repository when a run starts (uncommitted changes and untracked, non-ignored files
// included) and the patch between two such states, printed as `git diff` prints it.
//
// A snapshot is a git tree object written to the repository's object database (like
// `git stash create`, it writes loose objects and touches no ref, index or file).
// Thread-safety: functions are reentrant; libgit2 is initialised once, on first use.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent {

// The root of the git working tree containing `dir`; NotFound when it is not in one.
Result<std::filesystem::path> find_git_workdir(const std::filesystem::path& dir);

// Writes the current working tree (as `git add -A` would see it, ignoring what .gitignore
// ignores) as a tree object and returns its id (40 hex digits). The index on disk is not
// changed.
Result<std::string> snapshot_worktree(const std::filesystem::path& workdir);

struct TreeDiff {
  std::string patch;                      // unified diff, `git diff` format, a/ and b/ prefixes
  std::vector<std::string> files_changed; // paths, sorted
};

// The difference from tree `from` to tree `to` (ids from snapshot_worktree).
Result<TreeDiff> diff_trees(const std::filesystem::path& workdir, const std::string& from,
                            const std::string& to);

}  // namespace agent
