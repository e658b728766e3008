// The PR bot's run on one issue, once the command line and the event have been read:
//
//   1. read the repository on the forge (proves the token before anything is changed);
//   2. fetch the base branch and the bot's branch (agent/issue-N) with libgit2; a bot branch
//      whose tip the bot did not commit (its committer is someone else) stops the run with a
//      comment: the bot never overwrites others' work;
//   3. make a linked worktree on a fresh local branch — at the bot branch's tip when it exists
//      (a re-run builds on the earlier attempt), else at the base — so the user's checkout is
//      never touched;
//   4. run the agent there (create_run + drive_run, the model and budgets of `agent solve`),
//      once the worktree's own policy file has been checked; the model's git_commit commits
//      as the bot's identity;
//   5. when it finished with changes: one commit of the final tree by the bot's identity,
//      pushed with force-with-lease (the remote branch must still be where step 2 saw it),
//      then the pull request is opened, or the open one for the branch updated, and the issue
//      gets a comment; when it did not finish or changed nothing: a comment saying why, and
//      nothing is pushed or opened;
//   6. the worktree and its local branch are removed whatever happened.
//
// Exit codes (product.md): 0 opened or updated; 1 the agent did not finish or changed
// nothing; 2 usage/configuration (token refused or lacking a permission, missing branch,
// remote or repository); 3 forge, git remote or model backend failure after retries, or the
// branch moved under the bot; 4 internal error; 130 interrupted.
// Thread-safety: one job per process (drive_run installs signal handlers).
#pragma once

#include <filesystem>
#include <string>

#include "agent/run_settings.h"
#include "inference/model_backend.h"
#include "tasks/pr/forge.h"
#include "tasks/pr/pr_event.h"
#include "tasks/run_driver.h"
#include "tools/git/git_remote.h"
#include "tools/git/git_repo.h"

namespace agent::pr {

struct PrJob {
  std::filesystem::path repo;  // the user's checkout (root of its working tree)
  std::string remote = "origin";
  std::string base;            // "" = the forge's default branch
  std::string branch_prefix = "agent/issue-";
  bool draft = false;
  GitIdentity identity;        // author and committer of the bot's commits
  GitCredentials git_creds;    // token (and its user name) for HTTPS, known_hosts for SSH
  std::string out_flag;        // --out ("" = a new folder under the state directory)
  RunSettings settings;        // model and budgets; repo, out_dir and branch are set here
  cli::DriveOptions drive;
};

int run_pr_job(const PrJob& job, const IssueRequest& issue, Forge& forge, ModelBackend& backend);

}  // namespace agent::pr
