#include "tasks/pr/pr_text.h"

#include <gtest/gtest.h>

#include "common/fs.h"

namespace agent::pr {
namespace {

class PrTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-prtext-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
    issue_.number = 12;
    issue_.title = "Division by zero in mean()";
    issue_.url = "https://github.com/o/r/issues/12";
  }
  void write_run(const std::string& status, const std::vector<Json>& events) {
    Json result{{"status", status},
                {"stop_reason", status == "finished" ? "" : "step budget: 3 turns"},
                {"final_message", "Fixed mean() for empty lists and added a test."},
                {"steps", 3},
                {"tool_calls", 4},
                {"usage", {{"prompt_tokens", 12345}, {"cached_tokens", 1000}, {"completion_tokens", 678}, {"reasoning_tokens", 90}}},
                {"cost_usd", 0.01234},
                {"wall_s", 4.56},
                {"files_changed", {"stats.py", "test_stats.py"}},
                {"run_id", "run_abc"},
                {"model", "deepseek-v4-pro"}};
    ASSERT_TRUE(write_file_atomic(dir_.path() / "result.json", result.dump(2)).ok());
    std::string journal;
    for (const auto& e : events) journal += e.dump() + "\n";
    ASSERT_TRUE(write_file_atomic(dir_.path() / "trajectory.jsonl", journal).ok());
  }
  static Json started(const std::string& id, const std::string& command) {
    return Json{{"type", "tool_started"}, {"call_id", id}, {"name", "shell"}, {"arguments", Json{{"command", command}}.dump()}};
  }
  static Json finished(const std::string& id, int exit_code) {
    return Json{{"type", "tool_finished"}, {"call_id", id}, {"name", "shell"}, {"details", {{"exit_code", exit_code}}}};
  }
  TempDir dir_;
  IssueRequest issue_;
};

TEST_F(PrTextTest, BodyHasSummaryTestsTokensCostAndTheIssueLink) {
  write_run("finished", {started("c1", "cat stats.py"), finished("c1", 0), started("c2", "python -m pytest -q"),
                         finished("c2", 1), started("c3", "python -m pytest -q"), finished("c3", 0)});
  auto r = read_run_report(dir_.path());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_EQ(r->tests.size(), 2u) << "cat is not a test run";
  EXPECT_EQ(r->tests[0].exit_code, 1);
  EXPECT_EQ(r->tests[1].exit_code, 0);
  EXPECT_EQ(r->prompt_tokens, 12345);
  std::string body = pull_body(issue_, *r);
  EXPECT_EQ(body.rfind("Fixed mean() for empty lists and added a test.", 0), 0u) << body;
  EXPECT_NE(body.find("- `python -m pytest -q`: failed (exit 1)\n- `python -m pytest -q`: passed"), std::string::npos) << body;
  EXPECT_NE(body.find("12,345 prompt (1,000 cached), 678 completion (90 reasoning)"), std::string::npos) << body;
  EXPECT_NE(body.find("| cost | $0.0123 |"), std::string::npos) << body;
  EXPECT_NE(body.find("Closes #12 (https://github.com/o/r/issues/12)."), std::string::npos) << body;
  EXPECT_NE(body.find(kBotMarker), std::string::npos);
  EXPECT_EQ(pull_title(issue_), "Fix #12: Division by zero in mean()");
  std::string msg = commit_message(issue_, *r);
  EXPECT_EQ(msg.rfind("Fix #12: Division by zero in mean()\n\nFixed mean()", 0), 0u) << msg;
  EXPECT_NE(msg.find("\nAgent-Run: run_abc\n"), std::string::npos);
}

TEST_F(PrTextTest, NoTestsAndUnfinishedRuns) {
  write_run("budget", {});
  auto r = read_run_report(dir_.path());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(pull_body(issue_, *r).find("None. Check the change yourself"), std::string::npos);
  std::string c = comment_not_finished(*r, "pull request");
  EXPECT_NE(c.find("did not finish this issue (budget: step budget: 3 turns), so no pull request was opened"),
            std::string::npos) << c;
  EXPECT_NE(c.find(kBotMarker), std::string::npos);
  EXPECT_NE(comment_no_changes(*r, "merge request").find("> Fixed mean()"), std::string::npos);
  EXPECT_EQ(comment_pull_done("merge request", 4, "https://gl/mr/4", false, "abcdef0123456789").rfind("Opened merge request !4: https://gl/mr/4", 0), 0u);
  EXPECT_NE(comment_pull_done("pull request", 4, "u", true, "abcdef0123456789").find("commit abcdef012345)"), std::string::npos);
}

TEST(PrTextComments, CouldNotStartQuotesTheReason) {
  std::string c = comment_could_not_start("/repo/.agent/policy.toml: line 1: expected a table\nsecond line");
  EXPECT_EQ(c.rfind("The bot could not start on this issue", 0), 0u) << c;
  EXPECT_NE(c.find("> /repo/.agent/policy.toml: line 1: expected a table\n> second line"), std::string::npos) << c;
  EXPECT_NE(c.find(kBotMarker), std::string::npos);
}

TEST_F(PrTextTest, MissingOrBrokenResultIsAnError) {
  EXPECT_EQ(read_run_report(dir_.path()).status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(write_file_atomic(dir_.path() / "result.json", "{\"steps\": 1}").ok());
  auto r = read_run_report(dir_.path());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("result.json"), std::string::npos);
}

TEST(PrTextCommands, TestCommandHeuristic) {
  for (const char* c : {"make test", "ctest --output-on-failure", "pytest -x", "go test ./...", "cargo test",
                        "npm test", "make check", "python -m unittest", "npx jest"}) {
    EXPECT_TRUE(looks_like_test_command(c)) << c;
  }
  for (const char* c : {"ls", "cat README.md", "make", "git diff"}) EXPECT_FALSE(looks_like_test_command(c)) << c;
}

}  // namespace
}  // namespace agent::pr
