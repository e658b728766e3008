#include "sandbox/persistent_shell.h"

#include <thread>

#include "sandbox/process_sandbox.h"
#include "sandbox/sandbox_test_util.h"

namespace agent::testing {
namespace {

// Every test runs on both sandboxes: the isolated one (the shell is a pid-namespace init)
// and the plain process one (the shell leads a session).
class PersistentShellTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    become_subreaper();
    auto d = TempDir::create("agent-shell-");
    ASSERT_TRUE(d.ok());
    root_ = std::move(*d);
    ws_ = fs::canonical(root_.path());
    fs::create_directories(ws_ / "sub");
    if (GetParam()) {
      if (!host_capabilities().namespaces) GTEST_SKIP() << "no namespaces here";
      SandboxConfig c;
      c.workspace = ws_;
      auto s = IsolatedSandbox::create(c, auto_layers_or_skip());
      ASSERT_TRUE(s.ok()) << s.status().to_string();
      sandbox_ = std::move(*s);
    } else {
      sandbox_ = std::make_unique<ProcessSandbox>();
    }
    shell_ = std::make_unique<PersistentShell>(*sandbox_, ws_, build_command_env(current_environment()));
  }
  ShellRunResult run(const std::string& cmd, int timeout_ms = 20000, const CancelToken* cancel = nullptr) {
    CommandSpec spec;
    spec.command = cmd;
    spec.timeout = std::chrono::milliseconds(timeout_ms);
    spec.cancel = cancel;
    auto r = shell_->run(spec);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : ShellRunResult{};
  }
  TempDir root_;
  fs::path ws_;
  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<PersistentShell> shell_;
};

TEST_P(PersistentShellTest, CdAndExportedVariablesPersist) {
  auto a = run("cd sub && export AGENT_T=kept; x=local; echo set");
  EXPECT_EQ(a.result.output, "set\n");
  EXPECT_EQ(a.result.exit_code, 0);
  auto b = run("pwd; echo $AGENT_T $x; sh -c 'echo child:$AGENT_T'; false");
  EXPECT_EQ(b.result.output, (ws_ / "sub").string() + "\nkept local\nchild:kept\n");
  EXPECT_EQ(b.result.exit_code, 1);
  EXPECT_TRUE(b.notice.empty());
}

TEST_P(PersistentShellTest, SyntaxErrorsAndStdinAreHarmless) {
  auto a = run("echo 'unterminated");
  EXPECT_NE(a.result.exit_code, 0);
  auto b = run("cat; echo after");
  EXPECT_EQ(b.result.output, "after\n");
  EXPECT_EQ(shell_->restarts(), 0);
}

TEST_P(PersistentShellTest, TimeoutKillsOnlyTheCommand) {
  run("export KEEP=1; cd sub");
  auto r = run("sleep 30 & sleep 30", 300);
  EXPECT_TRUE(r.result.timed_out);
  EXPECT_LT(r.result.wall_s, 5.0);
  EXPECT_TRUE(r.notice.empty()) << r.notice;
  auto after = run("echo $KEEP; pwd");
  // bash may first report the killed background job ("... Killed sleep 30").
  std::string want = "1\n" + (ws_ / "sub").string() + "\n";
  ASSERT_GE(after.result.output.size(), want.size()) << after.result.output;
  EXPECT_EQ(after.result.output.substr(after.result.output.size() - want.size()), want);
  EXPECT_EQ(shell_->restarts(), 0);
}

TEST_P(PersistentShellTest, AHungShellIsRestartedAndTheModelIsTold) {
  run("export KEEP=1");
  auto r = run("while :; do :; done", 300);
  EXPECT_TRUE(r.result.timed_out);
  EXPECT_NE(r.notice.find("reset"), std::string::npos) << r.notice;
  auto after = run("echo ${KEEP:-unset}; pwd");
  EXPECT_EQ(after.result.output, "unset\n" + ws_.string() + "\n");
  EXPECT_EQ(shell_->restarts(), 1);
}

TEST_P(PersistentShellTest, ExitEndsTheShellAndANewOneStarts) {
  run("cd sub");
  auto r = run("echo bye; exit 7");
  EXPECT_EQ(r.result.output, "bye\n");
  EXPECT_EQ(r.result.exit_code, 7);
  EXPECT_NE(r.notice.find("ended the shell"), std::string::npos) << r.notice;
  auto after = run("pwd");
  EXPECT_EQ(after.result.output, ws_.string() + "\n");
}

TEST_P(PersistentShellTest, CancelInterruptsTheCommand) {
  CancelToken cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.cancel();
  });
  auto r = run("sleep 30", 20000, &cancel);
  t.join();
  EXPECT_TRUE(r.result.cancelled);
  EXPECT_LT(r.result.wall_s, 5.0);
}

TEST_P(PersistentShellTest, BackgroundJobsDoNotHoldACommandOpenAndDieWithTheShell) {
  auto r = run("sleep 1000.5151 & echo started");
  EXPECT_EQ(r.result.output, "started\n");
  EXPECT_LT(r.result.wall_s, 5.0);
  // The job may not have exec'd sleep yet when the command returns.
  for (int i = 0; i < 100 && count_processes_with("sleep 1000.5151") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(count_processes_with("sleep 1000.5151"), 1);
  shell_->close();
  EXPECT_EQ(count_processes_with("sleep 1000.5151"), 0);
}

TEST_P(PersistentShellTest, OutputIsCapped) {
  CommandSpec spec;
  spec.command = "head -c 3000000 /dev/zero | tr '\\0' x; echo; echo end";
  spec.output_limit = 1 << 16;
  auto r = shell_->run(spec);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->result.output_truncated);
  EXPECT_EQ(r->result.output_bytes, 3000000u + 5);
  EXPECT_NE(r->result.output.find("end"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Sandboxes, PersistentShellTest, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "isolated" : "process"; });

}  // namespace
}  // namespace agent::testing
