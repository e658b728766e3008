#include "tools/workspace_path.h"

#include <fcntl.h>
#include <unistd.h>

#include "tools/file_transaction.h"
#include "tools/tool_test_util.h"

namespace agent {
namespace {

class WorkspacePathTest : public ToolTest {
 protected:
  // ws/d holds secret.txt ("inside"); ../outside holds its own secret.txt ("OUTSIDE").
  void make_world() {
    outside_ = ctx_.workspace.parent_path() / "outside";
    ASSERT_TRUE(write_file_atomic(outside_ / "secret.txt", "OUTSIDE\n").ok());
    write("d/secret.txt", "inside\n");
  }
  // Swaps the folder d for a symbolic link to the outside folder, as a job left running in
  // the sandboxed shell could at any moment.
  void swap_d_for_link() {
    ASSERT_EQ(::rename((ctx_.workspace / "d").c_str(), (ctx_.workspace / "d.real").c_str()), 0);
    ASSERT_EQ(::symlink(outside_.c_str(), (ctx_.workspace / "d").c_str()), 0);
  }
  size_t outside_entries() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(outside_)) ++n;
    return n;
  }

  fs::path outside_;
};

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

TEST_F(WorkspacePathTest, OpenedFolderAndExistence) {
  write("src/a.c", "x");
  ASSERT_EQ(::symlink("src/a.c", (ctx_.workspace / "alias").c_str()), 0);
  auto a = open_tool_path(ctx_, "alias", PathAccess::kRead);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(a->exists);
  EXPECT_TRUE(a->through_link);
  EXPECT_EQ(a->at.abs, ctx_.workspace / "src/a.c");
  EXPECT_EQ(a->at.name, "a.c");
  ASSERT_EQ(::symlink((ctx_.workspace / "src").c_str(), (ctx_.workspace / "abs_dir").c_str()), 0);
  ASSERT_EQ(::symlink((ctx_.workspace / "src/a.c").c_str(), (ctx_.workspace / "abs_file").c_str()), 0);
  for (const char* p : {"abs_dir/a.c", "abs_file"}) {
    auto r = open_tool_path(ctx_, p, PathAccess::kRead);
    ASSERT_TRUE(r.ok()) << p << ": " << r.status().message();
    EXPECT_EQ(r->at.abs, ctx_.workspace / "src/a.c") << p;
  }
  auto kept = open_tool_path(ctx_, "alias", PathAccess::kWrite, LastLink::kKeep);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(S_ISLNK(kept->st.st_mode));
  auto fresh = open_tool_path(ctx_, "src/new/deeper/b.c", PathAccess::kWrite);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->exists);
  EXPECT_EQ(fresh->at.missing, (std::vector<std::string>{"new", "deeper"}));
  EXPECT_EQ(fresh->at.abs, ctx_.workspace / "src/new/deeper/b.c");
  // A link that leads into .git is refused for writing, where it ends up counts.
  init_repo();
  ASSERT_EQ(::symlink(".git", (ctx_.workspace / "g").c_str()), 0);
  EXPECT_FALSE(open_tool_path(ctx_, "g/config", PathAccess::kWrite).ok());
  EXPECT_TRUE(open_tool_path(ctx_, "g/config", PathAccess::kRead).ok());
}

// A folder on the way that is a link to outside is refused by every file tool.
TEST_F(WorkspacePathTest, EveryFileToolRefusesALinkedFolderOut) {
  make_world();
  ASSERT_EQ(::symlink(outside_.c_str(), (ctx_.workspace / "out").c_str()), 0);
  const std::pair<const char*, Json> calls[] = {
      {"read_file", Json{{"path", "out/secret.txt"}}},
      {"write_file", Json{{"path", "out/pwn.txt"}, {"content", "x"}}},
      {"write_file", Json{{"path", "out/new/pwn.txt"}, {"content", "x"}}},
      {"edit_file", Json{{"path", "out/secret.txt"}, {"old_string", "OUTSIDE"}, {"new_string", "x"}}},
      {"apply_patch", Json{{"patch", "*** Begin Patch\n*** Add File: out/pwn.txt\n+x\n*** End Patch"}}},
      {"apply_patch", Json{{"patch", "*** Begin Patch\n*** Delete File: out/secret.txt\n*** End Patch"}}},
      {"list_files", Json{{"path", "out"}}},
      {"search", Json{{"pattern", "OUTSIDE"}, {"path", "out"}}},
  };
  for (const auto& [tool, args] : calls) {
    auto r = call(tool, args.dump());
    EXPECT_TRUE(r.is_error) << tool << " " << args.dump();
    EXPECT_NE(r.content.find("outside the repository (through a symbolic link)"), std::string::npos) << r.content;
    EXPECT_EQ(r.content.find("OUTSIDE"), std::string::npos) << r.content;
  }
  EXPECT_EQ(outside_entries(), 1u);
  EXPECT_EQ(*read_file(outside_ / "secret.txt"), "OUTSIDE\n");
  // A walk over the whole workspace lists the link and does not enter it.
  EXPECT_EQ(call("search", R"({"pattern":"OUTSIDE"})").content.find("OUTSIDE\n"), std::string::npos);
  EXPECT_EQ(call("list_files", "{}").content, "d/secret.txt\nout\n");
}

// The race, made deterministic: the path is resolved, then d is swapped for a link to
// outside, then the file is written and read. Both go to the folder that was resolved.
TEST_F(WorkspacePathTest, SwapBetweenResolveAndUseStaysInside) {
  make_world();
  for (bool openat2 : {true, false}) {
    set_openat2_enabled(openat2);
    auto w = open_tool_path(ctx_, "d/pwn.txt", PathAccess::kWrite);
    auto fresh = open_tool_path(ctx_, "d/new/pwn.txt", PathAccess::kWrite);
    auto r = open_tool_path(ctx_, "d/secret.txt", PathAccess::kRead);
    FileTransaction tx;
    auto t = open_tool_path(ctx_, "d/tx.txt", PathAccess::kWrite);
    ASSERT_TRUE(w.ok() && fresh.ok() && r.ok() && t.ok());
    tx.write(std::move(t->at), "tx", 0644);
    swap_d_for_link();

    EXPECT_TRUE(replace_file_at(w->at.dir.get(), w->at.name, "pwn", 0644, "d/pwn.txt").ok());
    EXPECT_TRUE(make_missing_dirs(fresh->at, nullptr).ok());
    EXPECT_TRUE(replace_file_at(fresh->at.dir.get(), fresh->at.name, "pwn", 0644, "d/new/pwn.txt").ok());
    auto text = read_file_at(r->at.dir.get(), r->at.name, 1 << 20, "d/secret.txt");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "inside\n");
    EXPECT_TRUE(tx.commit().ok());
    EXPECT_EQ(outside_entries(), 1u) << "openat2=" << openat2;
    EXPECT_EQ(read("d.real/pwn.txt"), "pwn");
    EXPECT_EQ(read("d.real/new/pwn.txt"), "pwn");
    EXPECT_EQ(read("d.real/tx.txt"), "tx");
    // Resolved again now, the path leads out and is refused.
    EXPECT_FALSE(open_tool_path(ctx_, "d/pwn.txt", PathAccess::kWrite).ok());

    ASSERT_EQ(::unlink((ctx_.workspace / "d").c_str()), 0);
    fs::remove_all(ctx_.workspace / "d.real");
    write("d/secret.txt", "inside\n");
  }
  set_openat2_enabled(true);
}

}  // namespace
}  // namespace agent
