#include "sandbox/git_protect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "common/fs.h"
#include "sandbox/cgroup_v2.h"
#include "sandbox/mount_plan.h"

namespace agent {
namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

bool has(const std::vector<fs::path>& v, const fs::path& p) {
  return std::find(v.begin(), v.end(), p) != v.end();
}

class GitProtectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("agent-gitprot-");
    ASSERT_TRUE(d.ok());
    tmp_ = std::move(*d);
    ws_ = fs::canonical(tmp_.path());
  }
  TempDir tmp_;
  fs::path ws_;
};

TEST_F(GitProtectTest, TopNestedSubmoduleWorktreeAndHooksPath) {
  write(ws_ / ".git/config", "[core]\n\thooksPath = .husky\n");
  write(ws_ / ".git/hooks/pre-commit.sample", "");
  write(ws_ / ".husky/pre-commit", "lint");
  write(ws_ / "libs/inner/.git/config", "[core]\n");  // nested repository, no hooks folder
  write(ws_ / ".git/modules/sm/HEAD", "ref");
  write(ws_ / ".git/modules/sm/config", "[core]\n");
  write(ws_ / "sm/.git", "gitdir: ../.git/modules/sm\n");
  write(ws_ / ".agent/policy.toml", "");
  auto p = find_protected_paths(ws_);
  EXPECT_TRUE(has(p.mount_points, ws_ / ".git"));
  EXPECT_TRUE(has(p.mount_points, ws_ / "libs"));
  EXPECT_TRUE(has(p.mount_points, ws_ / "libs/inner"));
  EXPECT_TRUE(has(p.mount_points, ws_ / "libs/inner/.git"));
  EXPECT_TRUE(has(p.read_only, ws_ / ".git/hooks"));
  EXPECT_TRUE(has(p.read_only, ws_ / ".git/config"));
  EXPECT_TRUE(has(p.read_only, ws_ / ".husky"));
  EXPECT_TRUE(has(p.read_only, ws_ / "libs/inner/.git/hooks"));
  EXPECT_TRUE(has(p.created, ws_ / "libs/inner/.git/hooks"));
  EXPECT_TRUE(has(p.read_only, ws_ / ".git/modules/sm/hooks"));
  EXPECT_TRUE(has(p.read_only, ws_ / ".git/modules/sm/config"));
  EXPECT_TRUE(has(p.read_only, ws_ / "sm/.git"));
  EXPECT_TRUE(has(p.read_only, ws_ / ".agent"));
  // Outer mount points come before the ones inside them.
  auto libs = std::find(p.mount_points.begin(), p.mount_points.end(), ws_ / "libs");
  auto inner = std::find(p.mount_points.begin(), p.mount_points.end(), ws_ / "libs/inner");
  EXPECT_LT(libs, inner);
}

TEST_F(GitProtectTest, HookSnapshotsReportNewAndChangedHooks) {
  write(ws_ / ".git/config", "[core]\n");
  write(ws_ / ".git/hooks/pre-push", "old");
  write(ws_ / ".git/hooks/x.sample", "ignored");
  auto before = snapshot_git_hooks(ws_);
  write(ws_ / ".git/hooks/pre-push", "new");
  write(ws_ / "fresh/.git/config", "[core]\n");
  write(ws_ / "fresh/.git/hooks/pre-commit", "planted");
  auto changed = changed_hooks(before, snapshot_git_hooks(ws_));
  ASSERT_EQ(changed.size(), 3u) << ::testing::PrintToString(changed);
  EXPECT_EQ(changed[0], (ws_ / ".git/hooks/pre-push").string());
}

TEST_F(GitProtectTest, VisibleHomePathsKeepSecretsOut) {
  fs::path home = ws_ / "home";
  for (const char* d : {".cargo/bin", ".pyenv/shims", ".local/bin", ".rustup", "bin"}) {
    fs::create_directories(home / d);
  }
  write(home / ".gitconfig", "");
  write(home / ".cargo/credentials.toml", "token");
  SandboxConfig c;
  c.home = home;
  c.path_dirs = {home / ".cargo/bin", home / ".pyenv/shims", home / ".local/bin", "/usr/bin",
                 home / "bin", home / "missing/bin"};
  c.home_visible = {".m2"};
  auto v = visible_home_paths(c);
  std::vector<fs::path> want = {home / "bin", home / ".gitconfig", home / ".pyenv", home / ".rustup",
                                home / ".cargo/bin", home / ".local/bin"};
  std::sort(want.begin(), want.end());
  std::sort(v.begin(), v.end());
  EXPECT_EQ(v, want);
}

TEST(CgroupV2Test, DetectionExplainsWhyNot) {
  auto d = TempDir::create("agent-cg-");
  ASSERT_TRUE(d.ok());
  fs::path proc = d->path() / "proc", cg = d->path() / "cg";
  write(proc / "self/cgroup", "4:memory:/x\n");
  auto s = detect_cgroup_v2(proc, cg);
  EXPECT_FALSE(s.usable);
  EXPECT_NE(s.reason.find("cgroup v1"), std::string::npos) << s.reason;
  write(proc / "self/cgroup", "0::/user/agent\n");
  write(cg / "user/agent/cgroup.controllers", "cpu io hugetlb\n");
  s = detect_cgroup_v2(proc, cg);
  EXPECT_FALSE(s.usable);
  EXPECT_NE(s.reason.find("memory and pids"), std::string::npos) << s.reason;
  write(cg / "user/agent/cgroup.controllers", "cpu memory pids\n");
  write(cg / "user/agent/cgroup.subtree_control", "");
  write(cg / "user/agent/cgroup.procs", "1\n");
  s = detect_cgroup_v2(proc, cg);
  EXPECT_FALSE(s.usable);
  EXPECT_NE(s.reason.find("other processes"), std::string::npos) << s.reason;
  write(cg / "user/agent/cgroup.procs", std::to_string(::getpid()) + "\n");
  s = detect_cgroup_v2(proc, cg);
  EXPECT_TRUE(s.usable) << s.reason;
  EXPECT_TRUE(s.needs_move);
}

TEST(CgroupV2Test, CommandCgroupsGetTheirLimits) {
  auto d = TempDir::create("agent-cg-");
  ASSERT_TRUE(d.ok());
  fs::path self = d->path() / "agent";
  write(self / "cgroup.subtree_control", "memory pids\n");
  CgroupSupport s;
  s.usable = true;
  s.self_dir = self;
  s.needs_move = false;
  ResourceLimits lim;
  lim.memory_bytes = 1 << 28;
  lim.max_processes = 77;
  auto l = CgroupLimiter::create(s, lim);
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  // A plain folder stands in for cgroupfs (real cgroups are not delegated on these machines).
  auto cg = l->make_command_cgroup();
  ASSERT_TRUE(cg.ok()) << cg.status().to_string();
  EXPECT_EQ(cg->dir().parent_path(), self);
  EXPECT_GE(cg->procs_fd(), 0);
  auto mem = read_file(cg->dir() / "memory.max");
  auto pids = read_file(cg->dir() / "pids.max");
  ASSERT_TRUE(mem.ok() && pids.ok());
  EXPECT_EQ(*mem, "268435456");
  EXPECT_EQ(*pids, "77");
  auto second = l->make_command_cgroup();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->dir(), cg->dir());
}

}  // namespace
}  // namespace agent
