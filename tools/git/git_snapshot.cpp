#include "tools/git/git_snapshot.h"

#include "tools/git/git_handle.h"

#include <git2/sys/repository.h>

#include <algorithm>

namespace agent {

namespace fs = std::filesystem;

namespace {

Status libgit2_error(std::string_view what) { return git::error(what); }

Result<git::Repo> open_repo(const fs::path& dir) { return git::open(dir); }

Result<git::Tree> lookup_tree(git_repository* repo, const std::string& id) {
  git_oid oid;
  if (git_oid_fromstr(&oid, id.c_str()) != 0) return invalid_argument("bad tree id \"" + id + "\"");
  git_tree* tree = nullptr;
  if (git_tree_lookup(&tree, repo, &oid) != 0) return libgit2_error("look up tree " + id);
  return git::Tree(tree);
}

}  // namespace

Result<fs::path> find_git_workdir(const fs::path& dir) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, open_repo(dir));
  const char* wd = git_repository_workdir(repo.get());
  if (wd == nullptr) return failed_precondition(dir.string() + " is a bare git repository");
  return fs::path(wd).lexically_normal().parent_path();
}

Result<std::string> snapshot_worktree(const fs::path& workdir) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, open_repo(workdir));
  // Start from the on-disk index for its stat cache (only changed files are hashed), but
  // work on an in-memory copy: the user's index file is never written.
  git_index* disk_index = nullptr;
  if (git_repository_index(&disk_index, repo.get()) != 0) return libgit2_error("open index");
  git::Index disk(disk_index);
  git_index* mem_index = nullptr;
  if (git_index_new(&mem_index) != 0) return libgit2_error("create index");
  git::Index mem(mem_index);
  size_t n = git_index_entrycount(disk.get());
  for (size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(disk.get(), i);
    if (e != nullptr && git_index_entry_stage(e) == 0 && git_index_add(mem.get(), e) != 0) {
      return libgit2_error("copy index entry");
    }
  }
  // git_index_add_all needs the index to belong to the repository.
  git_repository_set_index(repo.get(), mem.get());
  git_strarray all{};
  char star[] = "*";
  char* patterns[] = {star};
  all.strings = patterns;
  all.count = 1;
  if (git_index_add_all(mem.get(), &all, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0) {
    return libgit2_error("add working tree files");
  }
  if (git_index_update_all(mem.get(), &all, nullptr, nullptr) != 0) {
    return libgit2_error("record deleted files");
  }
  git_oid tree_oid;
  if (git_index_write_tree_to(&tree_oid, mem.get(), repo.get()) != 0) {
    return libgit2_error("write snapshot tree");
  }
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &tree_oid);
  return std::string(hex);
}

Result<TreeDiff> diff_trees(const fs::path& workdir, const std::string& from,
                            const std::string& to) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, open_repo(workdir));
  AGENT_ASSIGN_OR_RETURN(git::Tree a, lookup_tree(repo.get(), from));
  AGENT_ASSIGN_OR_RETURN(git::Tree b, lookup_tree(repo.get(), to));
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git_diff* raw = nullptr;
  if (git_diff_tree_to_tree(&raw, repo.get(), a.get(), b.get(), &opts) != 0) {
    return libgit2_error("diff snapshots");
  }
  git::Diff diff(raw);
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_find_similar(diff.get(), &find) != 0) return libgit2_error("find renames");
  TreeDiff out;
  size_t deltas = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < deltas; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    out.files_changed.emplace_back(d->new_file.path ? d->new_file.path : d->old_file.path);
    if (d->status == GIT_DELTA_RENAMED && d->old_file.path) out.files_changed.emplace_back(d->old_file.path);
  }
  std::sort(out.files_changed.begin(), out.files_changed.end());
  out.files_changed.erase(std::unique(out.files_changed.begin(), out.files_changed.end()),
                          out.files_changed.end());
  git_buf buf = GIT_BUF_INIT;
  if (git_diff_to_buf(&buf, diff.get(), GIT_DIFF_FORMAT_PATCH) != 0) return libgit2_error("print diff");
  out.patch.assign(buf.ptr ? buf.ptr : "", buf.size);
  git_buf_dispose(&buf);
  return out;
}

}  // namespace agent
