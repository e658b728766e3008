#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include <git2.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class ApplyPatchToolTest : public ToolTest {
 protected:
  ToolOutput patch(const std::string& text) { return call("apply_patch", Json{{"patch", text}}.dump()); }

  std::vector<std::string> tree() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(ctx_.workspace)) {
      if (e.path().filename() == ".git") continue;
      out.push_back(e.path().lexically_relative(ctx_.workspace).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

using V = std::vector<std::string>;

TEST_F(ApplyPatchToolTest, EnvelopeAddUpdateDeleteMove) {
  write("src/app.py", "import os\n\ndef run():\n    x = 1\n    return x\n");
  write("old.txt", "bye\n");
  write("notes.md", "# Notes\nsome\n");
  auto out = patch(
      "*** Begin Patch\n"
      "*** Add File: src/util/new.py\n"
      "+def helper():\n"
      "+    return 42\n"
      "*** Update File: src/app.py\n"
      "@@ def run():\n"
      "-    x = 1\n"
      "+    x = 2\n"
      "     return x\n"
      "*** Delete File: old.txt\n"
      "*** Update File: notes.md\n"
      "*** Move to: docs/notes.md\n"
      " # Notes\n"
      "-some\n"
      "+more\n"
      "*** End Patch");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(out.content,
            "Applied the patch:\nA src/util/new.py (2 lines)\nM src/app.py (+1 -1)\nD old.txt\n"
            "R notes.md -> docs/notes.md (+1 -1)\n");
  EXPECT_EQ(read("src/util/new.py"), "def helper():\n    return 42\n");
  EXPECT_EQ(read("src/app.py"), "import os\n\ndef run():\n    x = 2\n    return x\n");
  EXPECT_FALSE(exists("old.txt"));
  EXPECT_FALSE(exists("notes.md"));
  EXPECT_EQ(read("docs/notes.md"), "# Notes\nmore\n");
  EXPECT_EQ(tree(), (V{"docs", "docs/notes.md", "src", "src/app.py", "src/util", "src/util/new.py"}));
}

TEST_F(ApplyPatchToolTest, AnchorsTellIdenticalBlocksApart) {
  const std::string body = "    if x:\n        return 1\n";
  write("m.py", "class A:\n  def f(self):\n" + body + "class B:\n  def f(self):\n" + body);
  auto out = patch(
      "*** Begin Patch\n*** Update File: m.py\n@@ class B:\n@@   def f(self):\n"
      "     if x:\n-        return 1\n+        return 2\n*** End Patch");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("m.py"), "class A:\n  def f(self):\n" + body +
                              "class B:\n  def f(self):\n    if x:\n        return 2\n");
}

TEST_F(ApplyPatchToolTest, EndOfFileHunkMatchesTheLastOccurrence) {
  write("f.txt", "end\nmiddle\nend\n");
  auto out = patch("*** Begin Patch\n*** Update File: f.txt\n@@\n-end\n+END\n*** End of File\n*** End Patch");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("f.txt"), "end\nmiddle\nEND\n");
}

TEST_F(ApplyPatchToolTest, LenientMatchesKeepTheFilesContextAndSaySo) {
  write("t.py", "def f():  \n    s = \"it's\"  # \u2014 note\n    return s\n");
  auto out = patch(
      "*** Begin Patch\n*** Update File: t.py\n"
      " def f():\n"
      "     s = \"it\u2019s\"  # - note\n"  // the model typed a curly quote and a hyphen
      "-    return s\n"
      "+    return s.upper()\n"
      "*** End Patch");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("t.py"), "def f():  \n    s = \"it's\"  # \u2014 note\n    return s.upper()\n");
  EXPECT_NE(out.content.find("note: t.py, hunk 1 (patch line 3) matched ignoring whitespace and Unicode punctuation"),
            std::string::npos) << out.content;
}

TEST_F(ApplyPatchToolTest, UnifiedDiffUsesLineNumbersOnlyAsAHint) {
  std::string text;
  for (int i = 1; i <= 40; ++i) text += (i == 5 || i == 30 ? "x = 0\n" : "line " + std::to_string(i) + "\n");
  write("a.py", text);
  // Both "x = 0" lines have no distinguishing context; the header's line 30 picks the second.
  // The file also gained two lines at the top since the diff was made: still found.
  write("a.py", "new 1\nnew 2\n" + text);
  auto out = patch("--- a/a.py\n+++ b/a.py\n@@ -30 +30 @@\n-x = 0\n+x = 1\n");
  ASSERT_FALSE(out.is_error) << out.content;
  std::string want = "new 1\nnew 2\n" + text;
  want.replace(want.rfind("x = 0"), 5, "x = 1");
  EXPECT_EQ(read("a.py"), want);
}

TEST_F(ApplyPatchToolTest, UnifiedDiffNewDeletedRenamedAndNoNewlineAtEnd) {
  write("keep.txt", "a\nb");  // no newline at the end
  write("gone.txt", "bye\n");
  write("from.txt", "same\n");
  auto out = patch(
      "diff --git a/keep.txt b/keep.txt\n--- a/keep.txt\n+++ b/keep.txt\n@@ -1,2 +1,2 @@\n a\n-b\n"
      "\\ No newline at end of file\n+B\n"
      "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n"
      "@@ -1 +0,0 @@\n-bye\n"
      "diff --git a/from.txt b/to.txt\nsimilarity index 100%\nrename from from.txt\nrename to to.txt\n"
      "diff --git a/n/new.txt b/n/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/n/new.txt\n"
      "@@ -0,0 +1 @@\n+no newline\n\\ No newline at end of file\n");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("keep.txt"), "a\nB\n");
  EXPECT_FALSE(exists("gone.txt"));
  EXPECT_FALSE(exists("from.txt"));
  EXPECT_EQ(read("to.txt"), "same\n");
  EXPECT_EQ(read("n/new.txt"), "no newline");
}

// A diff as libgit2 (git's format) prints it, from real edits, applies back onto the originals.
TEST_F(ApplyPatchToolTest, DiffPrintedByGitAppliesBack) {
  init_repo();
  std::string big;
  for (int i = 1; i <= 60; ++i) big += "row " + std::to_string(i) + "\n";
  const std::map<std::string, std::string> before = {
      {"big.txt", big}, {"del.txt", "to delete\n"}, {"tail.txt", "a\nb"}, {"ü/ñ.txt", "Ünïcode\n"}};
  for (const auto& [k, v] : before) write(k, v);
  git_libgit2_init();
  git_repository* repo = nullptr;
  ASSERT_EQ(git_repository_open(&repo, ctx_.workspace.c_str()), 0);
  git_index* index = nullptr;
  ASSERT_EQ(git_repository_index(&index, repo), 0);
  for (const auto& [k, v] : before) ASSERT_EQ(git_index_add_bypath(index, k.c_str()), 0);
  ASSERT_EQ(git_index_write(index), 0);

  std::string edited = big;
  edited.replace(edited.find("row 3\n"), 6, "row three\n");
  edited.replace(edited.find("row 40\n"), 7, "row forty\nrow 40.5\n");
  write("big.txt", edited);
  ASSERT_TRUE(fs::remove(ctx_.workspace / "del.txt"));
  write("tail.txt", "a\nB\n");
  write("ü/ñ.txt", "Ünïcode ✓\n");

  git_diff* diff = nullptr;
  git_buf buf = GIT_BUF_INIT;
  ASSERT_EQ(git_diff_index_to_workdir(&diff, repo, index, nullptr), 0);
  ASSERT_EQ(git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH), 0);
  std::string text(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  git_diff_free(diff);
  git_index_free(index);
  git_repository_free(repo);
  git_libgit2_shutdown();

  for (const auto& [k, v] : before) write(k, v);
  auto out = patch(text);
  ASSERT_FALSE(out.is_error) << out.content << "\n" << text;
  EXPECT_EQ(read("big.txt"), edited);
  EXPECT_FALSE(exists("del.txt"));
  EXPECT_EQ(read("tail.txt"), "a\nB\n");
  EXPECT_EQ(read("ü/ñ.txt"), "Ünïcode ✓\n");
}

TEST_F(ApplyPatchToolTest, CrlfFilesKeepCrlfAndUnicodeSurvives) {
  write("w.txt", "un\r\ndeux\r\ntrois\r\n");
  write("u.md", "Grüße 👋\nzwei\n");
  auto out = patch(
      "*** Begin Patch\n*** Update File: w.txt\n un\n-deux\n+DEUX\n+deux et demi\n"
      "*** Update File: u.md\n Grüße 👋\n-zwei\n+二\n*** End Patch");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("w.txt"), "un\r\nDEUX\r\ndeux et demi\r\ntrois\r\n");
  EXPECT_EQ(read("u.md"), "Grüße 👋\n二\n");
}

TEST_F(ApplyPatchToolTest, SameFileTwiceAndModeKept) {
  write("s.sh", "#!/bin/sh\necho 1\necho 2\n");
  ASSERT_EQ(::chmod((ctx_.workspace / "s.sh").c_str(), 0755), 0);
  auto out = patch(
      "*** Begin Patch\n*** Update File: s.sh\n-echo 1\n+echo one\n"
      "*** Update File: s.sh\n-echo 2\n+echo two\n*** End Patch");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(read("s.sh"), "#!/bin/sh\necho one\necho two\n");
  struct stat st {};
  ASSERT_EQ(::stat((ctx_.workspace / "s.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

// The point of apply_patch: a patch that does not apply leaves every file as it was, including
// the files before the failing hunk.
TEST_F(ApplyPatchToolTest, FailingHunkChangesNothingAnywhere) {
  write("a.py", "a = 1\n");
  write("b.py", "def g():\n    total = 1\n    return total\n");
  write("c.py", "c = 1\n");
  auto before = tree();
  auto out = patch(
      "*** Begin Patch\n"
      "*** Update File: a.py\n-a = 1\n+a = 2\n"
      "*** Add File: added.py\n+new\n"
      "*** Delete File: c.py\n"
      "*** Update File: b.py\n def g():\n-    total = 1\n+    total = 3\n"
      "@@\n-    return totl\n+    return total * 2\n"
      "*** End Patch");
  ASSERT_TRUE(out.is_error);
  EXPECT_EQ(out.content.rfind("apply_patch failed; no file was changed.\n", 0), 0u) << out.content;
  EXPECT_NE(out.content.find("b.py, hunk 2 (patch line 12): the lines to change were not found after line 2"),
            std::string::npos) << out.content;
  EXPECT_NE(out.content.find("The closest part of the file is lines 3-3"), std::string::npos) << out.content;
  EXPECT_NE(out.content.find("     3\t    return total\n"), std::string::npos);
  EXPECT_EQ(read("a.py"), "a = 1\n");
  EXPECT_EQ(read("c.py"), "c = 1\n");
  EXPECT_FALSE(exists("added.py"));
  EXPECT_EQ(tree(), before);
}

TEST_F(ApplyPatchToolTest, WriteFailureHalfWayChangesNothing) {
  write("a.py", "a = 1\n");
  write("blocker", "a file where the patch wants a folder\n");
  auto out = patch(
      "*** Begin Patch\n*** Update File: a.py\n-a = 1\n+a = 2\n"
      "*** Add File: newdir/x.py\n+x\n"
      "*** Add File: blocker/inside.py\n+y\n*** End Patch");
  ASSERT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("blocker/inside.py"), std::string::npos) << out.content;
  EXPECT_EQ(read("a.py"), "a = 1\n");
  EXPECT_EQ(tree(), (V{"a.py", "blocker"}));
}

TEST_F(ApplyPatchToolTest, FileLevelErrors) {
  write("exists.txt", "x\n");
  write("main.py", "x\n");
  write("bin.dat", std::string("a\0b\n", 4));
  struct Case {
    const char* patch;
    const char* error;
  } cases[] = {
      {"*** Begin Patch\n*** Add File: exists.txt\n+y\n*** End Patch", "exists.txt already exists"},
      {"*** Begin Patch\n*** Delete File: nope.txt\n*** End Patch", "Delete File: nope.txt does not exist"},
      {"*** Begin Patch\n*** Update File: mian.py\n-x\n+y\n*** End Patch",
       "Update File: mian.py does not exist (similar files: main.py)"},
      {"*** Begin Patch\n*** Update File: main.py\n*** Move to: exists.txt\n-x\n+y\n*** End Patch",
       "Move to: exists.txt already exists"},
      {"*** Begin Patch\n*** Update File: bin.dat\n-a\n+b\n*** End Patch", "bin.dat is a binary file"},
      {"*** Begin Patch\n*** Update File: main.py\n@@ def nowhere():\n-x\n+y\n*** End Patch",
       "main.py, hunk 1 (patch line 3): the @@ line \"def nowhere():\" was not found"},
      {"--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n", "Delete File: gone.txt does not exist"},
  };
  for (const auto& c : cases) {
    auto out = patch(c.patch);
    EXPECT_TRUE(out.is_error) << c.patch;
    EXPECT_NE(out.content.find(c.error), std::string::npos) << out.content;
  }
  EXPECT_EQ(tree(), (V{"bin.dat", "exists.txt", "main.py"}));
  EXPECT_EQ(read("exists.txt"), "x\n");
  EXPECT_EQ(read("main.py"), "x\n");
}

TEST_F(ApplyPatchToolTest, PathsOutsideSymlinksOutAndGitAreRefused) {
  auto outside = ctx_.workspace.parent_path() / "outside";
  ASSERT_TRUE(make_dirs(outside).ok());
  ASSERT_TRUE(write_file_atomic(outside / "victim.txt", "safe\n").ok());
  ASSERT_EQ(::symlink(outside.c_str(), (ctx_.workspace / "link").c_str()), 0);
  write("ok.txt", "ok\n");
  init_repo();
  for (const char* p : {"../outside/victim.txt", "link/victim.txt", ".git/config", "/etc/hostname"}) {
    auto out = patch(std::string("*** Begin Patch\n*** Update File: ok.txt\n-ok\n+changed\n"
                                 "*** Add File: ") + p + "\n+pwned\n*** End Patch");
    EXPECT_TRUE(out.is_error) << p;
    EXPECT_TRUE(out.content.find("outside the repository") != std::string::npos ||
                out.content.find(".git folder") != std::string::npos) << out.content;
  }
  auto del = patch("*** Begin Patch\n*** Delete File: link/victim.txt\n*** End Patch");
  EXPECT_TRUE(del.is_error);
  EXPECT_EQ(*read_file(outside / "victim.txt"), "safe\n");
  EXPECT_EQ(read("ok.txt"), "ok\n");
  EXPECT_TRUE(fs::exists(ctx_.workspace / ".git/config"));
}

TEST_F(ApplyPatchToolTest, MalformedPatchIsAnErrorForTheModel) {
  write("a.txt", "x\n");
  auto out = patch("*** Begin Patch\n*** Update File: a.txt\n-x\n+y\n");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("does not end with \"*** End Patch\""), std::string::npos);
  EXPECT_EQ(read("a.txt"), "x\n");
  EXPECT_TRUE(call("apply_patch", R"({"diff":"x"})").is_error);
}

}  // namespace
}  // namespace agent
