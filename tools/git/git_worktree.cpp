#include "tools/git/git_worktree.h"

#include "tools/git/git_handle.h"

namespace agent {

namespace fs = std::filesystem;

namespace {

using Worktree = std::unique_ptr<git_worktree, git::Deleter<git_worktree, git_worktree_free>>;

Result<git::Commit> lookup_commit(git_repository* repo, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, (rev + "^{commit}").c_str()) != 0) {
    return not_found("\"" + rev + "\" names no commit in this repository");
  }
  return git::Commit(reinterpret_cast<git_commit*>(obj));
}

// git keeps a worktree's administrative files under .git/worktrees/<name>; the name is the
// folder's base name, made unique when an earlier worktree (or a stale entry) holds it.
std::string free_worktree_name(git_repository* repo, const fs::path& path) {
  std::string base = path.filename().string();
  for (char& c : base) {
    if (c == '/' || c == '\\' || c == ' ') c = '-';
  }
  if (base.empty() || base[0] == '.') base = "wt" + base;
  std::string name = base;
  for (int i = 2;; ++i) {
    git_worktree* existing = nullptr;
    if (git_worktree_lookup(&existing, repo, name.c_str()) != 0) return name;
    git_worktree_free(existing);
    name = base + "-" + std::to_string(i);
  }
}

}  // namespace

Result<std::string> git_resolve_commit(const fs::path& dir, const std::string& rev) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(dir));
  AGENT_ASSIGN_OR_RETURN(git::Commit commit, lookup_commit(repo.get(), rev));
  return std::string(git_oid_tostr_s(git_commit_id(commit.get())));
}

Result<fs::path> add_worktree(const WorktreeSpec& spec) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(spec.repo));
  int valid = 0;
  if (git_branch_name_is_valid(&valid, spec.branch.c_str()) != 0 || !valid) {
    return invalid_argument("\"" + spec.branch + "\" is not a valid branch name");
  }
  std::error_code ec;
  if (fs::exists(spec.path, ec)) return already_exists(spec.path.string() + " already exists");
  if (!fs::is_directory(spec.path.parent_path(), ec)) {
    return not_found(spec.path.parent_path().string() + ": no such folder");
  }
  AGENT_ASSIGN_OR_RETURN(git::Commit start, lookup_commit(repo.get(), spec.start));
  git_reference* raw_branch = nullptr;
  int rc = git_branch_create(&raw_branch, repo.get(), spec.branch.c_str(), start.get(), 0);
  if (rc == GIT_EEXISTS) return already_exists("branch \"" + spec.branch + "\" already exists");
  if (rc != 0) return git::error("create branch " + spec.branch);
  git::Reference branch(raw_branch);

  git_worktree_add_options opts = GIT_WORKTREE_ADD_OPTIONS_INIT;
  opts.ref = branch.get();
  opts.checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;
  std::string name = free_worktree_name(repo.get(), spec.path);
  git_worktree* raw_wt = nullptr;
  if (git_worktree_add(&raw_wt, repo.get(), name.c_str(), spec.path.c_str(), &opts) != 0) {
    Status s = git::error("add worktree " + spec.path.string());
    // Leave nothing half-made: libgit2 may have created the folder before failing.
    git_branch_delete(branch.get());
    fs::remove_all(spec.path, ec);
    return s;
  }
  Worktree wt(raw_wt);
  return fs::canonical(spec.path, ec);
}

Status remove_worktree(const fs::path& path, bool delete_branch) {
  std::string name, branch, commondir;
  {
    AGENT_ASSIGN_OR_RETURN(git::Repo wt_repo, git::open(path));
    if (git_repository_is_worktree(wt_repo.get()) != 1) {
      return invalid_argument(path.string() + " is not a linked worktree; refusing to remove it");
    }
    git_worktree* raw = nullptr;
    if (git_worktree_open_from_repository(&raw, wt_repo.get()) != 0) return git::error("open worktree");
    Worktree wt(raw);
    name = git_worktree_name(wt.get());
    commondir = git_repository_commondir(wt_repo.get());
    git_reference* head = nullptr;
    if (git_repository_head(&head, wt_repo.get()) == 0) {
      git::Reference holder(head);
      if (git_reference_is_branch(head)) branch = git_reference_shorthand(head);
    }
  }
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return internal_error("remove worktree folder " + path.string() + ": " + ec.message());
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(commondir));
  git_worktree* raw = nullptr;
  if (git_worktree_lookup(&raw, repo.get(), name.c_str()) == 0) {
    Worktree wt(raw);
    git_worktree_prune_options prune = GIT_WORKTREE_PRUNE_OPTIONS_INIT;
    prune.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_LOCKED;
    if (git_worktree_prune(wt.get(), &prune) != 0) return git::error("prune worktree " + name);
  }
  if (delete_branch && !branch.empty()) {
    git_reference* ref = nullptr;
    if (git_branch_lookup(&ref, repo.get(), branch.c_str(), GIT_BRANCH_LOCAL) == 0) {
      git::Reference holder(ref);
      if (git_branch_delete(ref) != 0) return git::error("delete branch " + branch);
    }
  }
  return ok_status();
}

}  // namespace agent
