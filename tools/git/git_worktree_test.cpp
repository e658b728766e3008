#include "tools/git/git_worktree.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"
#include "tools/git/git_repo.h"

namespace agent {
namespace {

// The git command only sets up and checks repositories; the code under test uses libgit2.
int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

class GitWorktreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-worktree-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
    root_ = fs::canonical(dir_.path());
    repo_ = root_ / "repo";
    ASSERT_TRUE(make_dirs(repo_).ok());
    ASSERT_EQ(sh("cd " + repo_.string() + " && " + git("init -q -b main") + " && printf 'one\\n' > a.txt && " +
                 git("add -A") + " && " + git("commit -qm first")), 0);
    // The user's own uncommitted work, which a worktree must never touch.
    ASSERT_TRUE(write_file_atomic(repo_ / "a.txt", "user edit\n").ok());
  }
  std::string git(const std::string& args) {
    return "git -C " + repo_.string() + " -c user.name=t -c user.email=t@t " + args;
  }
  std::string out(const std::string& args) {
    std::string cmd = git(args) + " > " + (root_ / "git.out").string();
    EXPECT_EQ(sh(cmd), 0) << args;
    return *read_file(root_ / "git.out");
  }
  TempDir dir_;
  fs::path root_, repo_;
};

TEST_F(GitWorktreeTest, AddCommitRemoveLeavesTheCheckoutAlone) {
  std::string main_id = out("rev-parse main");
  auto wt = add_worktree({repo_, root_ / "wt", "agent/issue-7", "main"});
  ASSERT_TRUE(wt.ok()) << wt.status().to_string();
  EXPECT_EQ(*read_file(*wt / "a.txt"), "one\n") << "the worktree holds the committed file";
  EXPECT_EQ(*git_current_branch(*wt), "agent/issue-7");
  EXPECT_EQ(*git_current_branch(repo_), "main");
  EXPECT_EQ(*read_file(repo_ / "a.txt"), "user edit\n");

  ASSERT_TRUE(write_file_atomic(*wt / "b.txt", "b\n").ok());
  auto id = git_commit_changes(*wt, "add b", GitIdentity{}, {});
  ASSERT_TRUE(id.ok()) << id.status().to_string();
  EXPECT_EQ(out("rev-parse agent/issue-7"), *id + "\n");
  EXPECT_EQ(out("rev-parse main"), main_id);
  EXPECT_EQ(out("status --porcelain"), " M a.txt\n") << "the user's index and files are untouched";
  EXPECT_NE(out("worktree list --porcelain").find((root_ / "wt").string()), std::string::npos);

  ASSERT_TRUE(remove_worktree(*wt, /*delete_branch=*/true).ok());
  EXPECT_FALSE(fs::exists(root_ / "wt"));
  EXPECT_EQ(out("worktree list --porcelain").find((root_ / "wt").string()), std::string::npos);
  EXPECT_EQ(out("branch --list agent/issue-7"), "");
  EXPECT_EQ(*read_file(repo_ / "a.txt"), "user edit\n");
}

TEST_F(GitWorktreeTest, KeepsTheBranchWhenAsked) {
  auto wt = add_worktree({repo_, root_ / "wt", "keep-me", "HEAD"});
  ASSERT_TRUE(wt.ok()) << wt.status().to_string();
  ASSERT_TRUE(remove_worktree(*wt, /*delete_branch=*/false).ok());
  EXPECT_EQ(out("branch --list keep-me"), "  keep-me\n");
  // The name is free again for a new worktree at the same path.
  EXPECT_EQ(add_worktree({repo_, root_ / "wt", "other", "main"}).status().code(), StatusCode::kOk);
}

TEST_F(GitWorktreeTest, FailuresLeaveNothingBehind) {
  auto exists = add_worktree({repo_, root_ / "wt", "main", "main"});
  EXPECT_EQ(exists.status().code(), StatusCode::kAlreadyExists) << exists.status().to_string();
  auto bad_start = add_worktree({repo_, root_ / "wt", "x", "no-such-ref"});
  EXPECT_EQ(bad_start.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bad_start.status().message().find("no-such-ref"), std::string::npos);
  auto bad_name = add_worktree({repo_, root_ / "wt", "a..b", "main"});
  EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(make_dirs(root_ / "taken").ok());
  auto taken = add_worktree({repo_, root_ / "taken", "y", "main"});
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE(fs::exists(root_ / "wt"));
  EXPECT_EQ(out("branch --list x y"), "") << "no branch is left by a failed add";
  EXPECT_EQ(remove_worktree(repo_, true).code(), StatusCode::kInvalidArgument)
      << "the main checkout is never removed";
  EXPECT_TRUE(fs::exists(repo_ / "a.txt"));
}

TEST_F(GitWorktreeTest, ResolveCommit) {
  auto id = git_resolve_commit(repo_, "main");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id + "\n", out("rev-parse main"));
  EXPECT_EQ(git_resolve_commit(repo_, "nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace agent
