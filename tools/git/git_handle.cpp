#include "tools/git/git_handle.h"

#include <mutex>
#include <string>

namespace agent::git {

void init() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

Status error(std::string_view what, StatusCode code) {
  const ::git_error* e = git_error_last();
  std::string m(what);
  m += ": ";
  m += (e != nullptr && e->message != nullptr) ? e->message : "unknown libgit2 error";
  return Status(code, std::move(m));
}

Result<Repo> open(const std::filesystem::path& dir) {
  init();
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, dir.c_str(), 0, nullptr) != 0) {
    return not_found(dir.string() + " is not inside a git repository");
  }
  return Repo(repo);
}

Result<Tree> head_tree(git_repository* repo) {
  git_object* obj = nullptr;
  int rc = git_revparse_single(&obj, repo, "HEAD^{tree}");
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return Tree(nullptr);
  if (rc != 0) return error("read HEAD");
  return Tree(reinterpret_cast<git_tree*>(obj));
}

}  // namespace agent::git
