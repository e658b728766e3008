// Linked worktrees through libgit2 (what `git worktree add` makes): a run that must not disturb
// the user's checkout — the PR bot, a benchmark task — gets its own working tree, index and
// HEAD, on its own branch, sharing the repository's object database.
//
// Owns: creating a worktree on a new branch at a given commit, and removing it again (folder,
// administrative files under .git/worktrees/, and optionally the branch). It does not know
// what runs in the worktree. Thread-safety: reentrant; two callers must not add worktrees
// with the same path or branch at the same time (git's own rule).
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"

namespace agent {

struct WorktreeSpec {
  std::filesystem::path repo;  // any folder inside the main repository's working tree
  std::filesystem::path path;  // the new worktree: must not exist; its parent must
  std::string branch;          // local branch created for it; must not exist yet
  std::string start;           // where the branch starts: a ref or commit id ("refs/remotes/origin/main")
};

// Creates branch `spec.branch` at `spec.start` and a worktree at `spec.path` with that branch
// checked out. The user's HEAD, index and files are not touched. On failure nothing is left
// behind (no branch, no folder). Errors: AlreadyExists (branch or path), NotFound (`start`),
// InvalidArgument (a branch name git refuses).
Result<std::filesystem::path> add_worktree(const WorktreeSpec& spec);

// Removes the worktree at `path` (which add_worktree made): its folder with every file in it,
// its entry in the main repository, and with `delete_branch` the branch it had checked out.
Status remove_worktree(const std::filesystem::path& path, bool delete_branch);

// The commit id (40 hex digits) a ref or revision names in the repository containing `dir`;
// NotFound when it names nothing.
Result<std::string> git_resolve_commit(const std::filesystem::path& dir, const std::string& rev);

}  // namespace agent
