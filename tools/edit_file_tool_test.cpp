#include <sys/stat.h>
#include <unistd.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class EditFileToolTest : public ToolTest {
 protected:
  ToolOutput edit(const std::string& path, const std::string& old_s, const std::string& new_s,
                  bool replace_all = false) {
    Json args{{"path", path}, {"old_string", old_s}, {"new_string", new_s}};
    if (replace_all) args["replace_all"] = true;
    return call("edit_file", args.dump());
  }
};

TEST_F(EditFileToolTest, ReplacesAUniqueStringAndShowsTheChangedRegion) {
  write("a.py", "import os\n\ndef f():\n    return 1\n\ndef g():\n    return 2\n");
  auto out = edit("a.py", "    return 1\n", "    x = 1\n    return x\n");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("a.py"), "import os\n\ndef f():\n    x = 1\n    return x\n\ndef g():\n    return 2\n");
  EXPECT_EQ(out.content,
            "Edited a.py (1 replacement):\n"
            "     1\timport os\n     2\t\n     3\tdef f():\n     4\t    x = 1\n     5\t    return x\n"
            "     6\t\n     7\tdef g():\n     8\t    return 2\n");
}

TEST_F(EditFileToolTest, AmbiguousStringListsEveryLineAndChangesNothing) {
  const std::string text = "x = 1\ny = 2\nx = 1\nz = 3\nx = 1\n";
  write("m.py", text);
  auto out = edit("m.py", "x = 1", "x = 9");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("occurs 3 times in m.py (at lines 1, 3, 5)"), std::string::npos) << out.content;
  EXPECT_NE(out.content.find("replace_all"), std::string::npos);
  EXPECT_EQ(read("m.py"), text);
  auto all = edit("m.py", "x = 1", "x = 9", true);
  ASSERT_FALSE(all.is_error) << all.content;
  EXPECT_EQ(read("m.py"), "x = 9\ny = 2\nx = 9\nz = 3\nx = 9\n");
  EXPECT_NE(all.content.find("(3 replacements)"), std::string::npos);
}

TEST_F(EditFileToolTest, MissingStringShowsTheClosestLines) {
  std::string text;
  for (int i = 1; i <= 30; ++i) text += "line " + std::to_string(i) + "\n";
  text += "def compute(a, b):\n    total = a + b\n    return total\n";
  write("c.py", text);
  auto out = edit("c.py", "def compute(a, b):\n    total = a - b\n", "x");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("old_string was not found in c.py. The most similar part of the file is "
                             "lines 31-32 ("), std::string::npos) << out.content;
  EXPECT_NE(out.content.find("    31\tdef compute(a, b):\n    32\t    total = a + b\n"), std::string::npos);
  EXPECT_EQ(read("c.py"), text);

  auto ws = edit("c.py", "def compute(a, b):\n  total = a + b\n", "x");  // wrong indentation
  EXPECT_TRUE(ws.is_error);
  EXPECT_NE(ws.content.find("lines 31-32 match it except for whitespace"), std::string::npos) << ws.content;

  auto nothing = edit("c.py", "完全に無関係なテキスト", "x");
  EXPECT_TRUE(nothing.is_error);
  EXPECT_NE(nothing.content.find("Nothing in the file resembles it"), std::string::npos);
}

TEST_F(EditFileToolTest, CrlfFileIsMatchedWithLfAndKeepsCrlf) {
  write("w.txt", "one\r\ntwo\r\nthree\r\n");
  auto out = edit("w.txt", "one\ntwo\n", "uno\ndos\ntres\n");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("w.txt"), "uno\r\ndos\r\ntres\r\nthree\r\n");
}

TEST_F(EditFileToolTest, UnicodeText) {
  write("u.md", "# Título\nnaïve café — “quoted”\n");
  ASSERT_FALSE(edit("u.md", "café — “quoted”", "カフェ 🙂").is_error);
  EXPECT_EQ(read("u.md"), "# Título\nnaïve カフェ 🙂\n");
}

TEST_F(EditFileToolTest, KeepsModeAndDeletesWithEmptyNewString) {
  write("s.sh", "#!/bin/sh\necho a\necho b\n");
  ASSERT_EQ(::chmod((ctx_.workspace / "s.sh").c_str(), 0750), 0);
  ASSERT_FALSE(edit("s.sh", "echo a\n", "").is_error);
  EXPECT_EQ(read("s.sh"), "#!/bin/sh\necho b\n");
  struct stat st {};
  ASSERT_EQ(::stat((ctx_.workspace / "s.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
}

TEST_F(EditFileToolTest, BadInput) {
  write("a.txt", "hello\n");
  auto empty = edit("a.txt", "", "x");
  EXPECT_TRUE(empty.is_error);
  EXPECT_NE(empty.content.find("old_string is empty"), std::string::npos);
  auto same = edit("a.txt", "hello", "hello");
  EXPECT_TRUE(same.is_error);
  EXPECT_NE(same.content.find("the same"), std::string::npos);
  auto missing = edit("a.tx", "hello", "bye");
  EXPECT_TRUE(missing.is_error);
  EXPECT_NE(missing.content.find("a.tx does not exist. Similar files: a.txt"), std::string::npos) << missing.content;
  write("bin.dat", std::string("ab\0cd", 5));
  auto bin = edit("bin.dat", "ab", "xy");
  EXPECT_TRUE(bin.is_error);
  EXPECT_NE(bin.content.find("binary file (5 bytes)"), std::string::npos);
  EXPECT_EQ(read("bin.dat"), std::string("ab\0cd", 5));
  write("d/x", "");
  EXPECT_TRUE(edit("d", "a", "b").is_error);
  ctx_.limits.write_max_bytes = 8;
  auto big = edit("a.txt", "hello", "hello world");
  EXPECT_TRUE(big.is_error);
  EXPECT_EQ(read("a.txt"), "hello\n");
  EXPECT_TRUE(call("edit_file", R"({"path":"a.txt","old_string":"hello"})").is_error);
}

TEST_F(EditFileToolTest, RefusesPathsOutsideAndTheGitFolder) {
  auto outside = ctx_.workspace.parent_path() / "outside.txt";
  ASSERT_TRUE(write_file_atomic(outside, "secret\n").ok());
  ASSERT_EQ(::symlink(outside.c_str(), (ctx_.workspace / "link.txt").c_str()), 0);
  EXPECT_TRUE(edit("link.txt", "secret", "changed").is_error);
  EXPECT_TRUE(edit("../outside.txt", "secret", "changed").is_error);
  EXPECT_EQ(*read_file(outside), "secret\n");
  init_repo();
  auto cfg = edit(".git/config", "[core]", "[core]\n\thooksPath = /tmp");
  EXPECT_TRUE(cfg.is_error);
  EXPECT_NE(cfg.content.find(".git folder"), std::string::npos);
}

}  // namespace
}  // namespace agent

namespace agent {
namespace {

class EditFileBigTest : public ToolTest {};

// replace_all over many lines stays quick and shows only the start of the change.
TEST_F(EditFileBigTest, ManyReplacementsShowABoundedSummary) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "value = old\n";
  write("big.txt", text);
  auto out = call("edit_file", R"({"path":"big.txt","old_string":"old","new_string":"new","replace_all":true})");
  ASSERT_FALSE(out.is_error) << out.content.substr(0, 300);
  EXPECT_EQ(out.details["replacements"], 100000);
  EXPECT_NE(out.content.find("   120\tvalue = new\n[... the rest of the change is not shown; read_file shows it]\n"),
            std::string::npos) << out.content.substr(out.content.size() - 200);
  EXPECT_EQ(out.content.find("   121\t"), std::string::npos);
  std::string want;
  for (int i = 0; i < 100000; ++i) want += "value = new\n";
  EXPECT_EQ(read("big.txt"), want);
}

}  // namespace
}  // namespace agent
