#include "tools/workspace_path.h"

#include <unistd.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class WorkspacePathTest : public ToolTest {};

TEST_F(WorkspacePathTest, InsideAndOutside) {
  write("src/a.c", "x");
  auto ok = resolve_tool_path(ctx_, "src/a.c", PathAccess::kRead);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, ctx_.workspace / "src/a.c");
  EXPECT_TRUE(resolve_tool_path(ctx_, (ctx_.workspace / "src/a.c").string(), PathAccess::kWrite).ok());
  EXPECT_TRUE(resolve_tool_path(ctx_, "new/dir/file.txt", PathAccess::kWrite).ok());
  EXPECT_TRUE(resolve_tool_path(ctx_, "src/../src/a.c", PathAccess::kRead).ok());

  for (const char* bad : {"../outside", "/etc/passwd", "src/../../x", ""}) {
    auto r = resolve_tool_path(ctx_, bad, PathAccess::kRead);
    EXPECT_FALSE(r.ok()) << bad;
  }
  auto r = resolve_tool_path(ctx_, "/etc/passwd", PathAccess::kRead);
  EXPECT_NE(r.status().message().find("outside the repository"), std::string::npos);
}

TEST_F(WorkspacePathTest, SymlinksOutAreRefused) {
  ASSERT_EQ(::symlink("/etc", (ctx_.workspace / "etc_link").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/passwd", (ctx_.workspace / "pw").c_str()), 0);
  write("real.txt", "x");
  ASSERT_EQ(::symlink("real.txt", (ctx_.workspace / "inner_link").c_str()), 0);
  auto a = resolve_tool_path(ctx_, "etc_link/passwd", PathAccess::kRead);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("symbolic link"), std::string::npos);
  EXPECT_FALSE(resolve_tool_path(ctx_, "pw", PathAccess::kWrite).ok());
  EXPECT_FALSE(resolve_tool_path(ctx_, "etc_link/new_file", PathAccess::kWrite).ok());
  EXPECT_TRUE(resolve_tool_path(ctx_, "inner_link", PathAccess::kRead).ok());
}

TEST_F(WorkspacePathTest, GitFolderIsReadOnlyAndRunDirReadable) {
  write(".git/config", "[core]");
  EXPECT_TRUE(resolve_tool_path(ctx_, ".git/config", PathAccess::kRead).ok());
  EXPECT_FALSE(resolve_tool_path(ctx_, ".git/hooks/pre-commit", PathAccess::kWrite).ok());
  EXPECT_FALSE(resolve_tool_path(ctx_, "sub/.git/hooks/post-checkout", PathAccess::kWrite).ok());
  std::string out = (ctx_.run_dir / "tool-outputs/call_1.txt").string();
  EXPECT_TRUE(resolve_tool_path(ctx_, out, PathAccess::kRead).ok());
  EXPECT_FALSE(resolve_tool_path(ctx_, out, PathAccess::kWrite).ok());
}

}  // namespace
}  // namespace agent
