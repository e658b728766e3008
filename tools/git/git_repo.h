// Git operations the runtime and the model's git tools need, through libgit2 (no `git`
// process is ever started): status, diffs, log, branches, commits.
//
// Every function opens the repository containing `workdir` itself; errors name what failed
// and carry libgit2's message. Thread-safety: reentrant (one repository handle per call).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace agent {

struct GitIdentity {
  std::string name = "agent";
  std::string email = "agent@localhost";
};

// "main", or empty when HEAD is detached; NotFound outside a repository.
Result<std::string> git_current_branch(const std::filesystem::path& workdir);

// True when the working tree or the index differs from HEAD (untracked, non-ignored files
// count). An unborn HEAD with any file counts as dirty.
Result<bool> git_is_dirty(const std::filesystem::path& workdir);

// Creates branch `name` at HEAD and makes it the current branch without touching the working
// tree or the index (like `git switch -c name`). AlreadyExists when the branch exists;
// InvalidArgument for a name git would refuse.
Status git_create_and_switch_branch(const std::filesystem::path& workdir, const std::string& name);

// Points HEAD at an existing local branch without touching files (for a branch that is
// already at HEAD's commit).
Status git_switch_branch(const std::filesystem::path& workdir, const std::string& name);

// Stages `paths` (all changes, deletions included, when empty) and commits them on the
// current branch. Returns the new commit's id. FailedPrecondition when there is nothing to
// commit or HEAD is detached.
Result<std::string> git_commit_changes(const std::filesystem::path& workdir,
                                       const std::string& message, const GitIdentity& who,
                                       const std::vector<std::string>& paths);

// `git status --short --branch`-like text.
Result<std::string> git_status_text(const std::filesystem::path& workdir);

// Unstaged (working tree vs index) or staged (index vs HEAD) changes as a patch, optionally
// limited to a path or folder.
Result<std::string> git_diff_text(const std::filesystem::path& workdir, bool staged,
                                  const std::string& path);

// The newest `max_count` commits of HEAD (touching `path` when given): id, author, date and
// subject, one per line.
Result<std::string> git_log_text(const std::filesystem::path& workdir, int max_count,
                                 const std::string& path);

}  // namespace agent
