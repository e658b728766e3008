// Checkouts from a repository and from a bundle, restoring test files, and applying patches
// exactly and tolerantly — without ever writing to the source repository.
#include "tasks/bench/checkout.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "common/fs.h"
#include "tasks/bench/evaluate.h"

namespace agent::bench {
namespace {

int sh(const std::string& cmd) { return std::system(("(" + cmd + ") >/dev/null 2>&1").c_str()); }

std::string slurp(const fs::path& p) {
  auto r = read_file(p);
  return r.ok() ? *r : "<missing>";
}

class CheckoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("checkout-test-");
    ASSERT_TRUE(t.ok());
    tmp_ = std::move(*t);
    src_ = tmp_.path() / "src";
    const std::string git = "git -c user.name=t -c user.email=t@t -c init.defaultBranch=main";
    ASSERT_EQ(sh("mkdir -p " + src_.string() + "/pkg && cd " + src_.string() + " && " + git +
                 " init -q && printf 'one\\ntwo\\nthree\\nfour\\nfive\\nsix\\n' > pkg/a.txt && "
                 "printf 'test v1\\n' > test_a.txt && printf '#!/bin/sh\\necho hi\\n' > run.sh && chmod +x run.sh && " +
                 git + " add -A && " + git + " commit -qm one && printf 'later\\n' > later.txt && " + git +
                 " add -A && " + git + " commit -qm two"),
              0);
    first_ = read_head("HEAD~1");
    ASSERT_EQ(first_.size(), 40u);
  }
  std::string read_head(const std::string& rev) {
    fs::path out = tmp_.path() / "rev.txt";
    sh("git -C " + src_.string() + " rev-parse " + rev + " > " + out.string());
    std::string s = slurp(out);
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
  TempDir tmp_;
  fs::path src_;
  std::string first_;
};

TEST_F(CheckoutTest, FromARepositoryAtAnOlderCommit) {
  std::string before = slurp(src_ / ".git/HEAD");
  RepoSources sources(tmp_.path() / "cache");
  auto objects = sources.objects_dir(src_.string());
  ASSERT_TRUE(objects.ok()) << objects.status().to_string();
  fs::path dest = tmp_.path() / "work";
  ASSERT_TRUE(checkout_commit(*objects, first_, dest).ok());
  EXPECT_EQ(slurp(dest / "pkg/a.txt"), "one\ntwo\nthree\nfour\nfive\nsix\n");
  EXPECT_FALSE(fs::exists(dest / "later.txt")) << "the later commit's file is not there";
  EXPECT_TRUE((fs::status(dest / "run.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  EXPECT_EQ(sh("cd " + dest.string() + " && test \"$(git rev-parse HEAD)\" = " + first_ + " && test -z \"$(git status --porcelain)\""), 0)
      << "git itself sees a clean checkout at the commit";
  EXPECT_EQ(slurp(src_ / ".git/HEAD"), before);
  EXPECT_EQ(sh("cd " + src_.string() + " && test -z \"$(git status --porcelain)\""), 0) << "the source is untouched";
}

TEST_F(CheckoutTest, FromABundleUnpackedOnce) {
  fs::path bundle = tmp_.path() / "src.bundle";
  ASSERT_EQ(sh("git -C " + src_.string() + " bundle create " + bundle.string() + " main"), 0);
  RepoSources sources(tmp_.path() / "cache");
  auto objects = sources.objects_dir(bundle.string());
  ASSERT_TRUE(objects.ok()) << objects.status().to_string();
  auto again = sources.objects_dir(bundle.string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*objects, *again);
  ASSERT_TRUE(checkout_commit(*objects, read_head("HEAD"), tmp_.path() / "w").ok());
  EXPECT_EQ(slurp(tmp_.path() / "w/later.txt"), "later\n");
  // A second RepoSources (a resumed batch) reuses the unpacked copy.
  RepoSources resumed(tmp_.path() / "cache");
  auto reused = resumed.objects_dir(bundle.string());
  ASSERT_TRUE(reused.ok());
  EXPECT_EQ(*reused, *objects);
}

TEST_F(CheckoutTest, BadSourcesAreNamed) {
  RepoSources sources(tmp_.path() / "cache");
  auto missing = sources.objects_dir((tmp_.path() / "nope.bundle").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.bundle"), std::string::npos);
  ASSERT_TRUE(write_file_atomic(tmp_.path() / "junk.bundle", "not a bundle\n\n").ok());
  auto junk = sources.objects_dir((tmp_.path() / "junk.bundle").string());
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("not a git bundle"), std::string::npos);
  auto objects = sources.objects_dir(src_.string());
  ASSERT_TRUE(objects.ok());
  Status s = checkout_commit(*objects, std::string(40, 'a'), tmp_.path() / "w");
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.to_string();
}

TEST_F(CheckoutTest, RestorePathsAndApplyPatches) {
  RepoSources sources(tmp_.path() / "cache");
  auto objects = sources.objects_dir(src_.string());
  ASSERT_TRUE(objects.ok());
  fs::path w = tmp_.path() / "w";
  ASSERT_TRUE(checkout_commit(*objects, first_, w).ok());
  std::string patch =
      "diff --git a/pkg/a.txt b/pkg/a.txt\n--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n"
      "diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n";
  EXPECT_EQ(diff_paths(patch), (std::vector<std::string>{"new.txt", "pkg/a.txt"}));
  ASSERT_TRUE(git_apply_patch(w, patch).ok());
  EXPECT_EQ(slurp(w / "pkg/a.txt"), "one\ntwo\nTHREE\nfour\nfive\nsix\n");
  EXPECT_EQ(slurp(w / "new.txt"), "new\n");
  // A patch that does not fit changes nothing.
  Status bad = git_apply_patch(w, "--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -1,2 +1,2 @@\n nope\n-two\n+2\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(slurp(w / "pkg/a.txt"), "one\ntwo\nTHREE\nfour\nfive\nsix\n");
  ASSERT_TRUE(restore_paths(w, diff_paths(patch)).ok());
  EXPECT_EQ(slurp(w / "pkg/a.txt"), "one\ntwo\nthree\nfour\nfive\nsix\n");
  EXPECT_FALSE(fs::exists(w / "new.txt")) << "files the commit lacks are removed";
}

TEST(GitHeaders, PlainUnifiedDiffsGetGitHeaders) {
  EXPECT_EQ(with_git_headers("--- a/x.c\t2026-01-01 10:00\n+++ b/x.c\t2026-01-02\n@@ -1 +1 @@\n-a\n+b\n"),
            "diff --git a/x.c b/x.c\n--- a/x.c\t2026-01-01 10:00\n+++ b/x.c\t2026-01-02\n@@ -1 +1 @@\n-a\n+b\n");
  EXPECT_EQ(with_git_headers("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+n\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-o\n"),
            "diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+n\n"
            "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-o\n");
  std::string git = "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
  EXPECT_EQ(with_git_headers(git), git);
  // A removed line that happens to start with "--" is hunk content, not a header.
  std::string tricky = git + "diff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -1,2 +1 @@\n--- not a header\n+++ nor this\n";
  EXPECT_EQ(with_git_headers(tricky), tricky);
}

TEST_F(CheckoutTest, FallbackAppliesAPatchWithStaleLineNumbersAndContext) {
  RepoSources sources(tmp_.path() / "cache");
  auto objects = sources.objects_dir(src_.string());
  ASSERT_TRUE(objects.ok());
  fs::path w = tmp_.path() / "w";
  ASSERT_TRUE(checkout_commit(*objects, first_, w).ok());
  // Wrong line numbers and a context line with different trailing blanks: git apply refuses
  // it, the tolerant apply places it.
  std::string patch = "--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -40,3 +40,3 @@\n four  \n-five\n+FIVE\n six\n";
  auto method = apply_with_fallbacks(w, patch);
  ASSERT_TRUE(method.ok()) << method.status().to_string();
  EXPECT_EQ(*method, "fuzzy");
  EXPECT_EQ(slurp(w / "pkg/a.txt"), "one\ntwo\nthree\nfour\nFIVE\nsix\n");
  auto exact = apply_with_fallbacks(w, "--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -1,2 +1,2 @@\n-one\n+ONE\n two\n");
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(*exact, "git apply");
  auto hopeless = apply_with_fallbacks(w, "--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -1,2 +1,2 @@\n-zebra\n+ZEBRA\n");
  ASSERT_FALSE(hopeless.ok());
  EXPECT_EQ(slurp(w / "pkg/a.txt"), "one\ntwo\nthree\nfour\nfive\nsix\n")
      << "a failed apply leaves the files as the commit has them (grading starts from a clean checkout)";
}


TEST(DiffPaths, HunkBodiesAreContentNotHeaders) {
  // A removed "-- gen.txt" line and an added "++ gen.txt" line inside a counted hunk.
  std::string patch = "--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -1,3 +1,3 @@\n one\n--- gen.txt\n+++ gen.txt\n three\n"
                      "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1,2 @@\n-x\n+--- /etc/passwd\n++++ /tmp/v\n";
  EXPECT_EQ(diff_paths(patch), (std::vector<std::string>{"b.txt", "pkg/a.txt"}));
  // Without counts (no hunk header) a pair is a header, as before.
  EXPECT_EQ(diff_paths("--- a/x\n+++ b/y\n"), (std::vector<std::string>{"x", "y"}));
  // "\ No newline" lines do not count; the next file's header is read after the hunk.
  EXPECT_EQ(diff_paths("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n--- a/z\n+++ b/z\n"),
            (std::vector<std::string>{"x", "z"}));
}

TEST(DiffPaths, GitHeadersRenamesAndQuotedNames) {
  std::string patch =
      "diff --git a/old name.txt b/new name.txt\nsimilarity index 90%\nrename from old name.txt\n"
      "rename to new name.txt\n"
      "diff --git a/empty b/empty\nnew file mode 100644\n"
      "diff --git \"a/caf\\303\\251.txt\" \"b/caf\\303\\251.txt\"\n--- \"a/caf\\303\\251.txt\"\n"
      "+++ \"b/caf\\303\\251.txt\"\n@@ -1 +1 @@\n-a\n+b\n"
      "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-g\n";
  EXPECT_EQ(diff_paths(patch), (std::vector<std::string>{"caf\xc3\xa9.txt", "empty", "gone.txt", "new name.txt",
                                                         "old name.txt"}));
  // Rename lines carry no a/ b/ prefix: a folder named "a" stays.
  EXPECT_EQ(diff_paths("diff --git a/a/x b/a/y\nrename from a/x\nrename to a/y\n"),
            (std::vector<std::string>{"a/x", "a/y"}));
}

TEST_F(CheckoutTest, PathsOutsideTheCheckoutAreRefused) {
  RepoSources sources(tmp_.path() / "cache");
  auto objects = sources.objects_dir(src_.string());
  ASSERT_TRUE(objects.ok());
  fs::path w = tmp_.path() / "w";
  ASSERT_TRUE(checkout_commit(*objects, first_, w).ok());
  fs::path outside = tmp_.path() / "outside";
  ASSERT_TRUE(write_file_atomic(outside / "victim", "keep me\n").ok());
  fs::create_directory_symlink(outside, w / "link-out");
  fs::create_directory_symlink(w / "pkg", w / "link-in");

  EXPECT_TRUE(check_checkout_paths(w, {"pkg/a.txt", "new/dir/f.txt", "link-in/a.txt", "link-out", "./x/../y"}).ok());
  for (const std::string& bad : {(outside / "victim").string(), std::string("../outside/victim"),
                                 std::string("pkg/../../outside/victim"), std::string(".git/config"),
                                 std::string("sub/.git/hooks/pre-commit"), std::string("link-out/victim"),
                                 std::string("."), std::string("")}) {
    Status s = check_checkout_paths(w, {"pkg/a.txt", bad});
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  // A patch that does not apply would have its files restored (new ones deleted): a name
  // outside the checkout is refused first and nothing is touched.
  for (const std::string& patch :
       {"--- /dev/null\n+++ " + (outside / "victim").string() + "\n@@ -0,0 +1 @@\n+x\n@@ -7 +7 @@\n-no\n+no\n",
        std::string("--- a/../outside/victim\n+++ b/../outside/victim\n@@ -1 +1 @@\n-nope\n+x\n"),
        std::string("--- a/link-out/victim\n+++ b/link-out/victim\n@@ -1 +1 @@\n-nope\n+x\n")}) {
    auto r = apply_with_fallbacks(w, patch);
    ASSERT_FALSE(r.ok()) << patch;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("refused"), std::string::npos) << r.status().message();
    EXPECT_EQ(slurp(outside / "victim"), "keep me\n") << patch;
  }
  EXPECT_FALSE(restore_paths(w, {"link-out/victim"}).ok());
  EXPECT_EQ(slurp(outside / "victim"), "keep me\n");
}

TEST_F(CheckoutTest, AFailedApplyKeepsFilesNamedOnlyInHunkBodies) {
  RepoSources sources(tmp_.path() / "cache");
  auto objects = sources.objects_dir(src_.string());
  ASSERT_TRUE(objects.ok());
  fs::path w = tmp_.path() / "w";
  ASSERT_TRUE(checkout_commit(*objects, first_, w).ok());
  ASSERT_TRUE(write_file_atomic(w / "gen.txt", "made by setup_cmd\n").ok());
  auto r = apply_with_fallbacks(w, "--- a/pkg/a.txt\n+++ b/pkg/a.txt\n@@ -1,2 +1,2 @@\n one\n--- gen.txt\n+++ gen.txt\n");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(slurp(w / "gen.txt"), "made by setup_cmd\n") << "a removed \"-- gen.txt\" line is not a file";
}

}  // namespace
}  // namespace agent::bench
