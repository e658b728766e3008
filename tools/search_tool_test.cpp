#include <unistd.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class SearchToolTest : public ToolTest {
 protected:
  ToolOutput search(const std::string& pattern, const char* path = nullptr, const char* glob = nullptr) {
    Json args{{"pattern", pattern}};
    if (path != nullptr) args["path"] = path;
    if (glob != nullptr) args["glob"] = glob;
    return call("search", args.dump());
  }
};

TEST_F(SearchToolTest, PrintsPathLineTextSortedByPath) {
  write("src/b.py", "def beta():\n    return helper()\n");
  write("src/a.py", "import os\n\ndef helper():\n    pass\n");
  write("README.md", "call helper() first\n");
  auto out = search("helper\\(");
  ASSERT_FALSE(out.is_error) << out.content;
  EXPECT_EQ(out.content,
            "README.md:1:call helper() first\n"
            "src/a.py:3:def helper():\n"
            "src/b.py:2:    return helper()\n");
  EXPECT_EQ(out.details["matches"], 3);
}

TEST_F(SearchToolTest, AnchorsAreLineAnchorsAndMatchesStayOnOneLine) {
  write("f.txt", "foo\n  foo\nfoobar\nbar foo\n");
  EXPECT_EQ(search("^foo$").content, "f.txt:1:foo\n");
  EXPECT_EQ(search("(?i)^FOO").content, "f.txt:1:foo\nf.txt:3:foobar\n");
  // \s could match the line break; a match must lie within one line.
  write("g.txt", "foo\nbar\n");
  EXPECT_EQ(search("foo\\s+bar", "g.txt").content, "No matches for /foo\\s+bar/ in g.txt\n");
  EXPECT_EQ(search("foo\\s*$", "g.txt").content, "g.txt:1:foo\n");
  EXPECT_EQ(search("o$", "f.txt").content, "f.txt:1:foo\nf.txt:2:  foo\nf.txt:4:bar foo\n");
}

TEST_F(SearchToolTest, PathAndGlobNarrowTheSearch) {
  write("src/a.ts", "needle\n");
  write("src/x/b.ts", "needle\n");
  write("src/c.js", "needle\n");
  write("lib/d.ts", "needle\n");
  EXPECT_EQ(search("needle", "src", "*.ts").content, "src/a.ts:1:needle\nsrc/x/b.ts:1:needle\n");
  EXPECT_EQ(search("needle", nullptr, "src/**/*.ts").content, "src/a.ts:1:needle\nsrc/x/b.ts:1:needle\n");
  EXPECT_EQ(search("needle", "lib/d.ts").content, "lib/d.ts:1:needle\n");
  auto none = search("needle", "src", "*.rs");
  EXPECT_FALSE(none.is_error);
  EXPECT_EQ(none.content, "No matches for /needle/ in src (glob *.rs)\n");
}

TEST_F(SearchToolTest, RespectsGitignoreAndSkipsGitAndBinaryFiles) {
  init_repo();
  write(".gitignore", "build/\n*.log\n");
  write("build/out.txt", "needle\n");
  write("debug.log", "needle\n");
  write("src/main.c", "needle\n");
  write(".git/needle.txt", "needle\n");
  write("blob.bin", std::string("needle\0\1\2", 9));
  EXPECT_EQ(search("needle").content, "src/main.c:1:needle\n");
  // Naming an ignored folder searches it.
  EXPECT_EQ(search("needle", "build").content, "build/out.txt:1:needle\n");
  auto bin = search("needle", "blob.bin");
  EXPECT_NE(bin.content.find("[1 binary files skipped]"), std::string::npos) << bin.content;
}

TEST_F(SearchToolTest, MatchLimitCountsTheRest) {
  std::string text;
  for (int i = 1; i <= 30; ++i) text += "hit " + std::to_string(i) + "\n";
  write("a.txt", text);
  write("b.txt", "hit\n");
  ctx_.limits.search_max_matches = 5;
  auto out = search("hit");
  EXPECT_EQ(out.content.substr(0, out.content.find("[...")),
            "a.txt:1:hit 1\na.txt:2:hit 2\na.txt:3:hit 3\na.txt:4:hit 4\na.txt:5:hit 5\n");
  EXPECT_NE(out.content.find("[... 26 more matches not shown (31 in 2 files); narrow the pattern, path or glob]"),
            std::string::npos) << out.content;
}

TEST_F(SearchToolTest, LongLinesAreCutAroundTheMatchAndUnicodeIsKept) {
  write("min.js", std::string(5000, 'a') + "NEEDLE" + std::string(5000, 'b') + "\n");
  auto out = search("NEEDLE");
  ASSERT_FALSE(out.is_error);
  EXPECT_EQ(out.content.rfind("min.js:1:[...]" + std::string(100, 'a') + "NEEDLE", 0), 0u) << out.content.substr(0, 200);
  EXPECT_LT(out.content.size(), 400u);
  write("u.txt", "naïve café 日本語\nbad \xff byte café\n");
  EXPECT_EQ(search("caf.", "u.txt").content, "u.txt:1:naïve café 日本語\nu.txt:2:bad \xEF\xBF\xBD byte café\n");
  EXPECT_EQ(search("日本", "u.txt").content, "u.txt:1:naïve café 日本語\n");
}

TEST_F(SearchToolTest, BadInput) {
  auto bad = search("foo(");
  EXPECT_TRUE(bad.is_error);
  EXPECT_NE(bad.content.find("invalid regular expression /foo(/: missing )"), std::string::npos) << bad.content;
  auto look = search("(?<=a)b");
  EXPECT_TRUE(look.is_error);
  EXPECT_TRUE(search("").is_error);
  auto missing = search("x", "nope");
  EXPECT_TRUE(missing.is_error);
  EXPECT_NE(missing.content.find("nope does not exist"), std::string::npos);
  EXPECT_TRUE(search("x", "../").is_error);
  EXPECT_TRUE(search("x", "/etc").is_error);
  EXPECT_TRUE(search("x", nullptr, "*.{py").is_error);
}

TEST_F(SearchToolTest, SymlinksAreNotFollowed) {
  auto outside = ctx_.workspace.parent_path() / "secret.txt";
  ASSERT_TRUE(write_file_atomic(outside, "needle in secret\n").ok());
  ASSERT_EQ(::symlink(outside.c_str(), (ctx_.workspace / "leak.txt").c_str()), 0);
  ASSERT_EQ(::symlink(ctx_.workspace.parent_path().c_str(), (ctx_.workspace / "up").c_str()), 0);
  write("in.txt", "needle\n");
  EXPECT_EQ(search("needle").content, "in.txt:1:needle\n");
  EXPECT_TRUE(search("needle", "leak.txt").is_error);
}

}  // namespace
}  // namespace agent
