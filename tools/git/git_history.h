// Reading commits and writing a commit from a snapshot tree, through libgit2: what a runner
// needs to own a branch (the PR bot turns a run's final working tree into one commit on the
// run's branch, and recognises its own commits by their committer on the next run).
// Thread-safety: reentrant (one repository handle per call).
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "tools/git/git_repo.h"

namespace agent {

struct GitCommitInfo {
  std::string id;
  std::string author_name, author_email;
  std::string committer_name, committer_email;
  std::string summary;  // the message's first paragraph
};

// The commit a ref or revision names; NotFound when it names none.
Result<GitCommitInfo> git_read_commit(const std::filesystem::path& dir, const std::string& rev);

// Writes a commit whose tree is `tree` (an id from snapshot_worktree) and whose only parent is
// the commit `parent` names, by `who` as author and committer, and points local branch
// `branch` at it (created or moved; the working tree and index are not touched). Returns the
// commit id. FailedPrecondition when the tree equals the parent's (nothing to commit).
Result<std::string> git_commit_tree(const std::filesystem::path& dir, const std::string& branch,
                                    const std::string& tree, const std::string& parent,
                                    const std::string& message, const GitIdentity& who);

}  // namespace agent
