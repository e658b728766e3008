#include "tools/git/git_repo.h"

#include <git2/sys/repository.h>

#include <ctime>

#include "tools/git/git_handle.h"

namespace agent {

namespace fs = std::filesystem;

Result<std::string> git_current_branch(const fs::path& workdir) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  if (git_repository_head_detached(repo.get()) == 1) return std::string();
  git_reference* head = nullptr;
  int rc = git_repository_head(&head, repo.get());
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    // Unborn: HEAD names a branch that has no commit yet.
    git_reference* sym = nullptr;
    if (git_reference_lookup(&sym, repo.get(), "HEAD") != 0) return git::error("read HEAD");
    git::Reference holder(sym);
    const char* target = git_reference_symbolic_target(sym);
    std::string t = target ? target : "";
    return t.rfind("refs/heads/", 0) == 0 ? t.substr(11) : t;
  }
  if (rc != 0) return git::error("read HEAD");
  git::Reference holder(head);
  return std::string(git_reference_shorthand(head));
}

Result<bool> git_is_dirty(const fs::path& workdir) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, repo.get(), &opts) != 0) return git::error("read status");
  git::StatusList holder(list);
  return git_status_list_entrycount(list) > 0;
}

Status git_create_and_switch_branch(const fs::path& workdir, const std::string& name) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  int valid = 0;
  if (git_branch_name_is_valid(&valid, name.c_str()) != 0 || !valid) {
    return invalid_argument("\"" + name + "\" is not a valid branch name");
  }
  git_reference* existing = nullptr;
  if (git_branch_lookup(&existing, repo.get(), name.c_str(), GIT_BRANCH_LOCAL) == 0) {
    git_reference_free(existing);
    return already_exists("branch \"" + name + "\" already exists");
  }
  git_object* head = nullptr;
  if (git_revparse_single(&head, repo.get(), "HEAD^{commit}") != 0) {
    // No commit yet: point HEAD at the unborn branch.
    if (git_repository_set_head(repo.get(), ("refs/heads/" + name).c_str()) != 0) {
      return git::error("switch to branch " + name);
    }
    return ok_status();
  }
  git::Object head_holder(head);
  git_reference* branch = nullptr;
  if (git_branch_create(&branch, repo.get(), name.c_str(), reinterpret_cast<git_commit*>(head), 0) != 0) {
    return git::error("create branch " + name);
  }
  git::Reference branch_holder(branch);
  if (git_repository_set_head(repo.get(), git_reference_name(branch)) != 0) {
    return git::error("switch to branch " + name);
  }
  return ok_status();
}

Status git_switch_branch(const fs::path& workdir, const std::string& name) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  git_reference* branch = nullptr;
  if (git_branch_lookup(&branch, repo.get(), name.c_str(), GIT_BRANCH_LOCAL) != 0) {
    return not_found("no local branch \"" + name + "\"");
  }
  git::Reference holder(branch);
  if (git_repository_set_head(repo.get(), git_reference_name(branch)) != 0) {
    return git::error("switch to branch " + name);
  }
  return ok_status();
}

namespace {

Status stage(git_repository* repo, git_index* index, const std::vector<std::string>& paths) {
  std::vector<std::string> storage = paths.empty() ? std::vector<std::string>{"*"} : paths;
  std::vector<char*> ptrs;
  for (auto& p : storage) ptrs.push_back(p.data());
  git_strarray spec{ptrs.data(), ptrs.size()};
  if (git_index_add_all(index, &spec, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0) {
    return git::error("stage changes");
  }
  if (git_index_update_all(index, &spec, nullptr, nullptr) != 0) return git::error("stage deletions");
  (void)repo;
  return ok_status();
}

}  // namespace

Result<std::string> git_commit_changes(const fs::path& workdir, const std::string& message,
                                       const GitIdentity& who, const std::vector<std::string>& paths) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  if (git_repository_head_detached(repo.get()) == 1) {
    return failed_precondition("HEAD is detached; commits go on a branch");
  }
  git_index* raw_index = nullptr;
  if (git_repository_index(&raw_index, repo.get()) != 0) return git::error("open the index");
  git::Index index(raw_index);
  AGENT_RETURN_IF_ERROR(stage(repo.get(), index.get(), paths));
  git_oid tree_id;
  if (git_index_write_tree(&tree_id, index.get()) != 0) return git::error("write tree");
  AGENT_ASSIGN_OR_RETURN(git::Tree parent_tree, git::head_tree(repo.get()));
  if (parent_tree && git_oid_equal(&tree_id, git_tree_id(parent_tree.get()))) {
    return failed_precondition("nothing to commit: no changes" +
                               std::string(paths.empty() ? "" : " in the given paths"));
  }
  if (git_index_write(index.get()) != 0) return git::error("write the index");
  git_tree* tree = nullptr;
  if (git_tree_lookup(&tree, repo.get(), &tree_id) != 0) return git::error("look up tree");
  git::Tree tree_holder(tree);
  git_signature* sig = nullptr;
  if (git_signature_now(&sig, who.name.c_str(), who.email.c_str()) != 0) {
    return invalid_argument("bad commit identity \"" + who.name + " <" + who.email + ">\"");
  }
  git::Signature sig_holder(sig);
  git_object* parent = nullptr;
  git::Object parent_holder(nullptr);
  const git_commit* parents[1];
  size_t nparents = 0;
  if (git_revparse_single(&parent, repo.get(), "HEAD^{commit}") == 0) {
    parent_holder.reset(parent);
    parents[0] = reinterpret_cast<const git_commit*>(parent);
    nparents = 1;
  }
  git_oid commit_id;
  if (git_commit_create(&commit_id, repo.get(), "HEAD", sig, sig, nullptr, message.c_str(), tree,
                        nparents, parents) != 0) {
    return git::error("commit");
  }
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit_id);
  return std::string(hex);
}

Result<std::string> git_status_text(const fs::path& workdir) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  AGENT_ASSIGN_OR_RETURN(std::string branch, git_current_branch(workdir));
  std::string out = "## " + (branch.empty() ? std::string("HEAD (detached)") : branch) + "\n";
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  git_status_list* list = nullptr;
  if (git_status_list_new(&list, repo.get(), &opts) != 0) return git::error("read status");
  git::StatusList holder(list);
  size_t n = git_status_list_entrycount(list);
  for (size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list, i);
    unsigned s = e->status;
    char x = ' ', y = ' ';
    if (s & GIT_STATUS_INDEX_NEW) x = 'A';
    else if (s & GIT_STATUS_INDEX_MODIFIED) x = 'M';
    else if (s & GIT_STATUS_INDEX_DELETED) x = 'D';
    else if (s & GIT_STATUS_INDEX_RENAMED) x = 'R';
    if (s & GIT_STATUS_WT_MODIFIED) y = 'M';
    else if (s & GIT_STATUS_WT_DELETED) y = 'D';
    if (s & GIT_STATUS_WT_NEW) x = y = '?';
    if (s & GIT_STATUS_CONFLICTED) x = y = 'U';
    const git_diff_delta* d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
    if (d == nullptr) continue;
    std::string path = d->new_file.path ? d->new_file.path : d->old_file.path;
    if ((s & GIT_STATUS_INDEX_RENAMED) && d->old_file.path) path = std::string(d->old_file.path) + " -> " + path;
    out += x;
    out += y;
    out += ' ';
    out += path;
    out += '\n';
  }
  if (n == 0) out += "nothing to commit, working tree clean\n";
  return out;
}

Result<std::string> git_diff_text(const fs::path& workdir, bool staged, const std::string& path) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  std::string spec = path;
  char* specs[1] = {spec.data()};
  if (!path.empty()) {
    opts.pathspec.strings = specs;
    opts.pathspec.count = 1;
  }
  git_diff* raw = nullptr;
  if (staged) {
    AGENT_ASSIGN_OR_RETURN(git::Tree head, git::head_tree(repo.get()));
    if (git_diff_tree_to_index(&raw, repo.get(), head.get(), nullptr, &opts) != 0) return git::error("diff");
  } else if (git_diff_index_to_workdir(&raw, repo.get(), nullptr, &opts) != 0) {
    return git::error("diff");
  }
  git::Diff diff(raw);
  git_buf buf = GIT_BUF_INIT;
  if (git_diff_to_buf(&buf, diff.get(), GIT_DIFF_FORMAT_PATCH) != 0) return git::error("print diff");
  std::string out(buf.ptr ? buf.ptr : "", buf.size);
  git_buf_dispose(&buf);
  return out;
}

Result<std::string> git_log_text(const fs::path& workdir, int max_count, const std::string& path) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(workdir));
  git_revwalk* raw = nullptr;
  if (git_revwalk_new(&raw, repo.get()) != 0) return git::error("walk history");
  git::Revwalk walk(raw);
  git_revwalk_sorting(raw, GIT_SORT_TIME);
  if (git_revwalk_push_head(raw) != 0) return std::string("(no commits yet)\n");
  std::string out;
  int shown = 0;
  git_oid oid;
  while (shown < max_count && git_revwalk_next(&oid, raw) == 0) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo.get(), &oid) != 0) return git::error("read commit");
    git::Commit holder(c);
    if (!path.empty()) {
      // Keep commits whose tree differs from their first parent's at `path`.
      git_tree* tree = nullptr;
      git_commit_tree(&tree, c);
      git::Tree th(tree);
      git_tree_entry* now = nullptr;
      bool has_now = git_tree_entry_bypath(&now, tree, path.c_str()) == 0;
      std::string now_id = has_now ? git_oid_tostr_s(git_tree_entry_id(now)) : "";
      if (has_now) git_tree_entry_free(now);
      std::string before_id;
      if (git_commit_parentcount(c) > 0) {
        git_commit* p = nullptr;
        git_commit_parent(&p, c, 0);
        git::Commit ph(p);
        git_tree* ptree = nullptr;
        git_commit_tree(&ptree, p);
        git::Tree pth(ptree);
        git_tree_entry* before = nullptr;
        if (git_tree_entry_bypath(&before, ptree, path.c_str()) == 0) {
          before_id = git_oid_tostr_s(git_tree_entry_id(before));
          git_tree_entry_free(before);
        }
      }
      if (now_id == before_id) continue;
    }
    const git_signature* a = git_commit_author(c);
    char date[32];
    std::time_t t = static_cast<std::time_t>(a->when.time);
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&t));
    const char* summary = git_commit_summary(c);
    out += std::string(git_oid_tostr_s(&oid)).substr(0, 12) + " " + date + " " + a->name + ": " +
           (summary ? summary : "") + "\n";
    ++shown;
  }
  if (out.empty()) out = path.empty() ? "(no commits yet)\n" : "(no commits touch " + path + ")\n";
  return out;
}

}  // namespace agent
