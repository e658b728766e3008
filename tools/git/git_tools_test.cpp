#include "tools/git/git_tools.h"

#include <cstdlib>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class GitToolsTest : public ToolTest {
 protected:
  void SetUp() override {
    ToolTest::SetUp();
    registry_ = ToolRegistry();
    registry_.add(make_git_status_tool());
    registry_.add(make_git_diff_tool());
    registry_.add(make_git_log_tool());
    registry_.add(make_git_commit_tool());
    ASSERT_EQ(std::system(("cd " + ctx_.workspace.string() +
                           " && git init -q -b main && printf 'a\\n' > a.txt && git add -A && "
                           "git -c user.name=t -c user.email=t@t commit -qm init")
                              .c_str()),
              0);
  }
};

TEST_F(GitToolsTest, StatusDiffLog) {
  write("a.txt", "a\nb\n");
  auto st = call("git_status", "{}");
  EXPECT_FALSE(st.is_error);
  EXPECT_EQ(st.content, "## main\n M a.txt\n");
  auto diff = call("git_diff", R"({"path":"a.txt"})");
  EXPECT_NE(diff.content.find("+b"), std::string::npos);
  EXPECT_EQ(call("git_diff", R"({"staged":true})").content, "(no staged changes)\n");
  EXPECT_TRUE(call("git_diff", R"({"path":"../x"})").is_error);
  auto log = call("git_log", R"({"max_count":5})");
  EXPECT_NE(log.content.find("init"), std::string::npos);
  EXPECT_TRUE(call("git_log", R"({"max_count":0})").is_error);
}

TEST_F(GitToolsTest, CommitOnlyOnTheRunsBranch) {
  write("a.txt", "changed\n");
  auto refused = call("git_commit", R"({"message":"x"})");
  EXPECT_TRUE(refused.is_error);
  EXPECT_NE(refused.content.find("no branch of its own"), std::string::npos);

  ctx_.git.run_branch = "agent/issue-7";
  auto wrong = call("git_commit", R"({"message":"x"})");
  EXPECT_TRUE(wrong.is_error);
  EXPECT_NE(wrong.content.find("not on the run's branch"), std::string::npos);

  ASSERT_EQ(std::system(("git -C " + ctx_.workspace.string() + " switch -q -c agent/issue-7").c_str()), 0);
  ctx_.git.author_name = "Fix Bot";
  auto ok = call("git_commit", R"({"message":"Fix a","paths":["a.txt"]})");
  EXPECT_FALSE(ok.is_error) << ok.content;
  EXPECT_NE(ok.content.find("on agent/issue-7"), std::string::npos);
  EXPECT_TRUE(call("git_commit", R"({"message":"  "})").is_error);
  EXPECT_TRUE(call("git_commit", R"({"message":"again"})").is_error) << "nothing left to commit";
  EXPECT_TRUE(call("git_commit", R"({"message":"x","paths":["/etc/passwd"]})").is_error);
}

}  // namespace
}  // namespace agent
