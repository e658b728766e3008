#include <sys/stat.h>
#include <unistd.h>

#include "tools/tool_test_util.h"

namespace agent {
namespace {

class WriteFileToolTest : public ToolTest {};

TEST_F(WriteFileToolTest, CreatesWithParentFoldersThenOverwrites) {
  auto created = call("write_file", R"({"path":"a/b/c.txt","content":"one\ntwo\n"})");
  ASSERT_FALSE(created.is_error) << created.content;
  EXPECT_EQ(created.content, "Created a/b/c.txt (8 bytes, 2 lines)\n");
  EXPECT_EQ(read("a/b/c.txt"), "one\ntwo\n");
  auto over = call("write_file", R"({"path":"a/b/c.txt","content":"x"})");
  EXPECT_EQ(over.content, "Overwrote a/b/c.txt (1 bytes, 1 lines; it was 8 bytes)\n");
  EXPECT_EQ(read("a/b/c.txt"), "x");
  EXPECT_EQ(over.details["created"], false);
  // No temporary file is left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(ctx_.workspace / "a/b")) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(WriteFileToolTest, KeepsAnExistingFilesMode) {
  write("run.sh", "#!/bin/sh\n");
  ASSERT_EQ(::chmod((ctx_.workspace / "run.sh").c_str(), 0755), 0);
  ASSERT_FALSE(call("write_file", R"({"path":"run.sh","content":"#!/bin/sh\necho hi\n"})").is_error);
  struct stat st {};
  ASSERT_EQ(::stat((ctx_.workspace / "run.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_FALSE(call("write_file", R"({"path":"new.txt","content":""})").is_error);
  ASSERT_EQ(::stat((ctx_.workspace / "new.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0u);
  EXPECT_EQ(read("new.txt"), "");
}

TEST_F(WriteFileToolTest, UnicodeContentIsWrittenAsIs) {
  ASSERT_FALSE(call("write_file", R"({"path":"доки/說明.md","content":"# Привет 👋\n"})").is_error);
  EXPECT_EQ(read("доки/說明.md"), "# Привет 👋\n");
}

TEST_F(WriteFileToolTest, RefusesFoldersOversizedContentAndPathsOutside) {
  write("dir/x", "keep");
  auto dir = call("write_file", R"({"path":"dir","content":"x"})");
  EXPECT_TRUE(dir.is_error);
  EXPECT_NE(dir.content.find("dir is a folder"), std::string::npos);
  EXPECT_TRUE(call("write_file", R"({"path":"newdir/","content":"x"})").is_error);
  EXPECT_FALSE(exists("newdir"));

  ctx_.limits.write_max_bytes = 10;
  auto big = call("write_file", R"({"path":"big.txt","content":"0123456789A"})");
  EXPECT_TRUE(big.is_error);
  EXPECT_NE(big.content.find("over the limit of 10 bytes"), std::string::npos);
  EXPECT_FALSE(exists("big.txt"));

  auto out = call("write_file", R"({"path":"../escape.txt","content":"x"})");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("outside the repository"), std::string::npos);
  EXPECT_FALSE(fs::exists(ctx_.workspace.parent_path() / "escape.txt"));
}

TEST_F(WriteFileToolTest, RefusesSymlinksOutAndTheGitFolder) {
  auto outside = ctx_.workspace.parent_path() / "outside";
  ASSERT_TRUE(make_dirs(outside).ok());
  ASSERT_EQ(::symlink(outside.c_str(), (ctx_.workspace / "link").c_str()), 0);
  auto link = call("write_file", R"({"path":"link/planted.txt","content":"x"})");
  EXPECT_TRUE(link.is_error);
  EXPECT_FALSE(fs::exists(outside / "planted.txt"));
  // A link to a missing file outside is refused as outside (whether the file exists there is
  // not the tool's to tell); one to a missing file inside is not silently turned into a file.
  ASSERT_EQ(::symlink((outside / "target.txt").c_str(), (ctx_.workspace / "dangling_out").c_str()), 0);
  auto out = call("write_file", R"({"path":"dangling_out","content":"x"})");
  EXPECT_TRUE(out.is_error);
  EXPECT_NE(out.content.find("outside the repository (through a symbolic link)"), std::string::npos) << out.content;
  EXPECT_FALSE(fs::exists(outside / "target.txt"));
  ASSERT_EQ(::symlink("no/such/target.txt", (ctx_.workspace / "dangling").c_str()), 0);
  auto dangling = call("write_file", R"({"path":"dangling","content":"x"})");
  EXPECT_TRUE(dangling.is_error);
  EXPECT_NE(dangling.content.find("dangling is a symbolic link to a missing file"), std::string::npos) << dangling.content;
  EXPECT_TRUE(fs::is_symlink(ctx_.workspace / "dangling"));
  EXPECT_FALSE(exists("no"));

  init_repo();
  auto hook = call("write_file", R"({"path":".git/hooks/pre-commit","content":"#!/bin/sh\nrm -rf ~\n"})");
  EXPECT_TRUE(hook.is_error);
  EXPECT_NE(hook.content.find(".git folder"), std::string::npos);
  EXPECT_FALSE(exists(".git/hooks/pre-commit"));
}

TEST_F(WriteFileToolTest, ReplacesThroughAnInnerSymlinkWithoutBreakingIt) {
  write("real.txt", "old");
  ASSERT_EQ(::symlink("real.txt", (ctx_.workspace / "alias.txt").c_str()), 0);
  ASSERT_FALSE(call("write_file", R"({"path":"alias.txt","content":"new"})").is_error);
  EXPECT_EQ(read("real.txt"), "new");
  EXPECT_TRUE(fs::is_symlink(ctx_.workspace / "alias.txt"));
}

}  // namespace
}  // namespace agent
