#include "tools/tool_test_util.h"

namespace agent {
namespace {

class ListFilesToolTest : public ToolTest {};

TEST_F(ListFilesToolTest, SortedRelativePathsRespectingGitignore) {
  init_repo();
  write(".gitignore", "node_modules/\n*.pyc\n");
  write("src/app.py", "");
  write("src/app.pyc", "");
  write("node_modules/x/index.js", "");
  write("README.md", "");
  write("src/sub/ü.txt", "");
  auto out = call("list_files", "{}");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(out.content, ".gitignore\nREADME.md\nsrc/app.py\nsrc/sub/ü.txt\n");
  EXPECT_EQ(call("list_files", R"({"path":"src"})").content, "src/app.py\nsrc/sub/ü.txt\n");
  EXPECT_EQ(call("list_files", R"({"glob":"*.md"})").content, "README.md\n");
  EXPECT_EQ(call("list_files", R"({"path":"node_modules"})").content, "node_modules/x/index.js\n");
}

TEST_F(ListFilesToolTest, LimitCountsTheRest) {
  for (int i = 0; i < 12; ++i) write("f" + std::to_string(10 + i) + ".txt", "");
  ctx_.limits.list_max_entries = 3;
  auto out = call("list_files", "{}");
  EXPECT_EQ(out.content, "f10.txt\nf11.txt\nf12.txt\n[... 9 more files not shown (12 in total); narrow with path or glob]\n");
}

TEST_F(ListFilesToolTest, EmptyMissingAndOutside) {
  write("src/a.py", "");
  auto empty = call("list_files", R"({"path":"src","glob":"*.rs"})");
  EXPECT_FALSE(empty.is_error);
  EXPECT_EQ(empty.content, "No files in src matching *.rs\n");
  auto missing = call("list_files", R"({"path":"scr"})");
  EXPECT_TRUE(missing.is_error);
  EXPECT_NE(missing.content.find("scr does not exist"), std::string::npos);
  EXPECT_TRUE(call("list_files", R"({"path":".."})").is_error);
  EXPECT_TRUE(call("list_files", R"({"path":"/"})").is_error);
  EXPECT_TRUE(call("list_files", R"({"glob":"[a-"})").is_error);
  EXPECT_TRUE(call("list_files", R"({"path":3})").is_error);
}

}  // namespace
}  // namespace agent
