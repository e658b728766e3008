// agent pr end to end: the happy path, re-runs on the same issue, the branch moved by someone
// else, and events that ask for nothing.
#include "tests/e2e/pr_fixture.h"

namespace agent::testing {
namespace {

const char* kFixed = "def mean(xs):\n    return sum(xs) / len(xs) if xs else 0\n";

class PrTest : public PrFixture {};

std::string last_line(std::string out) {
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
}

TEST_F(PrTest, HappyPathOpensOnePullRequestAndComments) {
  std::string script = write_script({turn_write("stats.py", kFixed), turn_shell("python3 -c 'import stats; print(stats.mean([]))' && echo test ok"),
                                     turn_final("mean() returns 0 for an empty list.")});
  auto r = pr(script, {"--event", write_json("ev.json", comment_event("/agent please"))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(last_line(r.out), "https://github.com/octo/hello/pull/8") << "stdout ends with the URL";

  // The branch: one commit by the bot on top of main, holding exactly the change.
  std::string tip = remote_tip("agent/issue-7");
  ASSERT_FALSE(tip.empty());
  EXPECT_EQ(git(bare_.string(), "rev-parse agent/issue-7^"), git(bare_.string(), "rev-parse main"));
  EXPECT_EQ(git(bare_.string(), "log -1 --format=%cn%n%ce%n%s agent/issue-7"),
            "agent\nagent@localhost\nFix #7: mean() divides by zero on an empty list\n");
  EXPECT_EQ(git(bare_.string(), "show agent/issue-7:stats.py"), kFixed);
  EXPECT_EQ(git(bare_.string(), "diff --name-only main agent/issue-7"), "stats.py\n");

  // The pull request and the comment, in that order, each request checked by the fake.
  auto pulls = forge_->pulls();
  ASSERT_EQ(pulls.size(), 1u);
  EXPECT_EQ(pulls[0].head, "agent/issue-7");
  EXPECT_EQ(pulls[0].base, "main");
  EXPECT_EQ(pulls[0].title, "Fix #7: mean() divides by zero on an empty list");
  EXPECT_EQ(pulls[0].body.rfind("mean() returns 0 for an empty list.", 0), 0u) << pulls[0].body;
  EXPECT_NE(pulls[0].body.find("Closes #7 (https://github.com/octo/hello/issues/7)"), std::string::npos);
  EXPECT_NE(pulls[0].body.find("`python3 -c 'import stats; print(stats.mean([]))' && echo test ok`: passed"), std::string::npos)
      << pulls[0].body;
  EXPECT_NE(pulls[0].body.find("5,100 prompt (3,200 cached), 210 completion (70 reasoning)"), std::string::npos)
      << pulls[0].body;
  auto comments = forge_->comments();
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].issue, 7);
  EXPECT_EQ(comments[0].body.rfind("Opened pull request #8: https://github.com/octo/hello/pull/8", 0), 0u) << comments[0].body;
  EXPECT_EQ(forge_->log(), (std::vector<std::string>{"GET /repos/octo/hello -> 200", "GET /repos/octo/hello/pulls -> 200",
                                                     "POST /repos/octo/hello/pulls -> 201",
                                                     "POST /repos/octo/hello/issues/7/comments -> 201"}));
  for (const auto& req : forge_->requests()) {
    EXPECT_EQ(req.header("Authorization"), std::string("Bearer ") + kForgeToken) << req.target;
  }
  expect_checkout_untouched();
  EXPECT_EQ(r.err.find(kForgeToken), std::string::npos) << "the token never shows";
}

TEST_F(PrTest, RerunUpdatesTheSameBranchAndPullRequest) {
  auto first = pr(write_script({turn_write("stats.py", kFixed), turn_final("First attempt.")}),
                  {"--event", write_json("ev1.json", comment_event("/agent"))});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string first_tip = remote_tip("agent/issue-7");

  auto second = pr(write_script({turn_write("test_stats.py", "import stats\nassert stats.mean([]) == 0\n"),
                                 turn_final("Second attempt: added a test.")}),
                   {"--event", write_json("ev2.json", comment_event("/agent also add a test", "MEMBER"))});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(last_line(second.out), "https://github.com/octo/hello/pull/8");
  std::string second_tip = remote_tip("agent/issue-7");
  EXPECT_NE(second_tip, first_tip);
  EXPECT_EQ(git(bare_.string(), "rev-parse agent/issue-7^"), first_tip + "\n") << "the re-run builds on the first attempt";
  EXPECT_EQ(git(bare_.string(), "show agent/issue-7:stats.py"), kFixed);

  auto pulls = forge_->pulls();
  ASSERT_EQ(pulls.size(), 1u) << "no duplicate pull request";
  EXPECT_EQ(pulls[0].body.rfind("Second attempt: added a test.", 0), 0u) << pulls[0].body;
  auto comments = forge_->comments();
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[1].body.rfind("Updated pull request #8 with a new attempt (commit " + second_tip.substr(0, 12) + ")", 0), 0u)
      << comments[1].body;
  // The second run read the instructions of the comment that asked for it.
  auto journal = read_file(last_run_ / "trajectory.jsonl");
  ASSERT_TRUE(journal.ok());
  EXPECT_NE(journal->find("also add a test"), std::string::npos);
  expect_checkout_untouched();
}

TEST_F(PrTest, BranchWithSomeoneElsesCommitIsLeftAlone) {
  auto first = pr(write_script({turn_write("stats.py", kFixed), turn_final("done")}),
                  {"--event", write_json("ev1.json", comment_event("/agent"))});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::string human = push_foreign_commit("agent/issue-7");

  auto again = pr(write_script({turn_write("stats.py", "x = 1\n"), turn_final("overwrite")}),
                  {"--event", write_json("ev2.json", comment_event("/agent"))});
  EXPECT_EQ(again.exit_code, 3) << again.err;
  EXPECT_NE(again.err.find("commits the bot did not make"), std::string::npos) << again.err;
  EXPECT_EQ(remote_tip("agent/issue-7"), human) << "the human's commit is untouched";
  EXPECT_FALSE(std::filesystem::exists(last_run_ / "trajectory.jsonl")) << "the agent never ran";
  auto comments = forge_->comments();
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_NE(comments[1].body.find("has commits the bot did not make"), std::string::npos) << comments[1].body;
  EXPECT_NE(comments[1].body.find("someone@example.com"), std::string::npos) << comments[1].body;
  EXPECT_EQ(forge_->pulls().size(), 1u);
  expect_checkout_untouched();
}

TEST_F(PrTest, BranchPushedBySomeoneElseDuringTheRunStopsThePush) {
  // While the agent works, a human pushes agent/issue-7 (the shell command stands for them).
  std::string other = (root_ / "racer").string();
  std::string race = "git clone -q file://" + bare_.string() + " " + other + " && cd " + other +
                     " && git -c user.name=Someone -c user.email=someone@example.com commit -q --allow-empty -m race"
                     " && git push -q origin HEAD:refs/heads/agent/issue-7";
  auto r = pr(write_script({turn_shell(race), turn_write("stats.py", kFixed), turn_final("done")}),
              {"--event", write_json("ev.json", comment_event("/agent")), "--sandbox", "off", "--yes"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("moved on the remote"), std::string::npos) << r.err;
  EXPECT_EQ(git(bare_.string(), "log -1 --format=%s agent/issue-7"), "race\n") << "their push stands";
  EXPECT_TRUE(forge_->pulls().empty());
  auto comments = forge_->comments();
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_NE(comments[0].body.find("stopped rather than overwrite"), std::string::npos) << comments[0].body;
  expect_checkout_untouched();
}

TEST_F(PrTest, TheTokenNeverReachesTheModelOrTheRecords) {
  // A variable name that does not look like a secret: only `agent pr` removing it keeps it
  // from the commands the model runs.
  token_env_ = "FORGE_PAT";
  auto r = pr(write_script({turn_shell("env; echo FORGE_PAT=$FORGE_PAT"), turn_write("stats.py", kFixed),
                            turn_final("done")}),
              {"--event", write_json("ev.json", comment_event("/agent"))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto journal = read_file(last_run_ / "trajectory.jsonl");
  ASSERT_TRUE(journal.ok());
  EXPECT_NE(journal->find("FORGE_PAT=\\n"), std::string::npos) << "the command ran and saw no token";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(last_run_)) {
    if (!entry.is_regular_file()) continue;
    auto text = read_file(entry.path(), 1u << 30);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text->find(kForgeToken), std::string::npos) << entry.path();
  }
  EXPECT_EQ(r.out.find(kForgeToken), std::string::npos);
  EXPECT_EQ(r.err.find(kForgeToken), std::string::npos);
  for (const auto& c : forge_->comments()) EXPECT_EQ(c.body.find(kForgeToken), std::string::npos);
  for (const auto& p : forge_->pulls()) EXPECT_EQ(p.body.find(kForgeToken), std::string::npos);
}

TEST_F(PrTest, EventsThatAskForNothingDoNothing) {
  std::string script = write_script({turn_write("stats.py", kFixed), turn_final("done")});
  struct Case {
    std::string name;
    Json payload;
    std::string event_name;
  };
  Json bot = comment_event("/agent");
  bot["comment"]["user"]["type"] = "Bot";
  bot["comment"]["user"]["login"] = "github-actions[bot]";
  Json own = comment_event("Opened pull request #8\n<!-- agent-pr -->\nRe-run with /agent");
  // An outsider opens an issue from a template that carries `labels: [agent]`: the label
  // arrives with the issue, added by its author.
  Json templated = event("issues.labeled.json");
  templated["label"]["name"] = "agent";
  templated["issue"]["user"]["login"] = "outsider";
  templated["issue"]["author_association"] = "NONE";
  templated["sender"]["login"] = "outsider";
  std::vector<Case> cases = {
      {"no trigger phrase", comment_event("Thanks, looks good"), "issue_comment"},
      {"outside contributor", comment_event("/agent", "CONTRIBUTOR"), "issue_comment"},
      {"first-time contributor", comment_event("/agent", "FIRST_TIME_CONTRIBUTOR"), "issue_comment"},
      {"bot", bot, "issue_comment"},
      {"the bot's own comment", own, "issue_comment"},
      {"issue opened without the phrase", event("issues.opened.json"), "issues"},
      {"label that is not the trigger", event("issues.labeled.json"), "issues"},
      {"edited comment", event("issue_comment.edited.json"), "issue_comment"},
      {"outsider's issue labelled by its template", templated, "issues"},
  };
  for (const auto& c : cases) {
    auto r = pr(script, {"--event", write_json("ev.json", c.payload)}, kForgeToken, c.event_name);
    EXPECT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(last_run_)) << c.name << ": no run folder";
    if (c.name == "outsider's issue labelled by its template") {
      EXPECT_NE(r.err.find("the label came with the issue from its author @outsider, who is not allowed"), std::string::npos)
          << r.err;
    }
  }
  // Nothing reached the forge, nothing was pushed, nothing changed locally.
  EXPECT_TRUE(forge_->log().empty());
  EXPECT_EQ(remote_tip("agent/issue-7"), "");
  expect_checkout_untouched();
  // Without a token, an event that asks for nothing is still fine.
  auto no_token = pr(script, {"--event", write_json("ev.json", cases[0].payload)}, "");
  EXPECT_EQ(no_token.exit_code, 0) << no_token.err;
}

TEST_F(PrTest, IssueFromFlagsAndFromALabel) {
  ASSERT_TRUE(write_file_atomic(root_ / "body.md", "mean([]) fails").ok());
  auto r = pr(write_script({turn_write("stats.py", kFixed), turn_final("done")}),
              {"--issue-number", "7", "--issue-title", "mean() divides by zero", "--issue-body-file",
               (root_ / "body.md").string(), "--draft"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(forge_->pulls().size(), 1u);
  EXPECT_TRUE(forge_->pulls()[0].draft);
  EXPECT_EQ(forge_->pulls()[0].title, "Fix #7: mean() divides by zero");

  // A maintainer labels an outsider's issue: labelling someone else's issue needs triage rights.
  Json labeled = event("issues.labeled.json");
  labeled["label"]["name"] = "agent";
  labeled["issue"]["user"]["login"] = "outsider";
  labeled["issue"]["author_association"] = "NONE";
  labeled["sender"]["login"] = "maintainer";
  auto l = pr(write_script({turn_write("stats.py", kFixed + std::string("# again\n")), turn_final("again")}),
              {"--event", write_json("ev.json", labeled)}, kForgeToken, "issues");
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.err.find("@maintainer labelled issue #7"), std::string::npos) << l.err;
  EXPECT_EQ(forge_->pulls().size(), 1u);
}

TEST_F(PrTest, TheModelsCommitsUseTheBotsIdentity) {
  Json commit{{"tool_calls", Json::array({Json{{"name", "git_commit"}, {"arguments", {{"message", "wip"}}}}})}};
  Json log{{"tool_calls", Json::array({Json{{"name", "git_log"}, {"arguments", Json::object()}}})}};
  auto r = pr(write_script({turn_write("stats.py", kFixed), commit, log, turn_final("done")}),
              {"--event", write_json("ev.json", comment_event("/agent")), "--author-name", "Issue Bot",
               "--author-email", "issue-bot@example.com"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto journal = read_file(last_run_ / "trajectory.jsonl");
  ASSERT_TRUE(journal.ok());
  EXPECT_NE(journal->find("committed "), std::string::npos) << "git_commit ran";
  EXPECT_NE(journal->find("Issue Bot"), std::string::npos) << "git_log shows the bot's identity: " << *journal;
  EXPECT_EQ(journal->find("agent@localhost"), std::string::npos);
  EXPECT_EQ(git(bare_.string(), "log -1 --format=%an%n%ae%n%ce agent/issue-7"),
            "Issue Bot\nissue-bot@example.com\nissue-bot@example.com\n");
}

}  // namespace
}  // namespace agent::testing
