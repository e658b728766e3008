#include "tools/git/git_repo.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"

namespace agent {
namespace {

// The git command only sets up and checks repositories; the code under test uses libgit2.
int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

class GitRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-gitrepo-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
    repo_ = fs::canonical(dir_.path()) / "repo";
    ASSERT_TRUE(make_dirs(repo_ / "src").ok());
    ASSERT_EQ(sh("cd " + repo_.string() + " && " + git("init -q -b main") +
                 " && printf 'one\\n' > a.txt && printf 'x\\n' > src/b.c && " + git("add -A") + " && " +
                 git("commit -qm first")), 0);
    ASSERT_EQ(sh("cd " + repo_.string() + " && printf 'two\\n' >> a.txt && " + git("commit -qam second")), 0);
  }
  std::string git(const std::string& args) {
    return "git -C " + repo_.string() + " -c user.name=t -c user.email=t@t " + args;
  }
  std::string out(const std::string& args) {
    std::string cmd = git(args) + " > " + (repo_.parent_path() / "git.out").string();
    EXPECT_EQ(sh(cmd), 0);
    return *read_file(repo_.parent_path() / "git.out");
  }
  void write(const std::string& rel, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(repo_ / rel, text).ok());
  }
  TempDir dir_;
  fs::path repo_;
};

TEST_F(GitRepoTest, BranchAndDirtiness) {
  EXPECT_EQ(*git_current_branch(repo_), "main");
  EXPECT_FALSE(*git_is_dirty(repo_));
  write("new.txt", "n\n");
  EXPECT_TRUE(*git_is_dirty(repo_));
  ASSERT_TRUE(git_create_and_switch_branch(repo_, "agent/fix-1").ok());
  EXPECT_EQ(*git_current_branch(repo_), "agent/fix-1");
  EXPECT_TRUE(fs::exists(repo_ / "new.txt")) << "switching must not touch the working tree";
  EXPECT_EQ(git_create_and_switch_branch(repo_, "agent/fix-1").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(git_create_and_switch_branch(repo_, "bad..name").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(git_switch_branch(repo_, "main").ok());
  EXPECT_EQ(*git_current_branch(repo_), "main");
  EXPECT_EQ(git_switch_branch(repo_, "nope").code(), StatusCode::kNotFound);
}

TEST_F(GitRepoTest, CommitAllOrSomePaths) {
  ASSERT_TRUE(git_create_and_switch_branch(repo_, "work").ok());
  write("a.txt", "changed\n");
  write("src/c.c", "int c;\n");
  ASSERT_EQ(std::remove((repo_ / "src/b.c").c_str()), 0);
  auto some = git_commit_changes(repo_, "only c", GitIdentity{"Bot", "bot@x"}, {"src/c.c"});
  ASSERT_TRUE(some.ok()) << some.status().to_string();
  EXPECT_EQ(out("log -1 --format=%an%x20%ae%x20%s"), "Bot bot@x only c\n");
  EXPECT_EQ(out("show --name-status --format= HEAD"), "A\tsrc/c.c\n");
  auto rest = git_commit_changes(repo_, "the rest", GitIdentity{}, {});
  ASSERT_TRUE(rest.ok()) << rest.status().to_string();
  EXPECT_EQ(out("show --name-status --format= HEAD"), "M\ta.txt\nD\tsrc/b.c\n");
  EXPECT_EQ(out("status --porcelain"), "");
  EXPECT_EQ(out("rev-parse main~0"), out("rev-parse HEAD~2")) << "main did not move";
  auto nothing = git_commit_changes(repo_, "empty", GitIdentity{}, {});
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("nothing to commit"), std::string::npos);
}

TEST_F(GitRepoTest, StatusDiffAndLogText) {
  write("a.txt", "one\ntwo\nthree\n");
  write("u.txt", "u\n");
  ASSERT_EQ(sh(git("add u.txt")), 0);
  write("untracked.txt", "?\n");
  auto st = git_status_text(repo_);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st, "## main\n M a.txt\nA  u.txt\n?? untracked.txt\n");
  auto unstaged = git_diff_text(repo_, false, "");
  ASSERT_TRUE(unstaged.ok());
  EXPECT_NE(unstaged->find("+three"), std::string::npos);
  EXPECT_EQ(unstaged->find("u.txt"), std::string::npos);
  auto staged = git_diff_text(repo_, true, "");
  ASSERT_TRUE(staged.ok());
  EXPECT_NE(staged->find("+++ b/u.txt"), std::string::npos);
  EXPECT_EQ(staged->find("a.txt"), std::string::npos);
  EXPECT_EQ(*git_diff_text(repo_, false, "src"), "");

  auto log = git_log_text(repo_, 10, "");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("t: second\n"), std::string::npos);
  EXPECT_LT(log->find("second"), log->find("first"));
  auto one = git_log_text(repo_, 1, "");
  EXPECT_EQ(one->find("first"), std::string::npos);
  auto by_path = git_log_text(repo_, 10, "src/b.c");
  EXPECT_NE(by_path->find("first"), std::string::npos);
  EXPECT_EQ(by_path->find("second"), std::string::npos);
}

}  // namespace
}  // namespace agent
