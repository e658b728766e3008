#include "tools/beneath.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs.h"

namespace agent {
namespace {

// Each case runs twice: with openat2, and with the walk that kernels without it get.
class BeneathTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    set_openat2_enabled(GetParam());
    auto d = TempDir::create("agent-beneath-");
    ASSERT_TRUE(d.ok());
    tmp_ = std::move(*d);
    base_ = fs::canonical(tmp_.path());
    ws_ = base_ / "ws";
    ASSERT_TRUE(make_dirs(ws_ / "a/b").ok());
    ASSERT_TRUE(make_dirs(base_ / "outside").ok());
    root_fd_.reset(::open(ws_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_fd_.valid());
  }
  void TearDown() override { set_openat2_enabled(true); }

  void link(const std::string& target, const std::string& rel) {
    ASSERT_EQ(::symlink(target.c_str(), (ws_ / rel).c_str()), 0) << rel;
  }
  // 0 and the folder's resolved path, or the errno value.
  std::pair<int, std::string> open_dir(const std::string& path) {
    BeneathDir d;
    int err = open_dir_beneath(BeneathRoot{root_fd_.get(), ws_}, path, &d);
    return {err, err == 0 ? d.rel : ""};
  }

  TempDir tmp_;
  fs::path base_, ws_;
  UniqueFd root_fd_;
};

TEST_P(BeneathTest, OpensFoldersAndSaysWhereTheyAre) {
  EXPECT_EQ(open_dir(""), std::make_pair(0, std::string()));
  EXPECT_EQ(open_dir("a/b"), std::make_pair(0, std::string("a/b")));
  EXPECT_EQ(open_dir("a/./b/"), std::make_pair(0, std::string("a/b")));
  EXPECT_EQ(open_dir("a/b/.."), std::make_pair(0, std::string("a")));
  EXPECT_EQ(open_dir("nope").first, ENOENT);
  ASSERT_TRUE(write_file_atomic(ws_ / "file", "x").ok());
  EXPECT_EQ(open_dir("file/x").first, ENOTDIR);
}

TEST_P(BeneathTest, FollowsLinksInsideAndRefusesLinksOut) {
  link("a/b", "rel_in");
  link("../../a", "a/b/up_in");
  link((ws_ / "a").string(), "abs_in");
  link("../outside", "rel_out");
  link((base_ / "outside").string(), "abs_out");
  link("a/../../outside", "dotdot_out");
  link("loop", "loop");
  EXPECT_EQ(open_dir("rel_in"), std::make_pair(0, std::string("a/b")));
  EXPECT_EQ(open_dir("a/b/up_in/b"), std::make_pair(0, std::string("a/b")));
  // RESOLVE_BENEATH refuses every absolute link; the walk takes over for those inside.
  EXPECT_EQ(open_dir("abs_in/b"), std::make_pair(0, std::string("a/b")));
  EXPECT_EQ(open_dir("..").first, EXDEV);
  EXPECT_EQ(open_dir("a/../..").first, EXDEV);
  EXPECT_EQ(open_dir("/etc").first, EXDEV);
  EXPECT_EQ(open_dir("rel_out").first, EXDEV);
  EXPECT_EQ(open_dir("abs_out").first, EXDEV);
  EXPECT_EQ(open_dir("dotdot_out").first, EXDEV);
  EXPECT_EQ(open_dir("loop").first, ELOOP);
}

TEST_P(BeneathTest, NoSymlinksRefusesEveryLink) {
  ASSERT_TRUE(write_file_atomic(ws_ / "a/b/f.txt", "x").ok());
  link("a", "lnk");
  link("f.txt", "a/b/flink");
  EXPECT_TRUE(open_beneath_no_symlinks(root_fd_.get(), "a/b/f.txt", O_RDONLY).valid());
  EXPECT_TRUE(open_beneath_no_symlinks(root_fd_.get(), "", O_RDONLY | O_DIRECTORY).valid());
  EXPECT_FALSE(open_beneath_no_symlinks(root_fd_.get(), "lnk/b/f.txt", O_RDONLY).valid());
  EXPECT_FALSE(open_beneath_no_symlinks(root_fd_.get(), "a/b/flink", O_RDONLY).valid());
  EXPECT_FALSE(open_beneath_no_symlinks(root_fd_.get(), "../ws/a/b/f.txt", O_RDONLY).valid());
}

// The folder stays the one that was opened when its name is swapped for a link to outside.
TEST_P(BeneathTest, AnOpenFolderIsNotRedirectedBySwappingItsName) {
  BeneathDir d;
  ASSERT_EQ(open_dir_beneath(BeneathRoot{root_fd_.get(), ws_}, "a/b", &d), 0);
  ASSERT_EQ(::rename((ws_ / "a/b").c_str(), (ws_ / "a/b.real").c_str()), 0);
  link((base_ / "outside").string(), "a/b");
  int fd = ::openat(d.fd.get(), "x.txt", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_TRUE(fs::exists(ws_ / "a/b.real/x.txt"));
  EXPECT_FALSE(fs::exists(base_ / "outside/x.txt"));
  EXPECT_EQ(open_dir("a/b").first, EXDEV);
}

INSTANTIATE_TEST_SUITE_P(Resolution, BeneathTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "openat2" : "walk"; });

}  // namespace
}  // namespace agent
