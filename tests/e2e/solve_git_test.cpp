// agent solve --branch / --commit, and the model's git_commit tool in such a run.
#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

class SolveGitTest : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    make_repo({{"a.txt", "a\n"}});
  }
  std::string git(const std::string& args) {
    std::string out_file = (root_ / "git.out").string();
    EXPECT_EQ(sh("git -C " + repo_.string() + " " + args + " > " + out_file), 0) << args;
    return *read_file(out_file);
  }
  static Json call(const std::string& name, const Json& args) {
    return Json{{"tool_calls", Json::array({Json{{"name", name}, {"arguments", args}}})}};
  }
};

TEST_F(SolveGitTest, BranchAndCommitHoldTheAgentsChanges) {
  std::string main_before = git("rev-parse main");
  auto r = solve(write_script({call("write_file", {{"path", "b.txt"}, {"content", "b\n"}}),
                               call("git_commit", {{"message", "Add b"}}),
                               call("shell", {{"command", "echo more >> a.txt"}}),
                               Json{{"content", "Added b and extended a."}}}),
                 {"--branch", "agent/issue-12", "--commit"}, "# Add b\n\nWe need b.\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(git("branch --show-current"), "agent/issue-12\n");
  EXPECT_EQ(git("rev-parse main"), main_before) << "main must not move";
  EXPECT_EQ(git("log --format=%s main..HEAD"), "agent: Add b\nAdd b\n");
  EXPECT_EQ(git("status --porcelain"), "");
  EXPECT_EQ(git("show --format= --name-only HEAD"), "a.txt\n");
  std::string p = patch();
  EXPECT_NE(p.find("+b"), std::string::npos);
  EXPECT_NE(p.find("+more"), std::string::npos);
}

TEST_F(SolveGitTest, CommitRefusesADirtyTreeAndBranchMustBeNew) {
  ASSERT_TRUE(write_file_atomic(repo_ / "a.txt", "user edit\n").ok());
  std::string script = write_script({Json{{"content", "done"}}});
  auto dirty = solve(script, {"--branch", "x", "--commit"});
  EXPECT_EQ(dirty.exit_code, 2);
  EXPECT_NE(dirty.err.find("clean working tree"), std::string::npos) << dirty.err;
  EXPECT_EQ(git("branch --show-current"), "main\n") << "nothing was changed";

  auto exists = solve(script, {"--branch", "main"});
  EXPECT_EQ(exists.exit_code, 2);
  EXPECT_NE(exists.err.find("already exists"), std::string::npos) << exists.err;
  auto bad = solve(script, {"--branch", "no..dots"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("not a valid branch name"), std::string::npos) << bad.err;
}

TEST_F(SolveGitTest, UnfinishedRunIsNotCommitted) {
  auto r = solve(write_script({call("shell", {{"command", "echo x >> a.txt"}}), Json{{"content", "done"}}}),
                 {"--branch", "w", "--commit", "--max-steps", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nothing committed"), std::string::npos) << r.err;
  EXPECT_EQ(git("log --format=%s main..HEAD"), "");
}

}  // namespace
}  // namespace agent::testing
