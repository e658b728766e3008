// RAII handles and error conversion for libgit2, private to tools/git/.
#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string_view>

#include "common/status.h"

namespace agent::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};

using Repo = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Index = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using Reference = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using StatusList = std::unique_ptr<git_status_list, Deleter<git_status_list, git_status_list_free>>;
using Revwalk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;

// Initialises libgit2 once per process.
void init();

// The last libgit2 error as a Status ("what: message").
Status error(std::string_view what, StatusCode code = StatusCode::kInternal);

// Opens the repository containing `dir` (searching upwards). NotFound outside one.
Result<Repo> open(const std::filesystem::path& dir);

// HEAD's tree, or null for an unborn HEAD.
Result<Tree> head_tree(git_repository* repo);

}  // namespace agent::git
