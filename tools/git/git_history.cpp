#include "tools/git/git_history.h"

#include "tools/git/git_handle.h"

namespace agent {

namespace fs = std::filesystem;

namespace {

Result<git::Commit> lookup(git_repository* repo, const std::string& rev) {
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, repo, (rev + "^{commit}").c_str()) != 0) {
    return not_found("\"" + rev + "\" names no commit in this repository");
  }
  return git::Commit(reinterpret_cast<git_commit*>(obj));
}

}  // namespace

Result<GitCommitInfo> git_read_commit(const fs::path& dir, const std::string& rev) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(dir));
  AGENT_ASSIGN_OR_RETURN(git::Commit c, lookup(repo.get(), rev));
  GitCommitInfo info;
  info.id = git_oid_tostr_s(git_commit_id(c.get()));
  const git_signature* a = git_commit_author(c.get());
  const git_signature* m = git_commit_committer(c.get());
  info.author_name = a->name;
  info.author_email = a->email;
  info.committer_name = m->name;
  info.committer_email = m->email;
  const char* summary = git_commit_summary(c.get());
  info.summary = summary != nullptr ? summary : "";
  return info;
}

Result<std::string> git_commit_tree(const fs::path& dir, const std::string& branch, const std::string& tree_id,
                                    const std::string& parent_rev, const std::string& message,
                                    const GitIdentity& who) {
  AGENT_ASSIGN_OR_RETURN(git::Repo repo, git::open(dir));
  AGENT_ASSIGN_OR_RETURN(git::Commit parent, lookup(repo.get(), parent_rev));
  git_oid oid;
  if (git_oid_fromstr(&oid, tree_id.c_str()) != 0) return invalid_argument("bad tree id \"" + tree_id + "\"");
  git_tree* raw_tree = nullptr;
  if (git_tree_lookup(&raw_tree, repo.get(), &oid) != 0) return git::error("look up tree " + tree_id);
  git::Tree tree(raw_tree);
  if (git_oid_equal(git_commit_tree_id(parent.get()), &oid)) {
    return failed_precondition("nothing to commit: the tree equals " + parent_rev + "'s");
  }
  git_signature* raw_sig = nullptr;
  if (git_signature_now(&raw_sig, who.name.c_str(), who.email.c_str()) != 0) {
    return invalid_argument("bad commit identity \"" + who.name + " <" + who.email + ">\"");
  }
  git::Signature sig(raw_sig);
  const git_commit* parents[] = {parent.get()};
  git_oid commit_id;
  if (git_commit_create(&commit_id, repo.get(), nullptr, sig.get(), sig.get(), nullptr, message.c_str(),
                        tree.get(), 1, parents) != 0) {
    return git::error("commit");
  }
  git_reference* ref = nullptr;
  if (git_reference_create(&ref, repo.get(), ("refs/heads/" + branch).c_str(), &commit_id, 1,
                           "agent: commit the run's result") != 0) {
    return git::error("point branch " + branch + " at the commit");
  }
  git::Reference holder(ref);
  return std::string(git_oid_tostr_s(&commit_id));
}

}  // namespace agent
