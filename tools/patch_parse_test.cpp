#include "tools/patch.h"

#include <gtest/gtest.h>

namespace agent {
namespace {

using S = std::vector<std::string>;

Patch parse_ok(const std::string& text) {
  auto p = parse_patch(text);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : Patch{};
}

std::string parse_error(const std::string& text) {
  auto p = parse_patch(text);
  EXPECT_FALSE(p.ok());
  return p.ok() ? "" : p.status().message();
}

TEST(ParseEnvelope, EveryKindOfChange) {
  Patch p = parse_ok(
      "*** Begin Patch\n"
      "*** Add File: src/new.py\n"
      "+def f():\n"
      "+    return 1\n"
      "*** Delete File: old.txt\n"
      "*** Update File: src/app.py\n"
      "*** Move to: src/main.py\n"
      "@@ class App:\n"
      "@@     def run(self):\n"
      "         x = 1\n"
      "-        y = 2\n"
      "+        y = 3\n"
      "@@\n"
      " tail\n"
      "+end\n"
      "*** End of File\n"
      "*** End Patch\n");
  EXPECT_FALSE(p.unified);
  ASSERT_EQ(p.changes.size(), 3u);
  EXPECT_EQ(p.changes[0].kind, FileChangeKind::kAdd);
  EXPECT_EQ(p.changes[0].path, "src/new.py");
  EXPECT_EQ(p.changes[0].content, "def f():\n    return 1\n");
  EXPECT_EQ(p.changes[1].kind, FileChangeKind::kDelete);
  EXPECT_EQ(p.changes[1].path, "old.txt");
  const FileChange& u = p.changes[2];
  EXPECT_EQ(u.kind, FileChangeKind::kUpdate);
  EXPECT_EQ(u.move_to, "src/main.py");
  ASSERT_EQ(u.hunks.size(), 2u);
  EXPECT_EQ(u.hunks[0].anchors, (S{"class App:", "def run(self):"}));
  EXPECT_EQ(u.hunks[0].old_lines(), (S{"        x = 1", "        y = 2"}));
  EXPECT_EQ(u.hunks[0].new_lines(), (S{"        x = 1", "        y = 3"}));
  EXPECT_EQ(u.hunks[0].patch_line, 8u);
  EXPECT_FALSE(u.hunks[0].end_of_file);
  EXPECT_TRUE(u.hunks[1].end_of_file);
  EXPECT_EQ(u.hunks[1].new_lines(), (S{"tail", "end"}));
}

TEST(ParseEnvelope, LenientAboutWrappersAndLostSpaces) {
  Patch p = parse_ok(
      "```\n"
      "apply_patch <<'EOF'\n"
      "*** Begin Patch\r\n"
      "*** Update File: a.txt\n"
      " one\n"
      "\n"  // an empty context line that lost its ' '
      "-two\n"
      "+2\n"
      "\n"
      "*** Add File: b.txt\n"
      "+x\n"
      "\n"
      "+y\n"
      "*** End Patch\n"
      "EOF\n"
      "```\n");
  ASSERT_EQ(p.changes.size(), 2u);
  ASSERT_EQ(p.changes[0].hunks.size(), 1u);
  EXPECT_EQ(p.changes[0].hunks[0].old_lines(), (S{"one", "", "two"}));  // trailing blank dropped
  EXPECT_EQ(p.changes[1].content, "x\n\ny\n");
}

TEST(ParseEnvelope, ErrorsNameThePatchLine) {
  EXPECT_NE(parse_error("*** Begin Patch\n*** Update File: a\n-x\n+y\n").find(
                "patch line 4: the patch does not end with \"*** End Patch\""),
            std::string::npos);
  EXPECT_NE(parse_error("*** Begin Patch\n*** Update File: a\n-x\nfoo\n*** End Patch").find(
                "patch line 4: unexpected line in a hunk of a: \"foo\""),
            std::string::npos);
  EXPECT_NE(parse_error("*** Begin Patch\n*** Update File: a\n*** End Patch").find("has no hunks"),
            std::string::npos);
  EXPECT_NE(parse_error("*** Begin Patch\n*** Add File: a\nno plus\n*** End Patch").find("every line starts with '+'"),
            std::string::npos);
  EXPECT_NE(parse_error("*** Begin Patch\n*** Frobnicate File: a\n*** End Patch").find("expected \"*** Add File"),
            std::string::npos);
  EXPECT_NE(parse_error("*** Begin Patch\n*** Update File:\n-a\n*** End Patch").find("path is missing"),
            std::string::npos);
  EXPECT_NE(parse_error("*** Begin Patch\n*** End Patch").find("changes no file"), std::string::npos);
  EXPECT_NE(parse_error("please change line 3").find("not a patch"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
}

TEST(ParseUnified, GitDiffWithExtendedHeaders) {
  Patch p = parse_ok(
      "commit 123\n"
      "Author: someone\n"
      "\n"
      "diff --git a/src/a.c b/src/a.c\n"
      "index 83db48f..bf269f4 100644\n"
      "--- a/src/a.c\n"
      "+++ b/src/a.c\n"
      "@@ -10,3 +10,3 @@ int main() {\n"
      " a\n"
      "-b\n"
      "+B\n"
      " c\n"
      "@@ -20 +20 @@\n"
      "-last\n"
      "\\ No newline at end of file\n"
      "+last\n"
      "diff --git a/new.txt b/new.txt\n"
      "new file mode 100644\n"
      "index 0000000..e69de29\n"
      "--- /dev/null\n"
      "+++ b/new.txt\n"
      "@@ -0,0 +1,2 @@\n"
      "+hello\n"
      "+world\n"
      "diff --git a/gone.txt b/gone.txt\n"
      "deleted file mode 100644\n"
      "--- a/gone.txt\n"
      "+++ /dev/null\n"
      "@@ -1 +0,0 @@\n"
      "-bye\n"
      "diff --git a/old name.txt b/new name.txt\n"
      "similarity index 100%\n"
      "rename from old name.txt\n"
      "rename to new name.txt\n"
      "diff --git a/empty b/empty\n"
      "new file mode 100644\n"
      "index 0000000..e69de29\n");
  EXPECT_TRUE(p.unified);
  ASSERT_EQ(p.changes.size(), 5u);
  const FileChange& m = p.changes[0];
  EXPECT_EQ(m.kind, FileChangeKind::kUpdate);
  EXPECT_EQ(m.path, "src/a.c");
  ASSERT_EQ(m.hunks.size(), 2u);
  EXPECT_EQ(m.hunks[0].old_start, 10u);
  EXPECT_EQ(m.hunks[0].old_lines(), (S{"a", "b", "c"}));
  EXPECT_EQ(m.hunks[0].patch_line, 8u);
  EXPECT_TRUE(m.hunks[1].old_no_newline);
  EXPECT_FALSE(m.hunks[1].new_no_newline);
  EXPECT_EQ(p.changes[1].kind, FileChangeKind::kAdd);
  EXPECT_EQ(p.changes[1].path, "new.txt");
  EXPECT_EQ(p.changes[1].content, "hello\nworld\n");
  EXPECT_EQ(p.changes[2].kind, FileChangeKind::kDelete);
  EXPECT_EQ(p.changes[2].path, "gone.txt");
  EXPECT_EQ(p.changes[3].kind, FileChangeKind::kUpdate);
  EXPECT_EQ(p.changes[3].path, "old name.txt");
  EXPECT_EQ(p.changes[3].move_to, "new name.txt");
  EXPECT_TRUE(p.changes[3].hunks.empty());
  EXPECT_EQ(p.changes[4].kind, FileChangeKind::kAdd);
  EXPECT_EQ(p.changes[4].content, "");
}

TEST(ParseUnified, DiffUWithTimestampsQuotedPathsAndMiscountedHunks) {
  Patch p = parse_ok(
      "--- x.txt\t2024-01-01 10:00:00.000000000 +0000\n"
      "+++ x.txt\t2024-01-02 10:00:00.000000000 +0000\n"
      "@@ -1,2 +1,2 @@\n"  // says 2 lines, has 4
      " a\n"
      "-b\n"
      "+c\n"
      " d\n"
      "--- \"t\\303\\251st.txt\"\n"
      "+++ \"t\\303\\251st.txt\"\n"
      "@@ -1,9 +1,9 @@\n"  // says 9, has 2: ends at the next header
      "-x\n"
      "+y\n"
      "--- a/z.txt\n"
      "+++ b/z.txt\n"
      "@@ -1 +1 @@\n"
      "--- a SQL comment, removed\n"
      "+++ not a header either\n");
  ASSERT_EQ(p.changes.size(), 3u);
  EXPECT_EQ(p.changes[0].path, "x.txt");
  EXPECT_EQ(p.changes[0].hunks[0].old_lines(), (S{"a", "b", "d"}));
  EXPECT_EQ(p.changes[1].path, "tést.txt");
  EXPECT_EQ(p.changes[1].hunks[0].new_lines(), (S{"y"}));
  EXPECT_EQ(p.changes[2].path, "z.txt");
  EXPECT_EQ(p.changes[2].hunks[0].old_lines(), (S{"-- a SQL comment, removed"}));
  EXPECT_EQ(p.changes[2].hunks[0].new_lines(), (S{"++ not a header either"}));
}

TEST(ParseUnified, Errors) {
  EXPECT_NE(parse_error("diff --git a/i.png b/i.png\nindex 1..2 100644\nBinary files a/i.png and b/i.png differ\n")
                .find("binary patches are not supported (i.png)"),
            std::string::npos);
  EXPECT_NE(parse_error("@@ -1 +1 @@\n-a\n+b\n").find("before any \"--- a/file\""), std::string::npos);
  EXPECT_NE(parse_error("--- a/x\n+++ b/x\n@@ -1 +1 @@\n@@ -5 +5 @@\n-a\n").find("the hunk has no lines"),
            std::string::npos);
}

TEST(ParseHunkHeader, Forms) {
  HunkHeader h;
  ASSERT_TRUE(parse_hunk_header("@@ -12,5 +13,6 @@ void f()", &h));
  EXPECT_EQ(h.old_start, 12u);
  EXPECT_EQ(h.old_count, 5u);
  EXPECT_EQ(h.new_start, 13u);
  EXPECT_EQ(h.new_count, 6u);
  ASSERT_TRUE(parse_hunk_header("@@ -3 +3 @@", &h));
  EXPECT_EQ(h.old_count, 1u);
  EXPECT_FALSE(parse_hunk_header("@@ class Foo", &h));
  EXPECT_FALSE(parse_hunk_header("@@ -x +1 @@", &h));
}

}  // namespace
}  // namespace agent
