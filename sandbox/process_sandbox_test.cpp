#include "sandbox/process_sandbox.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "common/fs.h"
#include "sandbox/command_env.h"

namespace agent {
namespace {

class ProcessSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    become_subreaper();  // as the agent does at start-up: orphans are reaped here
    auto d = TempDir::create("agent-sbx-");
    ASSERT_TRUE(d.ok());
    dir_ = std::move(*d);
  }
  CommandSpec spec(std::string cmd) {
    CommandSpec s;
    s.command = std::move(cmd);
    s.cwd = dir_.path();
    s.env = build_command_env(current_environment());
    s.timeout = std::chrono::seconds(20);
    return s;
  }
  TempDir dir_;
  ProcessSandbox sandbox_;
};

TEST_F(ProcessSandboxTest, RunsInCwdAndReportsExitCode) {
  auto r = sandbox_.run(spec("pwd; echo err >&2; exit 3"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->output, dir_.path().string() + "\nerr\n");
  EXPECT_FALSE(r->timed_out);
}

TEST_F(ProcessSandboxTest, NoStdinAndNotALoginShell) {
  auto r = sandbox_.run(spec("cat; shopt -q login_shell && echo login || echo nologin"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "nologin\n");
}

TEST_F(ProcessSandboxTest, TimeoutKillsTheWholeTree) {
  auto s = spec("(sleep 60; echo survived > child.txt) & echo $! > child.pid; sleep 60");
  s.timeout = std::chrono::milliseconds(300);
  auto r = sandbox_.run(s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_LT(r->wall_s, 5.0);
  auto pid_text = read_file(dir_.path() / "child.pid");
  ASSERT_TRUE(pid_text.ok());
  pid_t child = std::stoi(*pid_text);
  EXPECT_NE(::kill(child, 0), 0) << "background child still alive";
}

TEST_F(ProcessSandboxTest, BackgroundLeftoversDoNotHoldTheCallOpen) {
  auto r = sandbox_.run(spec("sleep 30 & echo started"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_LT(r->wall_s, 5.0);
  EXPECT_EQ(r->output, "started\n");
}

TEST_F(ProcessSandboxTest, MegabytesOfOutputAreCapped) {
  auto s = spec("head -c 30000000 /dev/zero | tr '\\0' 'x'; echo; echo the-end");
  s.output_limit = 1 << 20;
  auto r = sandbox_.run(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->output_truncated);
  EXPECT_EQ(r->output_bytes, 30000000u + 1 + 8);
  EXPECT_LT(r->output.size(), (1u << 20) + 200);
  EXPECT_NE(r->output.find("the-end"), std::string::npos);
  EXPECT_NE(r->output.find("bytes of output not kept"), std::string::npos);
}

TEST_F(ProcessSandboxTest, CancelStopsTheCommand) {
  CancelToken cancel;
  auto s = spec("sleep 60");
  s.cancel = &cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.cancel();
  });
  auto r = sandbox_.run(s);
  t.join();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_LT(r->wall_s, 5.0);
}

TEST_F(ProcessSandboxTest, SecretsDoNotReachTheCommand) {
  auto s = spec("env");
  s.env = build_command_env({"PATH=/usr/bin:/bin", "DEEPSEEK_API_KEY=sk-abc", "GITHUB_TOKEN=x",
                             "MY_SECRET=y", "HOME=/root", "BASH_ENV=/tmp/evil"});
  auto r = sandbox_.run(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output.find("DEEPSEEK_API_KEY"), std::string::npos);
  EXPECT_EQ(r->output.find("GITHUB_TOKEN"), std::string::npos);
  EXPECT_EQ(r->output.find("MY_SECRET"), std::string::npos);
  EXPECT_EQ(r->output.find("BASH_ENV"), std::string::npos);
  EXPECT_NE(r->output.find("HOME=/root"), std::string::npos);
  EXPECT_NE(r->output.find("PAGER=cat"), std::string::npos);
}

TEST_F(ProcessSandboxTest, MissingCwdIsAnError) {
  auto s = spec("true");
  s.cwd = dir_.path() / "nope";
  auto r = sandbox_.run(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace agent
