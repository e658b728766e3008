#include "tools/file_walker.h"

#include <sys/stat.h>
#include <unistd.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class FileWalkerTest : public ToolTest {
 protected:
  std::vector<std::string> walk(const std::string& start = "", const char* glob = nullptr) {
    std::optional<Glob> g;
    WalkOptions o;
    if (glob != nullptr) {
      auto c = Glob::compile(glob);
      EXPECT_TRUE(c.ok());
      g = std::move(*c);
      o.glob = &*g;
    }
    auto r = walk_files(ctx_.workspace, start.empty() ? ctx_.workspace : ctx_.workspace / start, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    std::vector<std::string> rels;
    if (r.ok()) {
      for (const auto& f : r->files) rels.push_back(f.rel);
    }
    return rels;
  }
};

using V = std::vector<std::string>;

TEST_F(FileWalkerTest, SortedRelativePathsWithoutGitFolders) {
  write("b.txt", "");
  write("a/z.txt", "");
  write("a-c.txt", "");
  write(".hidden", "");
  write(".git/config", "");
  write("sub/.git", "gitdir: ../x");
  EXPECT_EQ(walk(), (V{".hidden", "a-c.txt", "a/z.txt", "b.txt"}));
}

TEST_F(FileWalkerTest, NoRepositoryMeansNoIgnoreRules) {
  write(".gitignore", "*.log\n");
  write("x.log", "");
  EXPECT_EQ(walk(), (V{".gitignore", "x.log"}));
}

TEST_F(FileWalkerTest, GitignoreIsRespectedAndIgnoredFoldersPruned) {
  init_repo();
  write(".gitignore", "*.log\nbuild/\n/top_only.txt\n!keep.log\n");
  write("x.log", "");
  write("keep.log", "");
  write("build/out.o", "");
  write("src/build/deep.o", "");
  write("src/top_only.txt", "");
  write("top_only.txt", "");
  write("src/.gitignore", "generated.c\n");
  write("src/generated.c", "");
  write("src/main.c", "");
  write(".git/info/exclude", "secret.txt\n");
  write("secret.txt", "");
  EXPECT_EQ(walk(), (V{".gitignore", "keep.log", "src/.gitignore", "src/main.c",
                       "src/top_only.txt"}));
}

TEST_F(FileWalkerTest, NamedIgnoredFolderIsWalkedWithoutRules) {
  init_repo();
  write(".gitignore", "node_modules/\n");
  write("node_modules/pkg/index.js", "");
  EXPECT_EQ(walk(), (V{".gitignore"}));
  EXPECT_EQ(walk("node_modules"), (V{"node_modules/pkg/index.js"}));
}

TEST_F(FileWalkerTest, GlobMatchesFromRootOrFromTheWalkedFolder) {
  write("src/a.ts", "");
  write("src/x/b.ts", "");
  write("src/c.js", "");
  write("lib/d.ts", "");
  EXPECT_EQ(walk("", "*.ts"), (V{"lib/d.ts", "src/a.ts", "src/x/b.ts"}));
  EXPECT_EQ(walk("", "src/**/*.ts"), (V{"src/a.ts", "src/x/b.ts"}));
  EXPECT_EQ(walk("src", "x/*.ts"), (V{"src/x/b.ts"}));
}

TEST_F(FileWalkerTest, SymlinksAreListedNotFollowedAndSpecialFilesSkipped) {
  write("real/f.txt", "");
  ASSERT_EQ(::symlink("/etc", (ctx_.workspace / "etc_link").c_str()), 0);
  ASSERT_EQ(::symlink("real/f.txt", (ctx_.workspace / "file_link").c_str()), 0);
  ASSERT_EQ(::mkfifo((ctx_.workspace / "fifo").c_str(), 0600), 0);
  EXPECT_EQ(walk(), (V{"etc_link", "file_link", "real/f.txt"}));
}

TEST_F(FileWalkerTest, SingleFileAndMissingStart) {
  write("a/b.txt", "");
  EXPECT_EQ(walk("a/b.txt"), (V{"a/b.txt"}));
  auto r = walk_files(ctx_.workspace, ctx_.workspace / "nope", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST_F(FileWalkerTest, StopsAtMaxFilesAndOnCancel) {
  for (int i = 0; i < 20; ++i) write("f" + std::to_string(i), "");
  WalkOptions o;
  o.max_files = 5;
  auto r = walk_files(ctx_.workspace, ctx_.workspace, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files.size(), 5u);
  EXPECT_TRUE(r->hit_max_files);
  CancelToken cancel;
  cancel.cancel();
  WalkOptions oc;
  oc.cancel = &cancel;
  auto c = walk_files(ctx_.workspace, ctx_.workspace, oc);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->cancelled);
  EXPECT_TRUE(c->files.empty());
}

}  // namespace
}  // namespace agent
