// agent solve: malformed model output, budgets, context, output capping, interruption.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/support/run_fixture.h"

namespace agent::testing {
namespace {

class SolveBehaviourTest : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    make_repo({{"a.txt", "hello\n"}});
  }
  static Json shell(const std::string& cmd) {
    return Json{{"tool_calls", Json::array({Json{{"name", "shell"}, {"arguments", {{"command", cmd}}}}})}};
  }
  static Json done() { return Json{{"content", "done"}}; }
  std::vector<Json> results() {
    std::vector<Json> out;
    for (const auto& e : journal()) {
      if (e["type"] == "tool_finished") out.push_back(e);
    }
    return out;
  }
};

TEST_F(SolveBehaviourTest, MalformedCallsAreToolErrorsTheModelCanFix) {
  std::string script = write_script({
      Json{{"tool_calls", Json::array({
           Json{{"name", "no_such_tool"}, {"arguments", Json::object()}},
           Json{{"name", "shell"}, {"arguments", "{\"command\": \"echo hi"}},
           Json{{"name", "shell"}, {"arguments", Json::object()}},
           Json{{"name", "shell"}, {"arguments", {{"command", "echo ok"}, {"colour", "red"}}}},
       })}},
      shell("echo fixed"),
      done(),
  });
  auto r = solve(script);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto res = results();
  ASSERT_EQ(res.size(), 5u);
  EXPECT_TRUE(res[0]["is_error"].get<bool>());
  EXPECT_NE(res[0]["content"].get<std::string>().find("unknown tool \"no_such_tool\""), std::string::npos);
  EXPECT_NE(res[0]["content"].get<std::string>().find("shell"), std::string::npos) << "lists the tools";
  EXPECT_NE(res[1]["content"].get<std::string>().find("not valid JSON"), std::string::npos);
  EXPECT_NE(res[2]["content"].get<std::string>().find("missing required argument \"command\""), std::string::npos);
  EXPECT_NE(res[3]["content"].get<std::string>().find("unknown argument \"colour\""), std::string::npos);
  EXPECT_FALSE(res[4]["is_error"].get<bool>());
  EXPECT_EQ(result()["tool_calls"], 5);
}

TEST_F(SolveBehaviourTest, RepeatedFailingCallIsPointedOut) {
  std::vector<Json> turns;
  for (int i = 0; i < 3; ++i) turns.push_back(shell("cat missing.txt"));
  turns.push_back(done());
  auto r = solve(write_script(turns));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto res = results();
  ASSERT_EQ(res.size(), 3u);
  EXPECT_EQ(res[0]["content"].get<std::string>().find("failed the same way"), std::string::npos);
  EXPECT_NE(res[1]["content"].get<std::string>().find("failed the same way 2 times"), std::string::npos);
  EXPECT_NE(res[2]["content"].get<std::string>().find("failed the same way 3 times"), std::string::npos);
}

TEST_F(SolveBehaviourTest, StepBudgetStopsWithExit1) {
  auto r = solve(write_script({shell("true"), shell("true"), shell("true"), done()}), {"--max-steps", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Json res = result();
  EXPECT_EQ(res["status"], "budget");
  EXPECT_EQ(res["steps"], 2);
  EXPECT_NE(res["stop_reason"].get<std::string>().find("step budget"), std::string::npos);
}

TEST_F(SolveBehaviourTest, TimeBudgetKillsTheCommandAndStops) {
  auto start = std::chrono::steady_clock::now();
  auto r = solve(write_script({shell("sleep 60"), done()}), {"--timeout", "1"});
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(took, 20.0);
  EXPECT_EQ(result()["status"], "budget");
  EXPECT_NE(results()[0]["content"].get<std::string>().find("time budget ran out"), std::string::npos);
}

TEST_F(SolveBehaviourTest, ContextFullStopsTheRun) {
  // ~60 KB of output per call against a 8192-token window: the second request cannot fit.
  auto r = solve(write_script({shell("seq 1 12000 | tr '\\n' ' '"), shell("seq 1 12000 | tr '\\n' ' '"), shell("true"), done()}),
                 {"--context-tokens", "8192", "--max-output-tokens", "1024"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(result()["status"], "context_full");
}

TEST_F(SolveBehaviourTest, LongOutputIsCutForTheModelAndSavedInFull) {
  auto r = solve(write_script({shell("seq 1 100000"), done()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json res = results()[0];
  std::string content = res["content"];
  EXPECT_LT(content.size(), 30000u);
  EXPECT_NE(content.find("100001 lines"), std::string::npos) << content.substr(0, 300);
  EXPECT_NE(content.find("\n1\n"), std::string::npos);
  EXPECT_NE(content.find("99999\n100000\n"), std::string::npos);
  std::string full_path = res["full_output"];
  EXPECT_EQ(full_path.rfind(run_.string(), 0), 0u) << "full output lives in the run folder";
  auto full = read_file(full_path);
  ASSERT_TRUE(full.ok());
  EXPECT_NE(full->find("\n50000\n"), std::string::npos);
}

TEST_F(SolveBehaviourTest, TerminalEscapesAndProgressBarsAreCleaned) {
  auto r = solve(write_script({shell("printf '\\033[31mred\\033[0m\\n10%%\\r50%%\\r100%%\\n'"), done()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(results()[0]["content"], "red\n100%\n[exit code: 0]\n");
}

TEST_F(SolveBehaviourTest, ScriptRunningOutIsABackendFailure) {
  auto r = solve(write_script({shell("true")}));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(result()["status"], "failed");
  EXPECT_NE(r.err.find("has 1 model turns"), std::string::npos) << r.err;
}

// SIGINT and SIGTERM alike: the running command is killed, the journal closed, exit 130, and
// `agent resume` finishes the run.
TEST_F(SolveBehaviourTest, SigintAndSigtermStopCleanlyAndTheRunResumes) {
  for (int sig : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(sig == SIGINT ? "SIGINT" : "SIGTERM");
    std::filesystem::remove_all(run_);
    std::filesystem::remove(repo_ / "started");
    std::string script = write_script({shell("touch started && sleep 60"), shell("echo after"), done()});
    std::string issue = write_text("issue.md", "x");
    ASSERT_TRUE(make_dirs(root_ / "logs").ok());
    pid_t pid = start_process({agent_binary().string(), "solve", "--repo", repo_.string(), "--issue", issue,
                               "--backend", "scripted", "--script", script, "--out", run_.string()},
                              root_ / "logs");
    for (int i = 0; i < 200 && !std::filesystem::exists(repo_ / "started"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(std::filesystem::exists(repo_ / "started"));
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_EQ(result()["status"], "interrupted");
    EXPECT_TRUE(std::filesystem::exists(run_ / "patch.diff"));

    auto r = resume();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto res = results();
    ASSERT_EQ(res.size(), 2u);
    EXPECT_TRUE(res[0]["interrupted"].get<bool>());
    EXPECT_EQ(res[1]["content"], "after\n[exit code: 0]\n");
    EXPECT_EQ(result()["status"], "finished");
    EXPECT_EQ(result()["sessions"], 2);
  }
}

}  // namespace
}  // namespace agent::testing
