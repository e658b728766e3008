#include "sandbox/isolated_sandbox.h"

#include <unistd.h>

#include <fstream>

#include "sandbox/sandbox_test_util.h"

namespace agent::testing {
namespace {

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST_F(IsolatedSandboxTest, RunsInTheWorkspaceAsTheSameUserAndWritesThere) {
  auto r = run("pwd; id -u; echo hi > made.txt; exit 4");
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.output, ws_.string() + "\n" + std::to_string(::geteuid()) + "\n");
  EXPECT_TRUE(fs::exists(ws_ / "made.txt"));
  EXPECT_EQ(std::string(sandbox_->name()).rfind("namespaces", 0), 0u) << sandbox_->name();
}

TEST_F(IsolatedSandboxTest, TheSystemIsReadOnly) {
  auto r = run("touch /usr/agent-sbx-test 2>&1; touch /etc/agent-sbx-test 2>&1; echo rc=$?");
  EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rc=1"), std::string::npos);
  EXPECT_FALSE(fs::exists("/usr/agent-sbx-test"));
}

TEST_F(IsolatedSandboxTest, TmpIsPrivate) {
  fs::path marker = fs::path("/tmp") / ("agent-sbx-marker-" + std::to_string(::getpid()));
  write(marker, "host");
  auto r = run("ls " + marker.string() + " 2>&1; echo inside > /tmp/agent-inside-" +
               std::to_string(::getpid()) + " && echo wrote");
  fs::remove(marker);
  EXPECT_NE(r.output.find("No such file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("wrote"), std::string::npos);
  EXPECT_FALSE(fs::exists("/tmp/agent-inside-" + std::to_string(::getpid())));
}

TEST_F(IsolatedSandboxTest, HomeIsHiddenToolchainsStayVisibleReadOnly) {
  fs::path home = root_.path() / "home";
  write(home / "secret.txt", "top secret");
  write(home / ".tool/bin/mytool", "#!/bin/sh\necho tool-ran\n");
  fs::permissions(home / ".tool/bin/mytool", fs::perms::owner_all);
  write(home / ".tool/credentials", "token");
  write(home / ".pyenv/versions/x", "v");
  fs::create_directories(home / ".pyenv/shims");
  fs::path priv = root_.path() / "private-home";
  fs::create_directories(priv);
  make([&](SandboxConfig& c) {
    c.home = fs::canonical(home);
    c.private_home = priv;
    c.path_dirs = {c.home / ".tool/bin", c.home / ".pyenv/shims"};
  });
  auto r = run("cat $HOME/secret.txt 2>&1; echo home=$HOME; " + (home / ".tool/bin/mytool").string() +
               "; cat $HOME/.tool/credentials 2>&1; cat $HOME/.pyenv/versions/x; echo;"
               "touch $HOME/.tool/bin/x 2>&1; echo mine > $HOME/mine.txt && echo wrote; echo gocache=$GOCACHE");
  EXPECT_EQ(r.output.find("top secret"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("token"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("home=" + fs::canonical(home).string()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("tool-ran"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("v\n"), std::string::npos) << "the whole pyenv root is visible: " << r.output;
  EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("wrote"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gocache=" + fs::canonical(home).string() + "/.cache/go-build"), std::string::npos);
  EXPECT_TRUE(fs::exists(priv / "mine.txt")) << "the private home keeps what commands write";
  EXPECT_FALSE(fs::exists(home / "mine.txt"));
}

// A toolchain on PATH under /tmp (say a build tree there) stays usable, read-only, over the
// private /tmp; the rest of the host's /tmp stays hidden.
TEST_F(IsolatedSandboxTest, PathFoldersUnderTmpStayVisibleReadOnly) {
  fs::path base = fs::path("/tmp") / ("agent-sbx-path-" + std::to_string(::getpid()));
  write(base / "bin/tmptool", "#!/bin/sh\necho tmptool-ran\n");
  fs::permissions(base / "bin/tmptool", fs::perms::owner_all);
  write(base / "secret.txt", "tmp secret");
  make([&](SandboxConfig& c) { c.path_dirs = {base / "bin", "/tmp/agent-sbx-no-such-dir"}; });
  auto r = run((base / "bin/tmptool").string() + "; cat " + (base / "secret.txt").string() + " 2>&1; touch " +
               (base / "bin/x").string() + " 2>&1; echo done");
  fs::remove_all(base);
  EXPECT_NE(r.output.find("tmptool-ran"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("tmp secret"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << r.output;
}

TEST_F(IsolatedSandboxTest, ProcessesSeeOnlyTheirOwnPidNamespace) {
  auto r = run("echo pid=$$; ls /proc | grep -c '^[0-9]'; hostname");
  EXPECT_NE(r.output.find("pid=1\n"), std::string::npos) << r.output;
  std::istringstream in(r.output.substr(r.output.find('\n') + 1));
  int procs = 0;
  in >> procs;
  EXPECT_LE(procs, 5) << r.output;
  EXPECT_NE(r.output.find("agent-sandbox"), std::string::npos);
}

TEST_F(IsolatedSandboxTest, PrivilegesAreGone) {
  auto r = run("grep -E 'CapEff|CapBnd|NoNewPrivs|Seccomp:' /proc/self/status; unshare -Ur true 2>&1; echo unshare=$?");
  EXPECT_NE(r.output.find("CapEff:\t0000000000000000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CapBnd:\t0000000000000000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("NoNewPrivs:\t1"), std::string::npos);
  EXPECT_NE(r.output.find("Seccomp:\t2"), std::string::npos);
  EXPECT_NE(r.output.find("unshare=1"), std::string::npos) << r.output;
}

TEST_F(IsolatedSandboxTest, NoSocketsButUnixWithTheNetworkOff) {
  auto r = run("exec 3<>/dev/tcp/127.0.0.1/9 2>&1; echo rc=$?");
  EXPECT_NE(r.output.find("Address family not supported"), std::string::npos) << r.output;
  make({}, NetworkMode::kOn);
  r = run("exec 3<>/dev/tcp/127.0.0.1/9 2>&1; echo rc=$?");
  EXPECT_EQ(r.output.find("Address family not supported"), std::string::npos) << r.output;
}

TEST_F(IsolatedSandboxTest, TimeoutKillsEverythingIncludingDetachedProcesses) {
  auto r = run("setsid sleep 1000.4242 & sleep 60", 300);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.wall_s, 5.0);
  EXPECT_EQ(count_processes_with("sleep 1000.4242"), 0);
  r = run("(setsid sleep 1000.4343 &) ; echo left");
  EXPECT_EQ(r.output, "left\n");
  EXPECT_EQ(count_processes_with("sleep 1000.4343"), 0) << "a detached process outlived its command";
}

TEST_F(IsolatedSandboxTest, GitHooksAndConfigAreReadOnlyButCommitsWork) {
  ASSERT_EQ(std::system(("git init -q " + ws_.string()).c_str()), 0);
  write(ws_ / "a.txt", "a\n");
  make();
  auto r = run("echo evil > .git/hooks/pre-commit 2>&1; echo x >> .git/config 2>&1; "
               "mv .git .git-old 2>&1; rm -rf .git/hooks 2>&1; "
               "git add a.txt && git -c user.name=t -c user.email=t@t commit -qm m && echo committed");
  EXPECT_FALSE(fs::exists(ws_ / ".git/hooks/pre-commit"));
  EXPECT_TRUE(fs::exists(ws_ / ".git/HEAD"));
  EXPECT_NE(r.output.find("committed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Device or resource busy"), std::string::npos) << r.output;
}

TEST_F(IsolatedSandboxTest, BadCwdIsAnErrorNamingIt) {
  CommandSpec spec;
  spec.command = "true";
  spec.cwd = ws_ / "missing";
  auto r = sandbox_->run(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace agent::testing
