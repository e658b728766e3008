#include "tasks/pr/pr_runner.h"

#include <cstdio>
#include <optional>

#include "common/fs.h"
#include "common/logging.h"
#include "tasks/cli.h"
#include "tasks/new_run.h"
#include "tasks/pr/pr_text.h"
#include "tasks/run_folder.h"
#include "tasks/run_protection.h"
#include "tools/git/git_history.h"
#include "tools/git/git_snapshot.h"
#include "tools/git/git_worktree.h"

namespace agent::pr {

namespace fs = std::filesystem;

namespace {

// Forge and git failures: what the user must fix (credentials, names) is a configuration
// error; the rest (5xx after retries, network, malformed answers) is a forge failure.
int exit_for(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
    case StatusCode::kNotFound:
    case StatusCode::kInvalidArgument: return cli::kExitUsage;
    case StatusCode::kInternal: return cli::kExitInternal;
    default: return cli::kExitBackend;
  }
}

class PrRun {
 public:
  PrRun(const PrJob& job, const IssueRequest& issue, Forge& forge, ModelBackend& backend)
      : job_(job), issue_(issue), forge_(forge), backend_(backend),
        branch_(job.branch_prefix + std::to_string(issue.number)) {}
  ~PrRun() { cleanup(); }
  PrRun(const PrRun&) = delete;
  PrRun& operator=(const PrRun&) = delete;

  int run();

 private:
  int fail(int code, const std::string& msg) const {
    std::fprintf(stderr, "agent pr: %s\n", redact(msg).c_str());
    return code;
  }
  void say(const std::string& msg) const { std::fprintf(stderr, "agent pr: %s\n", redact(msg).c_str()); }
  // A comment failing is reported, but does not change what the run achieved.
  void comment(const std::string& body) {
    auto r = forge_.comment_on_issue(issue_.number, redact(body));
    if (!r.ok()) say("could not comment on issue #" + std::to_string(issue_.number) + ": " + r.status().message());
  }
  int check_remote();
  int make_worktree();
  int solve();
  int publish();
  Result<PullRequest> open_or_update(bool& updated);
  void cleanup();

  const PrJob& job_;
  const IssueRequest& issue_;
  Forge& forge_;
  ModelBackend& backend_;
  std::string branch_, base_, url_, start_;
  std::optional<std::string> lease_;  // the bot branch's tip on the remote; nullopt = absent
  TempDir tmp_;
  fs::path worktree_;
  RunReport report_;
};

int PrRun::check_remote() {
  auto repo = forge_.repository();
  if (!repo.ok()) return fail(exit_for(repo.status()), repo.status().message());
  base_ = job_.base.empty() ? repo->default_branch : job_.base;
  auto url = git_remote_url(job_.repo, job_.remote);
  if (!url.ok()) return fail(cli::kExitUsage, "--remote " + job_.remote + ": " + url.status().message());
  url_ = *url;
  auto tips = git_fetch_branches(job_.repo, url_, job_.remote, {base_, branch_}, job_.git_creds);
  if (!tips.ok()) return fail(exit_for(tips.status()), tips.status().message());
  if (!tips->count(base_)) {
    return fail(cli::kExitUsage, "the remote " + git_safe_url(url_) + " has no branch \"" + base_ + "\" (--base)");
  }
  if (!tips->count(branch_)) {
    start_ = tips->at(base_);
    return cli::kExitOk;
  }
  auto tip = git_read_commit(job_.repo, tips->at(branch_));
  if (!tip.ok()) return fail(cli::kExitInternal, tip.status().message());
  if (tip->committer_email != job_.identity.email) {
    std::string detail = "its tip " + tip->id.substr(0, 12) + " \"" + tip->summary + "\" was committed by " +
                         tip->committer_name + " <" + tip->committer_email + ">";
    comment(comment_branch_taken(branch_, detail));
    return fail(cli::kExitBackend, "branch " + branch_ + " on the remote has commits the bot did not make (" +
                                       detail + "); not touching it");
  }
  lease_ = tip->id;
  start_ = tip->id;
  return cli::kExitOk;
}

int PrRun::make_worktree() {
  if (git_resolve_commit(job_.repo, "refs/heads/" + branch_).ok()) {
    return fail(cli::kExitUsage, "a local branch \"" + branch_ + "\" exists in " + job_.repo.string() +
                                     "; the bot creates and deletes that branch itself: rename or delete yours");
  }
  auto tmp = TempDir::create("agent-pr-");
  if (!tmp.ok()) return fail(cli::kExitInternal, tmp.status().message());
  tmp_ = std::move(*tmp);
  auto wt = add_worktree({job_.repo, tmp_.path() / ("issue-" + std::to_string(issue_.number)), branch_, start_});
  if (!wt.ok()) return fail(exit_for(wt.status()), "make the run's worktree: " + wt.status().message());
  worktree_ = *wt;
  say("working on " + branch_ + " (from " + (lease_ ? std::string("the bot's earlier commit ") : base_ + " at ") +
      start_.substr(0, 12) + ") in " + worktree_.string());
  return cli::kExitOk;
}

int PrRun::solve() {
  RunSettings s = job_.settings;
  s.repo = worktree_.string();
  s.branch = branch_;
  s.commit = false;  // the bot commits the final tree itself, as one commit
  // The project policy the run obeys is the worktree's, which may differ from the checkout's
  // that agent pr checked: a broken one stops the run before it has a folder.
  if (Status pf = cli::preflight_protection(s); !pf.ok()) {
    comment(comment_could_not_start(pf.message()));
    return fail(cli::kExitUsage, pf.message());
  }
  auto out = cli::prepare_run_folder(job_.out_flag, worktree_);
  if (!out.ok()) return fail(cli::kExitUsage, out.status().message());
  s.out_dir = out->string();
  add_log_file(*out / "agent.log");
  auto run = cli::create_run(s, issue_text(issue_));
  if (!run.ok()) return fail(cli::kExitInternal, run.status().message());
  cli::DriveOptions drive = job_.drive;
  drive.git_author_name = job_.identity.name;  // the model's git_commit commits as the bot
  drive.git_author_email = job_.identity.email;
  int code = cli::drive_run(run->state, run->journal, backend_, drive);
  auto report = read_run_report(*out);
  if (!report.ok()) {
    // drive_run stopped before the run's outputs existed, and said why on stderr.
    if (code != cli::kExitOk) return code;
    return fail(cli::kExitInternal, report.status().message());
  }
  report_ = std::move(*report);
  return code;
}

Result<PullRequest> PrRun::open_or_update(bool& updated) {
  std::string title = pull_title(issue_), body = redact(pull_body(issue_, report_));
  AGENT_ASSIGN_OR_RETURN(auto existing, forge_.find_open_pull(branch_, base_));
  if (!existing) {
    auto created = forge_.create_pull({title, body, branch_, base_, job_.draft});
    if (created.ok() || created.status().code() != StatusCode::kAlreadyExists) return created;
    // Opened meanwhile (or by an earlier attempt whose answer was lost): find and update it.
    AGENT_ASSIGN_OR_RETURN(existing, forge_.find_open_pull(branch_, base_));
    if (!existing) return created.status();
  }
  updated = true;
  return forge_.update_pull(existing->number, title, body);
}

int PrRun::publish() {
  auto tree = snapshot_worktree(worktree_);
  if (!tree.ok()) return fail(cli::kExitInternal, tree.status().message());
  auto commit = git_commit_tree(worktree_, branch_, *tree, start_, commit_message(issue_, report_), job_.identity);
  if (!commit.ok() && commit.status().code() == StatusCode::kFailedPrecondition) {
    comment(comment_no_changes(report_, forge_.pull_noun()));
    return fail(cli::kExitStopped, "the agent's changes add up to nothing; no " + forge_.pull_noun() + " opened");
  }
  if (!commit.ok()) return fail(cli::kExitInternal, commit.status().message());
  Status pushed = git_push_with_lease(worktree_, url_, branch_, branch_, lease_, job_.git_creds);
  if (!pushed.ok()) {
    bool moved = pushed.code() == StatusCode::kFailedPrecondition;
    comment(moved ? comment_branch_taken(branch_, pushed.message()) : comment_push_failed(branch_, pushed.message(), forge_.pull_noun()));
    return fail(moved ? cli::kExitBackend : exit_for(pushed), pushed.message());
  }
  say("pushed " + commit->substr(0, 12) + " to " + branch_ + " on " + git_safe_url(url_));
  bool updated = false;
  auto pull = open_or_update(updated);
  if (!pull.ok()) return fail(exit_for(pull.status()), pull.status().message());
  comment(comment_pull_done(forge_.pull_noun(), pull->number, pull->url, updated, *commit));
  say(std::string(updated ? "updated " : "opened ") + forge_.pull_noun() + " " + pull->url);
  if (!job_.drive.json) std::printf("%s\n", pull->url.c_str());
  return cli::kExitOk;
}

int PrRun::run() {
  if (int c = check_remote(); c != cli::kExitOk) return c;
  if (int c = make_worktree(); c != cli::kExitOk) return c;
  int code = solve();
  if (report_.status.empty()) return code;  // the run never started
  if (report_.status != "finished") {
    comment(comment_not_finished(report_, forge_.pull_noun()));
    return fail(code != cli::kExitOk ? code : cli::kExitStopped,
                "the agent did not finish (" + report_.status + "); no " + forge_.pull_noun() + " opened");
  }
  if (code != cli::kExitOk) return code;
  if (report_.files_changed.empty()) {
    comment(comment_no_changes(report_, forge_.pull_noun()));
    return fail(cli::kExitStopped, "the agent changed nothing; no " + forge_.pull_noun() + " opened");
  }
  return publish();
}

void PrRun::cleanup() {
  if (worktree_.empty()) return;
  Status s = remove_worktree(worktree_, /*delete_branch=*/true);
  if (!s.ok()) say("could not remove the worktree " + worktree_.string() + ": " + s.message());
  worktree_.clear();
}

}  // namespace

int run_pr_job(const PrJob& job, const IssueRequest& issue, Forge& forge, ModelBackend& backend) {
  PrRun run(job, issue, forge, backend);
  return run.run();
}

}  // namespace agent::pr
