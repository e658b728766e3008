#include "tools/git/git_snapshot.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"

namespace agent {
namespace {

// These tests use the git command only to set up and check repositories; the code under
// test uses libgit2.
int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

class GitSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-git-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
    repo_ = fs::canonical(dir_.path()) / "repo";
    ASSERT_TRUE(make_dirs(repo_).ok());
    ASSERT_EQ(sh("cd " + repo_.string() +
                 " && git init -q && git config user.email t@t && git config user.name t"
                 " && printf 'a\\nb\\n' > a.txt && printf 'gone\\n' > del.txt"
                 " && printf '*.log\\n' > .gitignore && git add -A && git commit -qm init"),
              0);
  }
  void write(const std::string& rel, const std::string& content) {
    ASSERT_TRUE(write_file_atomic(repo_ / rel, content).ok());
  }
  TempDir dir_;
  fs::path repo_;
};

TEST_F(GitSnapshotTest, PatchHoldsExactlyTheChangesSinceTheSnapshot) {
  // Dirty state before the run: a modified file and an untracked one.
  write("a.txt", "a\nB-user\n");
  write("user_new.txt", "mine\n");
  auto start = snapshot_worktree(repo_);
  ASSERT_TRUE(start.ok()) << start.status().to_string();

  // The "agent" changes things.
  write("a.txt", "a\nB-user\nagent line\n");
  write("src/new.c", "int x;\n");
  ASSERT_EQ(std::remove((repo_ / "del.txt").c_str()), 0);
  write("build.log", "ignored\n");
  auto end = snapshot_worktree(repo_);
  ASSERT_TRUE(end.ok());

  auto diff = diff_trees(repo_, *start, *end);
  ASSERT_TRUE(diff.ok()) << diff.status().to_string();
  EXPECT_EQ(diff->files_changed, (std::vector<std::string>{"a.txt", "del.txt", "src/new.c"}));
  EXPECT_NE(diff->patch.find("+agent line"), std::string::npos);
  EXPECT_EQ(diff->patch.find("-b\n"), std::string::npos) << "user's own change leaked into the patch";
  EXPECT_NE(diff->patch.find("diff --git a/src/new.c b/src/new.c"), std::string::npos);
  EXPECT_NE(diff->patch.find("deleted file mode"), std::string::npos);
  EXPECT_EQ(diff->patch.find("build.log"), std::string::npos);

  // The patch, applied with git to a copy in the starting state, reproduces the end state.
  fs::path copy = repo_.parent_path() / "copy";
  ASSERT_TRUE(write_file_atomic(repo_.parent_path() / "agent.patch", diff->patch).ok());
  ASSERT_EQ(sh("git clone -q " + repo_.string() + " " + copy.string() + " && cd " + copy.string() +
               " && printf 'a\\nB-user\\n' > a.txt && printf 'mine\\n' > user_new.txt"
               " && git apply ../agent.patch"),
            0);
  for (const char* f : {"a.txt", "src/new.c", "user_new.txt"}) {
    EXPECT_EQ(*read_file(copy / f), *read_file(repo_ / f)) << f;
  }
  EXPECT_FALSE(fs::exists(copy / "del.txt"));
  // The index on disk was never touched by the snapshots.
  EXPECT_EQ(sh("cd " + repo_.string() + " && git diff --cached --quiet"), 0);
}

TEST_F(GitSnapshotTest, NotARepository) {
  auto d = TempDir::create("agent-nogit-");
  ASSERT_TRUE(d.ok());
  auto r = snapshot_worktree(d->path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("not inside a git repository"), std::string::npos);
}

TEST_F(GitSnapshotTest, IdenticalSnapshotsGiveAnEmptyPatch) {
  auto a = snapshot_worktree(repo_);
  auto b = snapshot_worktree(repo_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto diff = diff_trees(repo_, *a, *b);
  ASSERT_TRUE(diff.ok());
  EXPECT_TRUE(diff->patch.empty());
  EXPECT_TRUE(diff->files_changed.empty());
}

}  // namespace
}  // namespace agent
